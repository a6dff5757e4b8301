"""The voice webhook's URLs, under `/voice/`: the app's Voice URI (its default
flow), a flow, and a step of a flow. The callback token is the credential,
as in every callback URI."""

from django.urls import path

from voiceflows import views

urlpatterns = [
    path("<str:token>/", views.voice, name="voice-app"),
    path("<str:token>/<slug:flow>/", views.voice, name="voice-flow"),
    path("<str:token>/<slug:flow>/<slug:step>/", views.voice, name="voice-step"),
]
