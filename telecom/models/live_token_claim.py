"""`ClaimedWithLiveToken`: an outbox row whose delivery sends with its
subscriber's live token loads that token with the row, in the claim's own
SELECT, instead of a query per row at sending time."""


class ClaimedWithLiveToken:
    """Mixed into an `OutboxRow` (before it) whose delivery calls the
    subscriber's `live_token()` (through `live_token_for`): the claim's SELECT
    LEFT JOINs the live token (`join_live_token`) and hands it to the
    subscriber (`hand_live_tokens`). `subscriber_path` is the path from the row
    to its subscriber."""

    subscriber_path = "subscriber"

    @classmethod
    def claim_queryset(cls):
        # Imported here: the subscribers' models import telecom's.
        from subscribers.models.subscriber import join_live_token

        return join_live_token(super().claim_queryset(), cls.subscriber_path)

    @classmethod
    def claimed(cls, rows: list) -> None:
        from subscribers.models.subscriber import hand_live_tokens

        hand_live_tokens(rows, cls.subscriber_path)
