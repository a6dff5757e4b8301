"""The Load (Rewards) API: `POST /rewards/v1/transactions/send`.

The answer is 200 with a `transaction_id` and "Please check your Rewards
Callback URI for status"; the final status follows, asynchronously, as a
POST of the same `outboundRewardRequest` shape to the app's rewards URI
(SUCCESS, or FAILED for a subscriber whose `reward_outcome` says so). The
errors are the docs' table, verbatim. The table has no 400; a request
missing a field, or with a number that is not one, answers 400 with the
USSD table's wording ("Missing parameters", "Invalid subscriber number").

The API takes no idempotency key: every accepted request is a new
transaction. A reward costs the app its promo's price; a FAILED reward is
refunded, and a successful `LOAD <n>` adds n to the subscriber's load.
"""

import json
import re
from decimal import Decimal

from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone

from sandbox import callbacks, conf
from sandbox.models import App, Callback, Delivery, Subscriber
from sandbox.platform.common import (
    MISSING_PARAMETERS,
    PlatformError,
    app_by_credentials,
    apply_once,
    json_object,
    national,
    parse_address,
    platform_endpoint,
    same_secret,
)
from sandbox.services import handsets, wallet
from telecom.dates import format_rewards_datetime

NOT_PROVISIONED = "App is not provisioned for Rewards"
INVALID_REWARDS_TOKEN = "Invalid Rewards Token"  # noqa: S105 (an error message)
PROMO_NOT_PROVISIONED = "App is not provisioned for this promo"
INVALID_PROMO = "Invalid promo"
# The .txt shows the address as "[email protected]" (an e-mail obfuscator's mark).
ACCOUNT_BLOCKED = (
    "Your account is currently blocked. Please contact api@globe.com.ph for reactivation"
)
BLACKLISTED = "The subscriber is blacklisted"
SOMETHING_WRONG = "Something went wrong. Please try again in a while"
ACCEPTED = "Please check your Rewards Callback URI for status"
FIELDS = ("app_id", "app_secret", "rewards_token", "address", "promo")
_LOAD = re.compile(r"^LOAD\s+(\d+)$", re.IGNORECASE)


def promo_catalog() -> set[str]:
    names = set(conf.DEFAULT_PROMOS)
    for promos in App.objects.values_list("promos", flat=True):
        names.update(promos)
    return names


def promo_price(app: App, promo: str) -> Decimal:
    price = app.promos.get(promo) or conf.DEFAULT_PROMOS.get(promo)
    return Decimal(str(price)) if price else conf.price("reward_default")


@platform_endpoint("reward", methods=("POST",), fault_messages={500: SOMETHING_WRONG})
def send_reward(request):
    body = json_object(request, "outboundRewardRequest")
    if any(not isinstance(body.get(name), str) or not body[name] for name in FIELDS):
        raise PlatformError(400, MISSING_PARAMETERS)
    app = app_by_credentials(request, body["app_id"], body["app_secret"])
    if not app.rewards_provisioned:
        raise PlatformError(401, NOT_PROVISIONED)
    if not app.rewards_token or not same_secret(app.rewards_token, body["rewards_token"]):
        raise PlatformError(401, INVALID_REWARDS_TOKEN)
    if app.blocked:
        raise PlatformError(403, ACCOUNT_BLOCKED)
    promo = body["promo"]
    if promo not in promo_catalog():
        raise PlatformError(404, INVALID_PROMO)
    if promo not in app.promos:
        raise PlatformError(401, PROMO_NOT_PROVISIONED)
    number = parse_address(body["address"])
    subscriber = handsets.subscriber_for(number)
    if subscriber.blacklisted:
        raise PlatformError(403, BLACKLISTED)
    price = promo_price(app, promo)
    stamp = format_rewards_datetime(timezone.now())
    outcome = subscriber.reward_outcome

    def answer(transaction_id: int, status: str) -> dict:
        return {
            "outboundRewardRequest": {
                "transaction_id": transaction_id,
                "status": status,
                "address": national(number),
                "promo": promo,
                "timestamp": stamp,
            }
        }

    def answered(delivery_id: int) -> None:
        # The transaction id is the delivery's, known once it is inserted.
        Delivery.objects.filter(pk=delivery_id).update(
            response=json.dumps(answer(delivery_id, ACCEPTED))
        )

    kept = {**body, "app_secret": "", "rewards_token": ""}
    applied = apply_once(
        Delivery.Kind.REWARD,
        app,
        subscriber,
        request=kept,
        answer=(200, {}),
        charged=price,
        amount=price,
        effects=answered,
    )
    settle(app, subscriber, promo, price, outcome)
    callbacks.send(
        app,
        Callback.Kind.REWARD,
        app.rewards_uri,
        body=answer(applied.delivery_id, outcome),
        later=conf.option("reward_callback_delay"),
    )
    return JsonResponse(answer(applied.delivery_id, ACCEPTED), status=200)


def settle(app: App, subscriber: Subscriber, promo: str, price: Decimal, outcome: str) -> None:
    """The reward's effect: load added on success, the price refunded on failure."""
    if outcome == Subscriber.RewardOutcome.FAILED:
        wallet.credit(app, price, f"refund of failed reward {promo}")
        return
    load = _LOAD.match(promo)
    if load:
        Subscriber.objects.filter(pk=subscriber.pk).update(balance=F("balance") + Decimal(load[1]))
    handsets.receive(subscriber, app.shortcode, f"You have received {promo}.")
