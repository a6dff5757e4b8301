"""A process whose broker is unreachable enqueues messages through `send_sms`:
each row commits, each publish after the commit fails. Run by redis_outage.

    python -m bench.chaos_scenarios.dead_broker_enqueue APP_ID COUNT TAG
prints the new messages' ids as JSON.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    app_id, count, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    import django

    django.setup()
    # Celery's own publish settings, as production has them: each publish
    # retries for about 0.7 s against a refused connection, then fails.
    from subscribers.models import Subscriber
    from telecom.models import ProviderApp
    from telecom.services.messaging import send_sms

    app = ProviderApp.objects.get(app_id=app_id)
    subscribers = list(Subscriber.objects.filter(app=app).order_by("pk"))
    ids = [
        send_sms(app=app, to=subscribers[n % len(subscribers)], text=f"dead broker {tag} {n}").pk
        for n in range(count)
    ]
    print(json.dumps(ids))


if __name__ == "__main__":
    main()
