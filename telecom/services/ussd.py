"""USSD sessions: each callback moves a session one step through its menu and
queues the reply on the latency-critical `ussd` queue; end screens act through
the one step runner (`telecom.steps.runner`), as voice steps do.

A repeated callback for the same step is answered once (each step is keyed
by its content); steps of one session are applied one at a time (the session
row is locked).
"""

import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from subscribers.models import Subscriber
from subscribers.services.consent import live_token_for
from telecom.bulk_sql import CompiledQuery, update_each
from telecom.callbacks.app_cache import app_config
from telecom.callbacks.lanes import waiting_before
from telecom.errors import NotYetApplied, ServiceError
from telecom.globe import GlobeClient
from telecom.inbound_events import UssdInput
from telecom.models import (
    ProviderApp,
    UssdExchange,
    UssdMenu,
    UssdScreen,
    UssdSession,
)
from telecom.outbox_sender import OutboxSender
from telecom.services import checks
from telecom.services.queueing import queue
from telecom.steps.runner import PartnerEvent, StepContext
from telecom.steps.runner import run_action as run_step_action
from telecom.steps.statistics import count_by_status, where_left
from telecom.ussd import engine

UNAVAILABLE = "This service is not available right now."
ENDED = "This session has ended."


def _live_menu_id(app: ProviderApp) -> int | None:
    """The app's live menu, kept across steps until a menu changes (`app_config`)."""
    return app_config(
        app.pk,
        "ussd-live-menu",
        lambda: UssdMenu.objects.filter(app=app, is_live=True).values_list("pk", flat=True).first(),
    )


def menu_spec(app: ProviderApp, menu_id: int) -> engine.MenuSpec:
    """The menu's screens and options as the engine reads them, kept across
    steps until a menu, screen or option changes (`app_config`; `telecom.apps`
    connects their saves): a step reads its menu every time."""

    def load():
        return engine.MenuSpec.load(UssdMenu.objects.get(pk=menu_id))

    return app_config(app.pk, f"ussd-menu:{menu_id}", load)


def _locked_session_query(app_id, session_id, input_key):
    replies = UssdExchange.objects.filter(session=OuterRef("pk")).order_by()
    return (
        UssdSession.objects.select_for_update(of=("self",))
        .annotate(
            last_sequence=Subquery(
                replies.values("session").annotate(n=Max("sequence")).values("n")
            ),
            repeated=Exists(replies.filter(input_key=input_key)),
        )
        .filter(app_id=app_id, session_id=session_id)
        .order_by()
    )


# Compiled once: the ORM's compiling of its subqueries cost more than the statement.
_LOCKED_SESSION = CompiledQuery(
    _locked_session_query, app_id=-1, session_id="\x00session", input_key="\x00key"
)


def _session_for_update(app, inp: UssdInput) -> UssdSession:
    """The callback's session, locked until the transaction ends, with what its
    replies so far say (`last_sequence`, `repeated`: a reply to this very
    input exists), in one statement; created, with its subscriber, at the
    session's first callback."""

    def locked():
        found = _LOCKED_SESSION.rows(
            UssdSession, app_id=app.pk, session_id=inp.session_id, input_key=inp.key
        )
        return found[0] if found else None

    session = locked()
    if session is not None:
        return session
    subscriber, _ = Subscriber.objects.get_or_create(app=app, msisdn=inp.sender)
    try:
        with transaction.atomic():
            # A row this transaction inserted is as good as locked: no one
            # else sees it before the commit.
            session = UssdSession.objects.create(
                app=app, session_id=inp.session_id, subscriber=subscriber, msisdn=inp.sender
            )
    except IntegrityError:  # the same session's first callback, twice at once
        return locked()
    session.last_sequence, session.repeated = None, False
    return session


def _queue_reply(
    session: UssdSession,
    *,
    input_text: str,
    input_key: str,
    reply: str,
    received_at,
    event,
    sequence: int,
    flash: bool = True,
    screen_pk=None,
) -> UssdExchange:
    """The step's reply, queued. The caller holds the session's lock and has
    seen no reply for `input_key`: the unique (session, input_key) is the backstop,
    so no savepoint is needed (a violation fails the whole callback, which the
    platform then repeats and is answered once)."""
    return queue(
        UssdExchange,
        session=session,
        sequence=sequence,
        input=input_text[:200],
        input_key=input_key,
        reply=reply,
        flash=flash,
        screen_id=screen_pk,
        received_at=received_at,
        callback_event=event,
    )


