"""The Hoiio twin's paths: `/hoiio/open/<service>/<call>`, as the SDK's
`api_endpoint` builds them, and the documents it serves."""

from django.urls import path

from sandbox.hoiio import fax, ivr, numbers, sms, voice

urlpatterns = [
    path("hoiio/open/sms/send", sms.send),
    path("hoiio/open/sms/bulk_send", sms.bulk_send),
    path("hoiio/open/sms/get_history", sms.history),
    path("hoiio/open/sms/get_rate", sms.rate),
    path("hoiio/open/sms/query_status", sms.status),
    path("hoiio/open/voice/call", voice.call_back),
    path("hoiio/open/voice/conference", voice.conference),
    path("hoiio/open/voice/hangup", voice.hangup),
    path("hoiio/open/voice/get_history", voice.history),
    path("hoiio/open/voice/get_rate", voice.rate),
    path("hoiio/open/voice/query_status", voice.status),
    path("hoiio/open/ivr/start/dial", ivr.dial),
    path("hoiio/open/ivr/middle/play", ivr.play),
    path("hoiio/open/ivr/middle/gather", ivr.gather),
    path("hoiio/open/ivr/middle/record", ivr.record),
    path("hoiio/open/ivr/middle/monitor", ivr.monitor),
    path("hoiio/open/ivr/end/transfer", ivr.transfer),
    path("hoiio/open/ivr/end/hangup", ivr.hangup),
    path("hoiio/open/fax/send", fax.send),
    path("hoiio/open/fax/get_history", fax.history),
    path("hoiio/open/fax/get_rate", fax.rate),
    path("hoiio/open/fax/query_status", fax.status),
    path("hoiio/open/number/get_countries", numbers.countries),
    path("hoiio/open/number/get_choices", numbers.choices),
    path("hoiio/open/number/get_rates", numbers.rates),
    path("hoiio/open/number/subscribe", numbers.subscribe),
    path("hoiio/open/number/update_forwarding", numbers.update_forwarding),
    path("hoiio/open/number/get_active", numbers.active),
    path("hoiio/open/user/get_balance", numbers.balance),
    path("hoiio/open/user/get_info", numbers.info),
    path("hoiio/files/<str:name>", fax.document),
]
