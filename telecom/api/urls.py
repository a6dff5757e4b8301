"""`/api/v1/`: every partner endpoint. Features append their routes here."""

from django.urls import include, path

from telecom.api import faxes, messages, money, reports, ussd
from telecom.api.audit import AuditEventList
from telecom.api.hoiio_voice import (
    CallDetail,
    CallHangup,
    CallList,
    ConferenceDetail,
    ConferenceList,
    ConferenceParticipants,
    IvrDetail,
    IvrList,
)
from telecom.api.routes import resource
from telecom.api.views import MeView, WebhookView
from telecom.api.voicent import (
    VoicentCallDetail,
    VoicentCallList,
    VoicentCallRemove,
    VoicentEscalationCancel,
    VoicentEscalationDetail,
    VoicentEscalationList,
)

app_name = "api"

hoiio_routes = [
    *resource("calls", "hoiio-call", CallList, CallDetail, hangup=CallHangup),
    *resource(
        "conferences",
        "conference",
        ConferenceList,
        ConferenceDetail,
        participants=ConferenceParticipants,
    ),
    *resource("ivr", "ivr", IvrList, IvrDetail),
    *resource("faxes", "fax", faxes.FaxList, faxes.FaxDetail, document=faxes.FaxDocument),
]

voicent_routes = [
    *resource(
        "calls", "voicent-call", VoicentCallList, VoicentCallDetail, remove=VoicentCallRemove
    ),
    *resource(
        "escalations",
        "voicent-escalation",
        VoicentEscalationList,
        VoicentEscalationDetail,
        cancel=VoicentEscalationCancel,
    ),
]

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("webhook/", WebhookView.as_view(), name="webhook"),
    path("audit-events/", AuditEventList.as_view(), name="audit-event-list"),
    *resource("messages", "message", messages.MessageList, messages.MessageDetail),
    path("campaigns/preview/", messages.CampaignPreview.as_view(), name="campaign-preview"),
    *resource("campaigns", "campaign", messages.CampaignList, messages.CampaignDetail),
    path(
        "campaigns/<int:pk>/<str:action>/",
        messages.CampaignControl.as_view(),
        name="campaign-control",
    ),
    *resource("charges", "charge", money.ChargeList, money.ChargeDetail),
    *resource("rewards", "reward", money.RewardList, money.RewardDetail),
    path("wallet/", money.WalletView.as_view(), name="wallet"),
    path("reports/traffic/", reports.TrafficReport.as_view(), name="reports-traffic"),
    path("ussd/push/", ussd.Push.as_view(), name="ussd-push"),
    path("ussd/sessions/", ussd.SessionList.as_view(), name="ussd-sessions"),
    # Hoiio and the Voicent gateway live under their provider's prefix: `/calls/` and
    # `/escalations/` belong to the voice flows (voiceflows.api), which any app can run.
    path("hoiio/", include(hoiio_routes)),
    path("voicent/", include(voicent_routes)),
    path("", include("subscribers.api.urls")),
    path("", include("voiceflows.api.urls")),
]