def receive_ussd(app: ProviderApp, inp: UssdInput, event) -> str:
    """Apply one USSD callback (inside the handler's transaction). A note for the log.

    A step of a running session reads its session (locked, with what its
    replies so far say) and its menu, and writes the session and the reply:
    six statements and two commits, the raw callback's INSERT and its status
    included (each statement is a round trip to PostgreSQL, which is most of
    what a step costs on a busy machine)."""
    session = _session_for_update(app, inp)
    if session.repeated:
        return f"session {inp.session_id}: repeated step, answered once"
    now = timezone.now()
    received_at = event.received_at if event is not None else now
    answer = partial(
        _queue_reply,
        session,
        input_key=inp.key,
        received_at=received_at,
        event=event,
        sequence=(session.last_sequence or 0) + 1,
    )
    if session.status != UssdSession.Status.ACTIVE:
        answer(input_text=inp.text, reply=ENDED)
        return f"session {inp.session_id} had ended ({session.status})"
    menu_id = session.menu_id or _live_menu_id(app)
    spec = menu_spec(app, menu_id) if menu_id is not None else None
    if spec is None or not spec.screens:
        _end(session, UssdSession.Status.ERROR, "no live USSD menu for this app")
        answer(input_text=inp.text, reply=UNAVAILABLE)
        return f"session {inp.session_id}: no live menu"
    current = next((key for key, s in spec.screens.items() if s.pk == session.screen_id), None)
    if inp.starts or current is None:
        step = engine.start(spec, list(inp.presets))
        shown = " ".join(inp.presets)
    else:
        step = engine.advance(spec, current, session.variables, inp.text)
        shown = inp.text
    session.menu_id, session.screen_id = menu_id, step.screen.pk
    session.variables, session.last_activity_at = step.variables, now
    fields = ["menu", "screen", "variables", "last_activity_at"]
    acts = step.flash and step.screen.action
    if step.flash and not acts:  # the end, with nothing to do: one UPDATE
        session.status, session.end_reason, session.ended_at = UssdSession.Status.COMPLETED, "", now
        fields += ["status", "end_reason", "ended_at"]
    update_each([session], fields)  # `save` compiled the same UPDATE at every step
    answer(input_text=shown, reply=step.reply, flash=step.flash, screen_pk=step.screen.pk)
    if acts:
        outcome = run_action(UssdScreen.objects.get(pk=step.screen.pk), session)
        _end(session, UssdSession.Status.COMPLETED, outcome)
    return f"session {inp.session_id}: {step.screen.key}{' (end)' if step.flash else ''}"


def _end(session: UssdSession, status: str, reason: str = "") -> None:
    session.status, session.end_reason, session.ended_at = status, reason[:200], timezone.now()
    session.save(update_fields=["status", "end_reason", "ended_at"])


def run_action(screen: UssdScreen, session: UssdSession) -> str:
    """The end screen's action, through the one step runner; what happened, for
    the session."""
    if not screen.action:
        return ""
    completed = PartnerEvent("ussd.completed", f"ussd:{session.pk}", partial(session_body, session))
    return run_step_action(screen, StepContext.of(session, "ussd", screen.menu.name, completed))


def session_body(session: UssdSession) -> dict:
    return {
        "ussd_session": {
            "id": session.pk,
            "app": session.app_id,
            "from": session.msisdn,
            "session_id": session.session_id,
            "variables": session.variables,
            "screen": session.screen.key if session.screen else None,
        }
    }


