"""Routes of the subscriber endpoints, included in `/api/v1/`."""

from django.urls import path

from subscribers.api import views

urlpatterns = [
    path("subscribers/", views.SubscriberList.as_view(), name="subscriber-list"),
    path("subscribers/<int:pk>/", views.SubscriberDetail.as_view(), name="subscriber-detail"),
    path(
        "subscribers/<int:pk>/locate/", views.SubscriberLocate.as_view(), name="subscriber-locate"
    ),
    path(
        "subscribers/<int:pk>/balance/",
        views.SubscriberBalance.as_view(),
        name="subscriber-balance",
    ),
    path("location-queries/<int:pk>/", views.LocationDetail.as_view(), name="location-detail"),
    path("balance-queries/<int:pk>/", views.BalanceDetail.as_view(), name="balance-detail"),
    path("apps/", views.AppList.as_view(), name="app-list"),
    path("apps/<int:pk>/charging-optin/", views.ChargingOptIn.as_view(), name="charging-optin"),
]
