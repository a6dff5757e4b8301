"""A Hatid app registered in the sandbox, with subscribers who consented, for
benchmarks (the same credentials on both sides, real platform tokens)."""

from __future__ import annotations


def app_with_subscribers(
    sandbox, count: int, *, shortcode: str = "21589999", sms_per_second: int = 100_000
):
    from django.utils import timezone

    from subscribers.models import AccessToken, Subscriber
    from subscribers.models.consent import token_digest
    from telecom.models import ProviderApp
    from telecom.msisdn import try_normalize

    # Their numbers: +639, the short code's last 3 digits, n in 6.
    if count > 1_000_000:
        raise ValueError("at most 1,000,000 subscribers per short code")
    if try_normalize(f"+639{shortcode[-3:]}000000") is None:
        # The numbering plan leaves some prefixes out (0940, 0913...).
        raise ValueError(f"short code {shortcode}: +639{shortcode[-3:]}... is no mobile number")

    app = ProviderApp.objects.create(
        name=f"Bench {shortcode}",
        app_id=f"bench{shortcode}",
        app_secret="bench-secret",
        shortcode=shortcode,
        rewards_token="bench-rewards",
        sms_per_second=sms_per_second,
        quiet_hours=False,  # a benchmark measures sending, whatever the hour it runs
    )
    sandbox.register_app(
        app_id=app.app_id,
        app_secret="bench-secret",
        shortcode=shortcode,
        rewards_token="bench-rewards",
        redirect_uri=app.callback_uri("redirect"),
        notify_uri=app.callback_uri("notify"),
        ussd_notify_uri=app.callback_uri("ussd"),
        rewards_uri=app.callback_uri("rewards"),
        voice_uri=app.voice_uri,
        promos=["LOAD 10"],
        wallet_balance="100000000.00",
    )
    now = timezone.now()
    subscribers = []
    for n in range(count):
        number = f"+639{shortcode[-3:]}{n:06d}"
        sandbox.add_subscriber(number, balance="1000000.00")
        grant = sandbox.grant(app.app_id, number)
        subscriber = Subscriber.objects.create(
            app=app,
            msisdn=number,
            status="active",
            opt_in_channel="sms",
            first_opt_in_at=now,
            last_opt_in_at=now,
        )
        AccessToken.objects.create(
            subscriber=subscriber,
            token=grant["access_token"],
            digest=token_digest(grant["access_token"]),
            channel="sms",
            granted_at=now,
        )
        subscribers.append(subscriber)
    return app, subscribers


def wait_for_workers(expected: int, timeout: float = 60) -> None:
    from config.celery import app
    from sandbox.client import wait_for

    wait_for(
        lambda: len(app.control.ping(timeout=0.5) or []) >= expected,
        timeout=timeout,
        what=f"{expected} Celery worker(s) to answer",
        interval=0.1,
    )
