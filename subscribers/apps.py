"""The subscribers app."""

from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "subscribers"
    verbose_name = "Subscribers"
    operator_permissions = (
        "subscribers.tag_subscriber",
        "subscribers.export_subscriber",
        "subscribers.locate_subscriber",
        "subscribers.query_balance_subscriber",
        "subscribers.offer_charging_optin_subscriber",
        "subscribers.change_subscriber",
        "subscribers.add_subscriberimport",
        "subscribers.view_full_number",
        "subscribers.erase_subscriber",
        "subscribers.access_request_subscriber",
    )

    def ready(self) -> None:
        from subscribers import retention  # noqa: F401 - registers its retention kinds
        from subscribers.personal_data import PLACES, register

        register(*PLACES)  # where a number lives (docs/privacy.md); the others add theirs
