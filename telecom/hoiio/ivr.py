"""IVR (SDK: `hoiio.service.ivr`): start blocks (dial; answer is implicit),
middle blocks (play, gather, record, monitor) and end blocks (transfer,
hangup).

"In a call flow, you must start with a Start block, followed by any number
of Middle blocks, and lastly end with an End block" (SDK guide). Hoiio
answers each block at once and posts a notification with the `session` to
`notify_url` when the block has run (with the digits gathered, the
recording's URL, the transfer's outcome); the next block is sent then.
`transfer` with `on_failure="continue"` keeps the session when the transfer
fails, so more blocks can follow.
"""

from dataclasses import dataclass

from django.db.models import Model

from telecom.hoiio import wire

# IVR transfer: "prefix with a room: eg. room:R1234" to transfer into a conference.
ROOM_PREFIX = "room:"
ON_FAILURE_CONTINUE = "continue"


@dataclass(frozen=True)
class IvrDialed:
    txn_ref: str
    session: str


def transfer_dest(dest: str) -> str:
    return dest if dest.startswith(ROOM_PREFIX) else wire.dest(dest)


class IvrApi:
    def ivr_dial(
        self,
        *,
        dest: str,
        msg: str = "",
        caller_id: str = "",
        max_duration: int | None = None,
        tag: str = "",
        notify_url: str = "",
        subject: Model | None = None,
    ) -> IvrDialed:
        """Call `dest` and start an IVR session (playing `msg` when answered)."""
        data = self.request(
            "ivr.dial",
            "ivr/start/dial",
            {
                "dest": wire.dest(dest),
                "msg": msg,
                "caller_id": caller_id,
                "max_duration": max_duration,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject=subject,
        )
        return IvrDialed(
            txn_ref=wire.text(data.get("txn_ref")), session=wire.text(data.get("session"))
        )

    def _block(self, operation: str, path: str, params: dict, subject) -> None:
        self.request(operation, path, params, subject=subject)

    def ivr_play(
        self, *, session: str, msg: str, tag="", notify_url="", subject: Model | None = None
    ) -> None:
        self._block(
            "ivr.play",
            "ivr/middle/play",
            {"session": session, "msg": msg, "tag": tag, "notify_url": notify_url},
            subject,
        )

    def ivr_gather(
        self,
        *,
        session: str,
        msg: str = "",
        max_digits: int | None = None,
        timeout: int | None = None,
        attempts: int | None = None,
        tag="",
        notify_url="",
        subject: Model | None = None,
    ) -> None:
        self._block(
            "ivr.gather",
            "ivr/middle/gather",
            {
                "session": session,
                "msg": msg,
                "max_digits": max_digits,
                "timeout": timeout,
                "attempts": attempts,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject,
        )

    def ivr_record(
        self,
        *,
        session: str,
        msg: str = "",
        max_duration: int | None = None,
        tag="",
        notify_url="",
        subject: Model | None = None,
    ) -> None:
        self._block(
            "ivr.record",
            "ivr/middle/record",
            {
                "session": session,
                "msg": msg,
                "max_duration": max_duration,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject,
        )

    def ivr_monitor(
        self, *, session: str, msg="", tag="", notify_url="", subject: Model | None = None
    ) -> None:
        self._block(
            "ivr.monitor",
            "ivr/middle/monitor",
            {"session": session, "msg": msg, "tag": tag, "notify_url": notify_url},
            subject,
        )

    def ivr_transfer(
        self,
        *,
        session: str,
        dest: str,
        msg: str = "",
        caller_id: str = "",
        on_failure: str = "",
        tag="",
        notify_url="",
        subject: Model | None = None,
    ) -> None:
        self._block(
            "ivr.transfer",
            "ivr/end/transfer",
            {
                "session": session,
                "dest": transfer_dest(dest),
                "msg": msg,
                "caller_id": caller_id,
                "on_failure": on_failure,
                "tag": tag,
                "notify_url": notify_url,
            },
            subject,
        )

    def ivr_hangup(
        self, *, session: str, msg="", tag="", notify_url="", subject: Model | None = None
    ) -> None:
        self._block(
            "ivr.hangup",
            "ivr/end/hangup",
            {"session": session, "msg": msg, "tag": tag, "notify_url": notify_url},
            subject,
        )