@transaction.atomic
def push_ussd(
    *, app: ProviderApp, to, text: str = "", menu: UssdMenu | None = None, flash: bool = True
) -> UssdSession:
    """Network-initiated USSD: a notice (flash), or the start of a menu."""
    number = checks.number(to, "to")
    subscriber, _ = Subscriber.objects.get_or_create(app=app, msisdn=number)
    step = None
    if menu is not None:
        if menu.app_id != app.pk:
            raise ServiceError("this menu belongs to another app", field="menu")
        step = engine.start(engine.MenuSpec.load(menu))
        text, flash = step.reply, step.flash
    if not text or not text.strip():
        raise ServiceError("the message is empty", field="text")
    if len(text) > settings.USSD_SCREEN_LIMIT:
        raise ServiceError(
            f"a USSD screen holds {settings.USSD_SCREEN_LIMIT} characters", field="text"
        )
    session = UssdSession.objects.create(
        app=app,
        session_id=f"pending-{uuid.uuid4().hex}",  # the platform names it in its answer
        subscriber=subscriber,
        msisdn=number,
        menu=menu,
        network_initiated=True,
        screen_id=step.screen.pk if step else None,
        status=UssdSession.Status.COMPLETED if flash else UssdSession.Status.ACTIVE,
    )
    _queue_reply(
        session,
        sequence=1,
        input_text="",
        input_key="push",
        reply=text,
        flash=flash,
        screen_pk=step.screen.pk if step else None,
        received_at=timezone.now(),
        event=None,
    )
    return session


class UssdReplyDelivery(OutboxSender):
    """A reply is worth sending only while the subscriber's screen waits for it."""

    model = UssdExchange
    done_status = UssdExchange.Status.SENT

    deadline_setting = "USSD_REPLY_DEADLINE_SECONDS"

    def send(self, row: UssdExchange):
        session = row.session
        token = self.live_token(row).token
        client = GlobeClient(session.app)
        if session.network_initiated and row.input_key == "push":
            return client.send_ussd(
                token=token, to=session.msisdn, message=row.reply, flash=row.flash, subject=row
            )
        return client.reply_ussd(
            token=token,
            to=session.msisdn,
            message=row.reply,
            flash=row.flash,
            session_id=session.session_id,
            subject=row,
        )

    def live_token(self, row: UssdExchange):
        """The subscriber's live token, as the claim loaded it. A step is
        processed as it comes, an opt-in once its lane gets to it
        (`telecom.callbacks.lanes`): a dial right after the opt-in can find no
        consent yet, and its reply waits for the lane rather than fails."""
        session = row.session
        try:
            return live_token_for(session.subscriber)
        except ServiceError:
            if not row.callback_event_id:
                raise
            if waiting_before(session.app_id, session.msisdn, row.callback_event_id):
                raise NotYetApplied(
                    "the subscriber's earlier callbacks (an opt-in?) are stored, not yet applied",
                    # 0.2 s, 0.4 s, ...: about fifteen looks within the reply's deadline.
                    retry_after=settings.CALLBACK_LANE_RETRY_SECONDS * max(1, row.attempts),
                ) from None
            # Nothing waits now, but the lane may have applied the opt-in after
            # the claim read the token: the database's answer now is the last word.
            return live_token_for(Subscriber.objects.get(pk=session.subscriber_id))

    def record(self, row: UssdExchange, accepted) -> dict:
        now = timezone.now()
        session = row.session
        if session.network_initiated and accepted.session_id and row.input_key == "push":
            UssdSession.objects.filter(pk=session.pk).update(session_id=accepted.session_id)
        return {
            "reply_sent_at": now,
            "latency_ms": max(0, round((now - row.received_at).total_seconds() * 1000)),
        }


def expire_sessions() -> int:
    """Sessions the platform has timed out (no step for the timeout) end here too."""
    cutoff = timezone.now() - timedelta(seconds=settings.USSD_SESSION_TIMEOUT_SECONDS)
    return UssdSession.objects.filter(
        status=UssdSession.Status.ACTIVE, last_activity_at__lt=cutoff
    ).update(
        status=UssdSession.Status.TIMED_OUT,
        ended_at=timezone.now(),
        end_reason="no input before the platform's timeout",
    )


def menu_statistics(menu: UssdMenu) -> dict:
    sessions = UssdSession.objects.filter(menu=menu)
    by_status = count_by_status(sessions)
    left = [UssdSession.Status.TIMED_OUT, UssdSession.Status.CANCELLED]
    dropped = where_left(sessions, statuses=left, at="screen__key")
    return {
        "started": sum(by_status.values()),
        "completed": by_status.get(UssdSession.Status.COMPLETED, 0),
        "timed_out": by_status.get(UssdSession.Status.TIMED_OUT, 0),
        "active": by_status.get(UssdSession.Status.ACTIVE, 0),
        "drop_off": [{"screen": key or "—", "sessions": n} for key, n in dropped],
    }
