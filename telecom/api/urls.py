"""`/api/v1/`: every partner endpoint. Features append their routes here."""

from django.urls import include, path

from telecom.api import calls, faxes, messages, money, ussd
from telecom.api.views import MeView, WebhookView

app_name = "api"

hoiio_routes = [
    path("calls/", calls.CallList.as_view(), name="hoiio-call-list"),
    path("calls/<int:pk>/", calls.CallDetail.as_view(), name="hoiio-call-detail"),
    path("calls/<int:pk>/hangup/", calls.CallHangup.as_view(), name="hoiio-call-hangup"),
    path("conferences/", calls.ConferenceList.as_view(), name="conference-list"),
    path("conferences/<int:pk>/", calls.ConferenceDetail.as_view(), name="conference-detail"),
    path(
        "conferences/<int:pk>/participants/",
        calls.ConferenceParticipants.as_view(),
        name="conference-participants",
    ),
    path("ivr/", calls.IvrList.as_view(), name="ivr-list"),
    path("ivr/<int:pk>/", calls.IvrDetail.as_view(), name="ivr-detail"),
    path("faxes/", faxes.FaxList.as_view(), name="fax-list"),
    path("faxes/<int:pk>/", faxes.FaxDetail.as_view(), name="fax-detail"),
    path("faxes/<int:pk>/document/", faxes.FaxDocument.as_view(), name="fax-document"),
]

voicent_routes = [
    path("calls/", calls.VoicentCallList.as_view(), name="voicent-call-list"),
    path("calls/<int:pk>/", calls.VoicentCallDetail.as_view(), name="voicent-call-detail"),
    path("calls/<int:pk>/remove/", calls.VoicentCallRemove.as_view(), name="voicent-call-remove"),
    path("escalations/", calls.VoicentEscalationList.as_view(), name="voicent-escalation-list"),
    path(
        "escalations/<int:pk>/",
        calls.VoicentEscalationDetail.as_view(),
        name="voicent-escalation-detail",
    ),
    path(
        "escalations/<int:pk>/cancel/",
        calls.VoicentEscalationCancel.as_view(),
        name="voicent-escalation-cancel",
    ),
]

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("webhook/", WebhookView.as_view(), name="webhook"),
    path("messages/", messages.MessageList.as_view(), name="message-list"),
    path("messages/<int:pk>/", messages.MessageDetail.as_view(), name="message-detail"),
    path("campaigns/", messages.CampaignList.as_view(), name="campaign-list"),
    path("campaigns/preview/", messages.CampaignPreview.as_view(), name="campaign-preview"),
    path("campaigns/<int:pk>/", messages.CampaignDetail.as_view(), name="campaign-detail"),
    path(
        "campaigns/<int:pk>/<str:action>/",
        messages.CampaignControl.as_view(),
        name="campaign-control",
    ),
    path("charges/", money.ChargeList.as_view(), name="charge-list"),
    path("charges/<int:pk>/", money.ChargeDetail.as_view(), name="charge-detail"),
    path("rewards/", money.RewardList.as_view(), name="reward-list"),
    path("rewards/<int:pk>/", money.RewardDetail.as_view(), name="reward-detail"),
    path("wallet/", money.WalletView.as_view(), name="wallet"),
    path("ussd/push/", ussd.Push.as_view(), name="ussd-push"),
    path("ussd/sessions/", ussd.SessionList.as_view(), name="ussd-sessions"),
    # Hoiio and the Voicent gateway live under their provider's prefix: `/calls/` and
    # `/escalations/` belong to the voice flows (voiceflows.api), which any app can run.
    path("hoiio/", include(hoiio_routes)),
    path("voicent/", include(voicent_routes)),
    path("", include("subscribers.api.urls")),
    path("", include("voiceflows.api.urls")),
]
