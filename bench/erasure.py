"""How long an erasure takes with an app's stored traffic: N raw callbacks
(encrypted, each read and decrypted: they cannot be searched) and N messages,
1% of them the erased number's; then the same erasure again (nothing left).

Writes to the database DATABASE_URL names: point it at a scratch database.

    DATABASE_URL=postgres://.../scratch N=10000 .venv/bin/python -m bench.erasure
"""

import json
import os
import time
import uuid

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from subscribers.services.consent import subscriber_opt_in  # noqa: E402
from subscribers.services.erasure import erase_number  # noqa: E402
from telecom.models import CallbackEvent, Message, ProviderApp  # noqa: E402

NUMBER = "+639171234567"


def main() -> None:
    n = int(os.environ.get("N", "10000"))
    tag = uuid.uuid4().hex[:8]
    app = ProviderApp.objects.create(
        name=f"Bench {tag}", app_id=f"bench{tag}", app_secret="bench-secret", shortcode="21580000"
    )
    erased = subscriber_opt_in(app=app, msisdn=NUMBER, token=f"tok-bench-{tag}", channel="sms")
    others = [
        subscriber_opt_in(app=app, msisdn=f"+6391800{k:05d}", token=f"tok-{tag}-{k}", channel="sms")
        for k in range(50)
    ]
    whose = [(erased if k % 100 == 0 else others[k % 50]).subscriber for k in range(n)]
    started = time.monotonic()
    CallbackEvent.objects.bulk_create(
        [
            CallbackEvent(
                app=app,
                kind="notify",
                method="POST",
                body=json.dumps({"senderAddress": f"tel:{s.msisdn}", "message": "hi"}),
                headers={},
            )
            for s in whose
        ],
        batch_size=1000,
    )
    Message.objects.bulk_create(
        [
            Message(
                app=app,
                subscriber=s,
                msisdn=s.msisdn,
                direction="in",
                status="received",
                source="platform",
                text="hello",
                platform_key=f"bench-{app.pk}-{k}",
            )
            for k, s in enumerate(whose)
        ],
        batch_size=1000,
    )
    print(f"setup {time.monotonic() - started:.1f} s: {n} callbacks and {n} messages")
    for run in ("erase_number", "again"):
        started = time.monotonic()
        erasure = erase_number(number=NUMBER, apps=[app])
        print(f"{run}: {time.monotonic() - started:.2f} s, rows {erasure.rows}")


if __name__ == "__main__":
    main()
