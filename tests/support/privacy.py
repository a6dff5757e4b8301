"""Helpers of the privacy tests: a number's traffic of every kind written in
process (`traffic`), and `number_in_database`, which dumps every table of the
default database and says where any form of a number is still written."""

import json
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.utils import timezone

from telecom.fields import EncryptedTextField


def forms_of(e164: str) -> list[str]:
    """The four forms the issue names: +639171234567, 09171234567, 9171234567, 639171234567."""
    national = e164.removeprefix("+63")
    return [e164, "0" + national, national, e164.removeprefix("+")]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def number_in_database(e164: str) -> list[str]:
    """Every `table.column (row)` holding any of the number's forms: every
    column of every table read as text, then every encrypted field decrypted
    through its model field."""
    forms = forms_of(e164)
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            cursor.execute(f"SELECT * FROM {_quoted(table)}")  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = (
                        value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                    )
                    if any(form in text for form in forms):
                        found.append(f"{table}.{column}: {text[:120]!r}")
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        for row in model._default_manager.all() if encrypted else ():
            for field in encrypted:
                value = getattr(row, field.attname)
                text = value.reveal() if value else ""
                if any(form in text for form in forms):
                    where = f"{model._meta.db_table}.{field.column}"
                    found.append(f"{where} (decrypted): {text[:120]!r}")
    return found


@dataclass
class Traffic:
    subscriber: object
    message_in: object
    message_out: object
    charge: object
    reward: object
    location: object
    callback: object


def traffic(subscriber, *, text_by_them: str = "call me back") -> Traffic:
    """A number's traffic of the kinds erasure must find, written in process:
    an SMS in and out, a charge, a reward, a location, a raw callback naming it,
    a provider request log, tags and attributes, an audit label."""
    from subscribers.models import LocationQuery, Tag
    from telecom.audit.record import record
    from telecom.models import CallbackEvent, OutboundCall, Promo
    from telecom.services.charging import charge
    from telecom.services.messaging import send_sms
    from telecom.services.rewards import send_reward
    from tests.support.factories import inbound_message

    app, number = subscriber.app, subscriber.msisdn
    national = number.removeprefix("+63")
    subscriber.attributes = {"name": "Juan", "mobile": "0" + national}
    subscriber.save(update_fields=["attributes"])
    subscriber.tags.add(Tag.objects.get_or_create(name="vip")[0])
    callback = CallbackEvent.objects.create(
        app=app,
        kind="notify",
        method="POST",
        body=json.dumps(
            {
                "inboundSMSMessageList": {
                    "inboundSMSMessage": [
                        {"senderAddress": f"tel:{number}", "message": text_by_them}
                    ]
                }
            }
        ),
        headers={"X-Test": "1"},
        status=CallbackEvent.Status.PROCESSED,
    )
    message_in = inbound_message(
        subscriber, text=text_by_them, callback_event=callback, platform_key=uuid.uuid4().hex
    )
    message_out = send_sms(app=app, to=subscriber, text="Thanks, we will call " + number)
    promo, _ = Promo.objects.get_or_create(app=app, code="LOAD 50")
    OutboundCall.objects.create(
        app=app,
        provider="globe",
        operation="sms.send",
        method="POST",
        url=f"https://devapi.globelabs.com.ph/smsmessaging/v1/outbound/21581234/requests?x=tel%3A{number}",
        request_body=json.dumps({"address": national, "message": "Thanks"}),
        response_body=json.dumps({"address": f"tel:{number}"}),
        outcome=OutboundCall.Outcome.SUCCESS,
        latency_ms=12,
        started_at=timezone.now(),
    )
    record("subscriber.change", targets=[{"id": str(subscriber.pk), "label": str(subscriber)}])
    return Traffic(
        subscriber=subscriber,
        message_in=message_in,
        message_out=message_out,
        charge=charge(app=app, to=subscriber, amount="5.00", description="Ringtone"),
        reward=send_reward(app=app, to=subscriber, promo=promo),
        location=LocationQuery.objects.create(
            subscriber=subscriber, status="done", latitude="14.5995", longitude="120.9842"
        ),
        callback=callback,
    )
