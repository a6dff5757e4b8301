"""Where the calls of `/api/v1/calls/` come from: one `CallSource` per table
of calls (Globe Labs call triggers, Hoiio call-backs and conference
participants, Hoiio IVR sessions, Voicent gateway calls), each giving its
rows in the one shape the API shows.

Every source's queryset is annotated with the same three columns, so one
filter set and one cursor work over all of them in SQL: `shared_status`
(the provider's status mapped onto `CallStatus`), `shared_to` (the number
called) and `shared_flow` (the voice flow's slug, "" when none). A source's
`describe` turns one of its rows into the shared shape.

A Globe Labs call's status follows its call session once the platform has
started it (dialing, in progress, how it ended); before that, its trigger's
(queued, triggered, failed...). Its `provider_status` is that raw value.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from telecom.models import IvrSession, ProviderApp, VoiceCall, VoicentCall
from voiceflows.models import CallSession, CallTrigger


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued (not yet with the provider)"
    RINGING = "ringing", "The provider is calling"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Ended after an answer"
    NO_ANSWER = "no_answer", "Not answered"
    BUSY = "busy", "Busy"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    UNKNOWN = "unknown", "Outcome unknown (see the operator)"


S = CallStatus
GLOBE_STATUSES = {
    # the trigger, before the platform's session arrives
    CallTrigger.Status.QUEUED: S.QUEUED,
    CallTrigger.Status.SENDING: S.QUEUED,
    CallTrigger.Status.TRIGGERED: S.RINGING,
    CallTrigger.Status.FAILED: S.FAILED,
    CallTrigger.Status.UNKNOWN: S.UNKNOWN,
    # then its session
    CallSession.Status.DIALING: S.RINGING,
    CallSession.Status.ACTIVE: S.IN_PROGRESS,
    CallSession.Status.COMPLETED: S.COMPLETED,
    CallSession.Status.HUNG_UP: S.COMPLETED,
    CallSession.Status.NO_ANSWER: S.NO_ANSWER,
    CallSession.Status.ERROR: S.FAILED,
    CallSession.Status.EXPIRED: S.UNKNOWN,
}
HOIIO_STATUSES = {
    VoiceCall.Status.QUEUED: S.QUEUED,
    VoiceCall.Status.SENDING: S.QUEUED,
    VoiceCall.Status.PLACED: S.RINGING,
    VoiceCall.Status.ONGOING: S.IN_PROGRESS,
    VoiceCall.Status.ANSWERED: S.COMPLETED,
    VoiceCall.Status.UNANSWERED: S.NO_ANSWER,
    VoiceCall.Status.BUSY: S.BUSY,
    VoiceCall.Status.FAILED: S.FAILED,
    VoiceCall.Status.CANCELLED: S.CANCELLED,
    VoiceCall.Status.UNKNOWN: S.UNKNOWN,
}
IVR_STATUSES = {
    IvrSession.Status.QUEUED: S.QUEUED,
    IvrSession.Status.SENDING: S.QUEUED,
    IvrSession.Status.DIALLED: S.RINGING,
    IvrSession.Status.RUNNING: S.IN_PROGRESS,
    IvrSession.Status.COMPLETED: S.COMPLETED,
    IvrSession.Status.FAILED: S.FAILED,
    IvrSession.Status.UNKNOWN: S.UNKNOWN,
    IvrSession.Status.STUCK: S.UNKNOWN,
}
VOICENT_STATUSES = {
    VoicentCall.Status.QUEUED: S.QUEUED,
    VoicentCall.Status.SENDING: S.QUEUED,
    # At the gateway: it calls (and redials a busy number) on its own schedule.
    VoicentCall.Status.REQUESTED: S.RINGING,
    VoicentCall.Status.MADE: S.COMPLETED,
    VoicentCall.Status.FAILED: S.FAILED,
    VoicentCall.Status.CANCELLED: S.CANCELLED,
    VoicentCall.Status.UNKNOWN: S.UNKNOWN,
}


def shared(statuses: dict) -> Case:
    """SQL: the row's `raw_status` annotation mapped onto `CallStatus`."""
    whens = [When(raw_status=key, then=Value(value.value)) for key, value in statuses.items()]
    return Case(*whens, default=Value(S.UNKNOWN.value), output_field=CharField())


def seconds(start, end) -> int | None:
    return int((end - start).total_seconds()) if start and end else None


@dataclass(frozen=True)
class CallSource:
    """A table of calls: `key` names it in `/calls/{key}/{id}/` (its provider,
    and for Hoiio which of its two kinds of call), `rank` breaks ties in the
    list's order, `rows()` is the annotated queryset, `describe(row)` the shape."""

    key: str
    provider: str
    rank: int
    model: type[models.Model]
    rows: Callable[[], models.QuerySet]
    describe: Callable[[models.Model], dict]


