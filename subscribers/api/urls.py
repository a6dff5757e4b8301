"""Routes of the subscriber endpoints, included in `/api/v1/`."""

from django.urls import path

from subscribers.api import views
from telecom.api.routes import resource

urlpatterns = [
    *resource(
        "subscribers",
        "subscriber",
        views.SubscriberList,
        views.SubscriberDetail,
        locate=views.SubscriberLocate,
        balance=views.SubscriberBalance,
        erase=views.SubscriberErase,
        **{"access-request": views.SubscriberAccessRequest},
    ),
    *resource("location-queries", "location", detail_view=views.LocationDetail),
    *resource("balance-queries", "balance", detail_view=views.BalanceDetail),
    *resource("apps", "app", views.AppList),
    path("apps/<int:pk>/charging-optin/", views.ChargingOptIn.as_view(), name="charging-optin"),
    path("apps/<int:pk>/unsubscribe/", views.HoiioUnsubscribe.as_view(), name="app-unsubscribe"),
    path("apps/<int:pk>/resubscribe/", views.HoiioResubscribe.as_view(), name="app-resubscribe"),
]
