"""The retention kinds of subscribers' data (telecom.retention).

Deleted when expired: location answers and balance answers (period
`locations`), web-form opt-in codes once exchanged (`callbacks`). An
uploaded subscriber file keeps its row and counts and loses the file and its
sample rows (`callbacks`).

Kept on purpose: `Subscriber` (the number, its status and attributes) while
it is a subscriber, and its `ConsentEvent`s and `AccessToken`s, the proof of
the consent Hatid acts on; erasing a number (subscribers' personal_data)
removes those.
"""

from django.db.models import Q

from telecom.retention.registry import Kind, register

register(
    Kind(
        name="subscribers.locations",
        model="subscribers.LocationQuery",
        date="created_at",
        label="Location answers",
        period="locations",
        app="subscriber__app",
        only=~Q(status__in=["queued", "sending"]),
    ),
    Kind(
        name="subscribers.balances",
        model="subscribers.BalanceQuery",
        date="created_at",
        label="Balance answers",
        period="locations",
        app="subscriber__app",
        only=~Q(status__in=["queued", "sending"]),
    ),
    Kind(
        name="subscribers.optin_codes",
        model="subscribers.CodeExchange",
        date="created_at",
        label="Web-form opt-in codes",
        period="callbacks",
        only=Q(status__in=["done", "failed"]),
    ),
    Kind(
        name="subscribers.import_files",
        model="subscribers.SubscriberImport",
        date="created_at",
        label="Uploaded subscriber files (the counts stay)",
        period="callbacks",
        blank={"data": b"", "preview": {}, "result": {}},
        only=Q(status__in=["done", "failed"]),
    ),
)
