"""Routes of the voice endpoints, included in `/api/v1/`."""

from django.urls import path

from voiceflows.api import views

urlpatterns = [
    path("calls/", views.CallList.as_view(), name="call-list"),
    path("calls/sessions/", views.CallSessionList.as_view(), name="call-session-list"),
    path("calls/<int:pk>/", views.CallDetail.as_view(), name="call-detail"),
    path("escalations/", views.EscalationList.as_view(), name="escalation-list"),
    path("escalations/<int:pk>/", views.EscalationDetail.as_view(), name="escalation-detail"),
]
