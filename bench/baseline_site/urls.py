from django.http import HttpResponse
from django.urls import path

from bench.baseline_site import views

urlpatterns = [
    path("healthz", lambda request: HttpResponse("ok")),
    path("plain/notify/", views.plain_notify),
    path("drf/notify/", views.DrfNotify.as_view()),
]
