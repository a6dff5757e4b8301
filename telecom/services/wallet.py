"""The developer wallet: reading its balance (the Globe Labs wallet, or a Hoiio
app's account credit), alerting below a threshold, and counting the calls it
pays for.

The balance API answers 429 when asked too often; the backoff it asks for is
kept in the cache, shared by every worker, and honoured before asking again.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from subscribers.models import AccessToken
from telecom.errors import ProviderError, RateLimited
from telecom.globe import GlobeClient
from telecom.models import OutboundCall, ProviderApp, UsageDay, WalletSnapshot
from telecom.roles import OPERATORS
from telecom.services.hoiio.numbers import read_balance

# Which answers the wallet pays for, per operation (API docs: the "HTTP
# Response" tables of SMS and LBS, "Note" under charging and getLastRefCode).
CHARGEABLE = {
    "sms.send": {201, 400, 401},
    "sms.binary": {201, 400, 401},
    "location": {201, 400, 401},
    "charge": set(range(400, 500)),
    "refcode": set(range(300, 500)),
    "ussd.send": {200, 201, 400, 401},
    "ussd.reply": {200, 201, 400, 401},
    "reward.send": {200, 201},
}


def _backoff_key(app: ProviderApp) -> str:
    return f"wallet:backoff:{app.pk}"


def any_live_token(app: ProviderApp):
    token = AccessToken.objects.filter(subscriber__app=app, revoked_at__isnull=True).first()
    return token.token if token else None


def read_wallet(app: ProviderApp) -> WalletSnapshot | None:
    """Ask the platform for the balance; None when backing off or nothing to ask with."""
    if app.provider == ProviderApp.Provider.HOIIO:
        previous = WalletSnapshot.objects.filter(app=app).first()
        snapshot = read_balance(app)
        if snapshot.below_threshold and (previous is None or not previous.below_threshold):
            alert_operators(app, snapshot)
        return snapshot
    if cache.get(_backoff_key(app)):
        return None
    token = None if app.passphrase else any_live_token(app)
    if not app.passphrase and token is None:
        return None
    try:
        answer = GlobeClient(app).wallet_balance(token=token)
    except RateLimited as exc:
        cache.set(_backoff_key(app), True, timeout=max(1, int(exc.retry_after)))
        return None
    threshold = app.wallet_alert_below
    below = threshold is not None and answer.balance < threshold
    previous = WalletSnapshot.objects.filter(app=app).first()
    snapshot = WalletSnapshot.objects.create(
        app=app, balance=answer.balance, as_of=answer.as_of, below_threshold=below
    )
    if below and (previous is None or not previous.below_threshold):
        alert_operators(app, snapshot)
    return snapshot


def alert_operators(app: ProviderApp, snapshot: WalletSnapshot) -> int:
    emails = list(
        get_user_model()
        .objects.filter(Q(groups__name=OPERATORS) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not emails:
        return 0
    return send_mail(
        subject=f"[Hatid] {app} wallet below {snapshot.currency} {app.wallet_alert_below}",
        message=(
            f"The {app.get_provider_display()} balance of {app} is {snapshot.currency} "
            f"{snapshot.balance} (alert threshold {app.wallet_alert_below}). "
            "Top it up to keep sending."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=emails,
        fail_silently=True,
    )


def read_all_wallets() -> int:
    done = 0
    for app in ProviderApp.objects.filter(
        is_active=True, provider__in=[ProviderApp.Provider.GLOBE, ProviderApp.Provider.HOIIO]
    ).exclude(app_id=""):
        try:
            if read_wallet(app) is not None:
                done += 1
        except ProviderError:
            continue
    return done


def apps_below_threshold() -> list[WalletSnapshot]:
    """The latest snapshot of each app whose wallet is below its alert threshold."""
    latest = []
    for app in ProviderApp.objects.filter(is_active=True, wallet_alert_below__isnull=False):
        snapshot = WalletSnapshot.objects.filter(app=app).first()
        if snapshot is not None and snapshot.below_threshold:
            latest.append(snapshot)
    return latest


def roll_up_usage(days: int = 2) -> int:
    """Recount the last `days` days of platform calls per app and operation."""
    since = (timezone.now() - timedelta(days=days - 1)).date()
    rows = (
        OutboundCall.objects.filter(
            provider="globe", app__isnull=False, started_at__date__gte=since
        )
        .annotate(day=TruncDate("started_at"))
        .values("app_id", "day", "operation", "status_code")
        .annotate(n=Count("pk"))
    )
    totals: dict[tuple, list[int]] = {}
    for row in rows:
        key = (row["app_id"], row["day"], row["operation"])
        calls_chargeable = totals.setdefault(key, [0, 0])
        calls_chargeable[0] += row["n"]
        if row["status_code"] in CHARGEABLE.get(row["operation"], ()):
            calls_chargeable[1] += row["n"]
    for (app_id, day, operation), (calls, chargeable) in totals.items():
        UsageDay.objects.update_or_create(
            app_id=app_id,
            day=day,
            operation=operation,
            defaults={"calls": calls, "chargeable": chargeable},
        )
    return len(totals)
