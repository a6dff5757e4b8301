"""Routes of the voice endpoints, included in `/api/v1/`."""

from django.urls import path

from telecom.api.routes import resource
from voiceflows.api import views

urlpatterns = [
    path("calls/sessions/", views.CallSessionList.as_view(), name="call-session-list"),
    *resource("calls", "call", views.CallList, views.CallDetail),
    *resource("escalations", "escalation", views.EscalationList, views.EscalationDetail),
]
