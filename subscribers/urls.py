"""Public consent pages (`/consent/...`)."""

from django.urls import path

from subscribers.views import consent_result, consent_start

urlpatterns = [
    path("result/<uuid:public_id>/", consent_result, name="consent-result"),
    path("<str:app_id>/", consent_start, name="consent-start"),
]
