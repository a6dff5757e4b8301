"""An operator's decisions in the console, the same for every kind of outbox
row: send failed ones again, settle an outcome that stayed unknown. Each
admin declares its actions with `settle_action` and `send_again_action`
(its own labels, messages and permission) on top of `OperatorDecisions`;
the work is the service's (`telecom.services.operator_decisions`)."""

from django.contrib import admin

from telecom.services.operator_decisions import send_again, settle_unknown


def settle_action(*, went_through: bool, description: str, done: str, permission: str):
    """An action settling the selected rows' unknown outcome: they went
    through, or not. `done` is the message, with `{count}` settled."""

    @admin.action(description=description, permissions=[permission])
    def action(self, request, queryset):
        count = settle_unknown(
            self.model,
            queryset.values_list("pk", flat=True),
            went_through=went_through,
            by=request.user.username,
        )
        self.message_user(request, done.format(count=count))

    return action


def send_again_action(*, description: str, done: str, permission: str):
    """An action queueing the selected failed rows again (`sendable` narrows
    the selection); `done` is the message, with `{count}` queued."""

    @admin.action(description=description, permissions=[permission])
    def action(self, request, queryset):
        ids = self.sendable(queryset).values_list("pk", flat=True)
        count = send_again(self.model, ids)
        self.message_user(request, done.format(count=count))

    return action


class OperatorDecisions:
    """For the admin of rows whose outcome may stay unknown. `resolve_permission`
    names the permission of actions marked `permissions=["resolve"]`; the
    default actions are the send-once rows' (Hoiio's, the Voicent gateway's),
    for who may act on them (`has_act_permission`)."""

    resolve_permission: str = ""

    def has_resolve_permission(self, request) -> bool:
        return bool(self.resolve_permission) and request.user.has_perm(self.resolve_permission)

    def sendable(self, queryset):
        """The selected rows an operator's "send again" may take."""
        return queryset

    retry = send_again_action(
        description="Send the selected failed ones again",
        done="Queued {count} again.",
        permission="act",
    )
    settle_done = settle_action(
        went_through=True,
        description="Unknown outcome: it went through",
        done="Settled {count}.",
        permission="act",
    )
    settle_failed = settle_action(
        went_through=False,
        description="Unknown outcome: it did not go through",
        done="Settled {count} as failed (they may be sent again).",
        permission="act",
    )
