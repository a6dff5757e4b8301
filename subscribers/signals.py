"""Signals the subscribers app sends.

`consent_ended(sender=Subscriber, subscriber, reason)` is sent inside the
transaction that ends a subscriber's consent (unsubscribe, or a token the
platform rejected), so receivers can stop queued work for that subscriber
atomically with it.

`number_erasing(sender=Subscriber, subscriber_ids, numbers, app_ids)` is
sent by an erasure before it rewrites any row: receivers stop the queued
work that would take the number to a provider (rewritten, it would take the
pseudonym) and return how many rows they stopped. `numbers` are the forms a
number column may hold (none when a pseudonym is erased again), `app_ids`
the apps erased from (None: every app).
"""

from django.dispatch import Signal

consent_ended = Signal()
number_erasing = Signal()
