"""`ClaimedWithLiveToken`: an outbox row whose delivery sends with its
subscriber's live token loads that token with the row, in the claim's own
SELECT, instead of a query per row at sending time.

Infrastructure: it names the subscriber's tokens by their relation
(`tokens`, live while `revoked_at` is null) and imports no feature.
"""

from operator import attrgetter

from django.db.models import FilteredRelation, Q

# Where a subscriber keeps its live tokens once loaded (`Subscriber.live_token`).
LIVE_TOKENS = "prefetched_live_tokens"
_JOINED = "joined_live_token"


def join_live_token(queryset, path: str):
    """`queryset`, whose rows reach a subscriber by `path`, with that
    subscriber's live token in the same SELECT (a LEFT JOIN: a subscriber has
    one live token at most)."""
    live = FilteredRelation(
        f"{path}__tokens", condition=Q(**{f"{path}__tokens__revoked_at__isnull": True})
    )
    return queryset.annotate(**{_JOINED: live}).select_related(_JOINED)


def hand_live_tokens(rows, path: str) -> None:
    """After `join_live_token(..., path)`: each row's token to its subscriber,
    whose `live_token()` then asks the database nothing."""
    subscriber_of = attrgetter(path.replace("__", "."))
    for row in rows:
        token = getattr(row, _JOINED, None)
        setattr(subscriber_of(row), LIVE_TOKENS, [token] if token is not None else [])


class ClaimedWithLiveToken:
    """Mixed into an `OutboxRow` (before it) whose delivery calls the
    subscriber's `live_token()` (through `live_token_for`): the claim's SELECT
    joins the live token and hands it to the subscriber. `subscriber_path` is
    the path from the row to its subscriber."""

    subscriber_path = "subscriber"

    @classmethod
    def claim_queryset(cls):
        return join_live_token(super().claim_queryset(), cls.subscriber_path)

    @classmethod
    def claimed(cls, rows: list) -> None:
        hand_live_tokens(rows, cls.subscriber_path)
