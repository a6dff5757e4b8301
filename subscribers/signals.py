"""Signals the subscribers app sends.

`consent_ended(sender=Subscriber, subscriber, reason)` is sent inside the
transaction that ends a subscriber's consent (unsubscribe, or a token the
platform rejected), so receivers can stop queued work for that subscriber
atomically with it.
"""

from django.dispatch import Signal

consent_ended = Signal()