def _base(row, source: str, provider: str, **shape) -> dict:
    return {
        "ref": f"{source}/{row.pk}",
        "id": row.pk,
        "provider": provider,
        "app": row.app_id,
        "status": row.shared_status,
        "provider_status": row.raw_status,
        "created_at": row.created_at,
        "error": getattr(row, "last_error", ""),
        "flow": None,
        "variables": {},
        "session": None,
        "from": "",
        **shape,
    }


# --- Globe Labs: call triggers and the sessions they start ----------------------------


def _globe_rows():
    latest = CallSession.objects.filter(trigger=OuterRef("pk")).order_by("-started_at", "-pk")
    return (
        CallTrigger.objects.annotate(
            raw_status=Coalesce(Subquery(latest.values("status")[:1]), F("status")),
            shared_to=F("msisdn"),
            shared_flow=F("flow__slug"),
        )
        .annotate(shared_status=shared(GLOBE_STATUSES))
        .prefetch_related("sessions__exchanges", "sessions__flow")
    )


def _globe(row: CallTrigger) -> dict:
    from voiceflows.api.serializers import shown

    sessions = sorted(row.sessions.all(), key=lambda s: (s.started_at, s.pk))
    session = sessions[-1] if sessions else None
    ended = session.ended_at if session else row.finished_at
    started = session.started_at if session else row.submitted_at
    return _base(
        row,
        "globe",
        "globe",
        kind="flow",
        to=row.msisdn,
        **{"from": session.caller if session else ""},
        flow=row.shared_flow,
        variables=shown(row.variables),
        session=session,
        started_at=started,
        ended_at=ended if session is None or session.is_over else None,
        duration=seconds(session.started_at, session.ended_at) if session else None,
    )


# --- Hoiio: call-backs and conference participants, IVR sessions ------------------------


def _hoiio_rows():
    return VoiceCall.objects.annotate(
        raw_status=F("status"), shared_to=F("dest1"), shared_flow=Value("")
    ).annotate(shared_status=shared(HOIIO_STATUSES))


def _hoiio(row: VoiceCall) -> dict:
    return _base(
        row,
        "hoiio",
        "hoiio",
        kind=row.kind,
        to=row.dest1,
        **{"from": row.dest2 or row.caller_id},
        started_at=row.submitted_at,
        ended_at=row.finished_at,
        duration=row.duration,
    )


def _ivr_rows():
    # A session that plays a voice flow (an answered call to a number, or
    # `start_call` on a Hoiio app) has its CallSession under the same tag.
    flow_played = CallSession.objects.filter(
        app=OuterRef("app"), session_id=OuterRef("tag")
    ).values("flow__slug")[:1]
    return IvrSession.objects.annotate(
        raw_status=F("status"),
        shared_to=F("dest"),
        shared_flow=Coalesce(Subquery(flow_played), Value("")),
    ).annotate(shared_status=shared(IVR_STATUSES))


def _ivr(row: IvrSession) -> dict:
    return _base(
        row,
        "hoiio-ivr",
        "hoiio",
        kind="ivr",
        to=row.dest,
        flow=row.shared_flow or None,
        **{"from": row.caller_id},
        started_at=row.submitted_at,
        ended_at=row.finished_at,
        duration=None,  # Hoiio tells how long the whole call was on the dial's notification only
    )


# --- the Voicent gateway ------------------------------------------------------------------


def _voicent_rows():
    return VoicentCall.objects.annotate(
        raw_status=F("status"), shared_to=F("phone"), shared_flow=F("flow")
    ).annotate(shared_status=shared(VOICENT_STATUSES))


def _voicent(row: VoicentCall) -> dict:
    return _base(
        row,
        "voicent",
        "voicent",
        kind=row.kind,
        to=row.phone,
        flow=row.flow or None,
        started_at=row.submitted_at,
        ended_at=row.finished_at,
        duration=None,  # the gateway reports that a call was made, not for how long
    )


P = ProviderApp.Provider
SOURCES = {
    source.key: source
    for source in (
        CallSource("voicent", P.VOICENT, 1, VoicentCall, _voicent_rows, _voicent),
        CallSource("hoiio-ivr", P.HOIIO, 2, IvrSession, _ivr_rows, _ivr),
        CallSource("hoiio", P.HOIIO, 3, VoiceCall, _hoiio_rows, _hoiio),
        CallSource("globe", P.GLOBE, 4, CallTrigger, _globe_rows, _globe),
    )
}

SOURCES_BY_RANK = {source.rank: source for source in SOURCES.values()}


def source_of(row: models.Model) -> CallSource:
    return next(source for source in SOURCES.values() if isinstance(row, source.model))
