"""The subscribers app's models, one module per concern."""

from subscribers.models.consent import (
    AccessToken,
    ChargingOptInRequest,
    CodeExchange,
    ConsentEvent,
)
from subscribers.models.imports import SubscriberImport
from subscribers.models.queries import BalanceQuery, LocationQuery
from subscribers.models.subscriber import Subscriber, Tag

__all__ = [
    "AccessToken",
    "BalanceQuery",
    "ChargingOptInRequest",
    "CodeExchange",
    "ConsentEvent",
    "LocationQuery",
    "Subscriber",
    "SubscriberImport",
    "Tag",
]
