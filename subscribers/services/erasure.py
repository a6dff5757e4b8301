"""Erasure: forgetting a number for one app, several, or all (Data Privacy Act).

`erase_number` (and `erase_subscriber`, from the console and the API; `manage.py
erase_number`) first ends the number's consent (its live tokens revoked, the
subscriber unsubscribed, its queued messages cancelled; its queued charges,
rewards, webhooks, calls and faxes stopped by `number_erasing`'s receivers),
then walks the map
of where a number lives (`subscribers.personal_data`): on the person's rows
the number becomes its pseudonym (`subscribers.pseudonyms`), what they said or
where they were is blanked or the row deleted, tags and attributes go; on
every row the number is replaced wherever it is written, raw callbacks and
provider request logs (encrypted ones decrypted and encrypted again)
included. Charges and rewards stay, under the pseudonym.

Globe Labs has no API to end a subscription on the subscriber's behalf (its
docs: "Stop Subscription", only the subscriber texting STOP does), so the
token is revoked here and never used again; Hoiio's consent is Hatid's own.

Each place is rewritten in its own transaction, in batches; a run that stops
halfway is finished by running it again (the subscriber row, which an
operator starts from, is rewritten last). The audit trail is append-only
(migration telecom 0017): its rows are rewritten under the one permission the
trigger grants (`hatid.audit_erasure`, telecom 0021), and the erasure is
recorded there with the pseudonym, never the number.
"""

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction

from subscribers.models import Subscriber
from subscribers.personal_data import Person, Place, blank, person_q, places, scoped, walk
from subscribers.services.consent import subscriber_unsubscribe
from subscribers.signals import number_erasing
from telecom.audit.record import current, record
from telecom.crypto import Secret
from telecom.models.provider_app import ProviderApp

DETAIL = "erased at the subscriber's request (Data Privacy Act)"
AUDIT_TABLE = "telecom.AuditEvent"
# As telecom 0017 creates it: SQLite refuses UPDATE on the audit trail.
SQLITE_TRIGGER = (
    "CREATE TRIGGER telecom_auditevent_no_update BEFORE UPDATE ON telecom_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'telecom_auditevent is append-only: UPDATE refused'); END;"
)


@dataclass
class Erasure:
    pseudonym: str
    app_ids: list[int] | None
    subscriber_ids: list[int]
    consent_ended: int = 0
    queued_stopped: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@contextmanager
def audit_rewritable():
    """Inside a transaction: the audit trail's rows may be rewritten until it ends.

    PostgreSQL: the trigger lets an UPDATE through while the transaction's
    `hatid.audit_erasure` is on. SQLite: the no-update trigger is dropped and
    made again in the same transaction (SQLite's DDL is transactional, and the
    write lock keeps every other writer out meanwhile)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET LOCAL hatid.audit_erasure = 'on'")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS telecom_auditevent_no_update")
    yield
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET LOCAL hatid.audit_erasure = 'off'")
        elif vendor == "sqlite":
            cursor.execute(SQLITE_TRIGGER)


def _changed(old, new) -> bool:
    return new is not old if isinstance(old, Secret) else new != old


def _erase_place(place: Place, person: Person) -> int:
    model = place.model_class
    rewritable = audit_rewritable() if place.model == AUDIT_TABLE else nullcontext()
    with transaction.atomic(), rewritable:
        if place.delete:
            q = person_q(place, person)
            if q is None:
                return 0
            count, _ = scoped(place, person).filter(q).delete()
            return count
        count = 0
        for row, own in walk(place, person):
            changes, cleared = {}, False
            if own:
                for name in place.numbers:
                    if getattr(row, name) in person.forms:
                        changes[name] = person.pseudonym
                for name in place.content:
                    if getattr(row, name) not in (None, "", {}, []):
                        changes[name] = blank(place, name)
                for name in place.clear:
                    links = getattr(row, name)
                    if links.exists():
                        links.clear()
                        cleared = True
            for name in place.texts:
                if name in changes:
                    continue
                value = getattr(row, name)
                scrubbed = person.replace(value)
                if _changed(value, scrubbed):
                    changes[name] = scrubbed
            if changes:
                model._default_manager.filter(pk=row.pk).update(**changes)
            count += bool(changes or cleared)
        return count


def _end_consent(person: Person) -> int:
    ended = 0
    subscribers = Subscriber.objects.filter(pk__in=person.subscriber_ids).select_related("app")
    for subscriber in subscribers:
        live = subscriber.tokens.filter(revoked_at__isnull=True).exists()
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED and not live:
            continue
        subscriber_unsubscribe(
            app=subscriber.app, msisdn=subscriber.msisdn, token=None, detail=DETAIL
        )
        ended += 1
    return ended


def erase_number(
    *,
    number: str,
    apps: list[ProviderApp] | None = None,
    user=None,
    partner=None,
    key_prefix: str | None = None,
) -> Erasure:
    """Forget `number` (any accepted form, or an erased subscriber's
    pseudonym: then only what remains is looked for) in `apps`, or in every
    app when `apps` is None; the rows of no app (the audit trail, the API's
    stored answers, the console's change log) are rewritten either way.
    Running it again changes nothing more."""
    app_ids = None if apps is None else sorted(app.pk for app in apps)
    person = Person.of(number, app_ids)
    erasure = Erasure(person.pseudonym, app_ids, list(person.subscriber_ids))
    if not person.erased:
        erasure.consent_ended = _end_consent(person)
    stopped = number_erasing.send(
        sender=Subscriber,
        subscriber_ids=erasure.subscriber_ids,
        numbers=person.forms,
        app_ids=app_ids,
    )
    erasure.queued_stopped = sum(count for _, count in stopped)
    for place in places():
        changed = _erase_place(place, person)
        if changed:
            erasure.rows[place.label] = changed
    record(
        "subscriber.erase",
        model=Subscriber,
        targets=[{"id": str(pk), "label": person.pseudonym} for pk in person.subscriber_ids],
        object_count=len(person.subscriber_ids),
        detail={
            "apps": "all" if app_ids is None else app_ids,
            "consent_ended": erasure.consent_ended,
            "queued_stopped": erasure.queued_stopped,
            "rows": erasure.rows,
        },
        user=user,
        partner=partner,
        key_prefix=key_prefix,
    )
    audit = current.get()
    if audit is not None:
        audit.recorded = True  # this event is the request's: the middleware adds none
    return erasure


def erase_subscriber(*, subscriber: Subscriber, apps: list[ProviderApp] | None, **actor) -> Erasure:
    """Forget `subscriber`'s number in `apps` (None: every app)."""
    return erase_number(number=subscriber.msisdn, apps=apps, **actor)
