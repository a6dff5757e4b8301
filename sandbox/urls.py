"""The sandbox's URLconf: the Globe Labs API paths, the Hoiio twin
(`/hoiio/open/...`), the Voicent gateway twin (`/voicent/ocall/...`), the
control API, the handset page.

Mounted only by the sandbox process (`manage.py globe_sandbox`), never by
Hatid's own `config.urls`. The paths are the reference docs' (and, for the
subscriber queries and getLastRefCode, the official SDK's).
"""

from django.http import JsonResponse
from django.urls import path, re_path

from config.favicon import favicon
from sandbox import handset
from sandbox.control import handsets, inspect, registry
from sandbox.control import voice as voice_control
from sandbox.hoiio import control as hoiio_control
from sandbox.hoiio.urls import urlpatterns as hoiio
from sandbox.platform import location, oauth, payment, rewards, sms, ussd, voice, wallet
from sandbox.voicent import control as voicent_control
from sandbox.voicent.urls import urlpatterns as voicent

platform = [
    re_path(r"^dialog/oauth(?:/(?P<app_id>[^/]+))?/?$", oauth.dialog, name="oauth-dialog"),
    path("oauth/access_token", oauth.access_token),
    path("smsmessaging/v1/outbound/<str:sender_address>/requests", sms.send_sms),
    path("binarymessaging/v1/outbound/<str:sender_address>/requests", sms.send_binary),
    path("location/v1/queries/location", location.location),
    path("location/v1/queries/balance", location.balance),
    path("location/v1/queries/reload_amount", location.reload_amount),
    path("payment/v1/transactions/amount", payment.charge),
    path("payment/v1/transactions/getLastRefCode", payment.last_reference_code),
    path("payment/v1/smsoptin", payment.sms_optin),
    path("rewards/v1/transactions/send", rewards.send_reward),
    path("ussd/v1/outbound/<str:shortcode>/send/requests", ussd.send),
    path("ussd/v1/outbound/<str:shortcode>/reply/requests", ussd.reply),
    re_path(r"^wallet/v1/balance/?$", wallet.balance),
    # Tropo's session API (the call trigger endpoint), on the same host here.
    path("1.0/sessions", voice.sessions),
]

control = [
    path("_sandbox/health", registry.health),
    path("_sandbox/apps", registry.apps),
    path("_sandbox/apps/<str:app_id>", registry.app_detail),
    path("_sandbox/subscribers", registry.subscribers),
    path("_sandbox/grants", registry.grants),
    path("_sandbox/grants/revoke", registry.revoke_grants),
    path("_sandbox/grants/bulk", registry.bulk_grants),
    path("_sandbox/settings", registry.settings),
    path("_sandbox/reset", registry.reset),
    path("_sandbox/handsets/<str:number>", handsets.state),
    path("_sandbox/handsets/<str:number>/inbox", handsets.inbox),
    path("_sandbox/handsets/<str:number>/sms", handsets.text),
    path("_sandbox/handsets/<str:number>/ussd", handsets.dial),
    path("_sandbox/handsets/<str:number>/call", voice_control.call),
    path("_sandbox/handsets/<str:number>/keys", voice_control.keys),
    path("_sandbox/calls", voice_control.calls),
    path("_sandbox/deliveries", inspect.deliveries),
    path("_sandbox/callbacks", inspect.callbacks),
    path("_sandbox/faults", inspect.fault_list),
    path("_sandbox/phones", hoiio_control.phones),
    path("_sandbox/hoiio/accounts", hoiio_control.accounts),
    path("_sandbox/hoiio/accounts/<str:app_id>", hoiio_control.account_detail),
    path("_sandbox/hoiio/transactions", hoiio_control.transactions),
    path("_sandbox/hoiio/sessions", hoiio_control.sessions),
    path("_sandbox/hoiio/sessions/<str:session>", hoiio_control.session_detail),
    path("_sandbox/hoiio/rooms", hoiio_control.rooms),
    path("_sandbox/hoiio/numbers", hoiio_control.numbers),
    path("_sandbox/hoiio/numbers/<str:number>/sms", hoiio_control.incoming_sms),
    path("_sandbox/hoiio/numbers/<str:number>/fax", hoiio_control.incoming_fax),
    path("_sandbox/hoiio/numbers/<str:number>/call", hoiio_control.incoming_call),
    path("_sandbox/voicent/requests", voicent_control.requests),
    path("_sandbox/voicent/calllists", voicent_control.call_lists),
]

urlpatterns = [
    path("", handset.page, name="sandbox-handset"),
    path("favicon.ico", favicon),
    *platform,
    *hoiio,
    *voicent,
    *control,
]


def handler404(request, exception=None):
    # As the platform's Node.js router answers an unknown path.
    return JsonResponse({"error": f"Cannot {request.method} {request.path}"}, status=404)


def handler500(request):
    return JsonResponse({"error": "Something went wrong. Please try again in a while"}, status=500)
