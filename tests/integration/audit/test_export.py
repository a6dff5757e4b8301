"""Exports: the filtered list as CSV, streamed, recorded in the audit trail;
Operators may, Viewers may not."""

import csv
import io

import pytest
from django.urls import reverse

from telecom.admin.export import cell
from telecom.models import AuditEvent, Message

pytestmark = pytest.mark.django_db

MESSAGES = reverse("admin:telecom_message_changelist")


def messages_of(subscriber, count, status=Message.Status.FAILED, text="hello"):
    return [
        Message.objects.create(
            app=subscriber.app,
            subscriber=subscriber,
            msisdn=subscriber.msisdn,
            direction=Message.Direction.OUT,
            status=status,
            source=Message.Source.ADMIN,
            text=text,
            client_correlator=f"{status}-{subscriber.pk}-{n}",
        )
        for n in range(count)
    ]


def read_csv(response) -> list[dict]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_whole_filtered_list_streams_and_the_export_is_audited(client, olive, subscribe):
    sub = subscribe("+639171234567")
    failed = messages_of(sub, 3, text='=HYPERLINK("http://evil")')
    messages_of(sub, 2, status=Message.Status.SENT)
    response = client.post(
        f"{MESSAGES}?status__exact=failed",
        {"action": "export_csv", "select_across": "1", "_selected_action": [failed[0].pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert sorted(int(r["id"]) for r in rows) == sorted(m.pk for m in failed)
    assert {r["status"] for r in rows} == {"failed"}
    assert rows[0]["msisdn"] == "+639171234567"  # a signed number stays a number
    assert rows[0]["text"].startswith("'=")  # a formula is written as text
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.outcome) == (
        "olive",
        "message.export_csv",
        "succeeded",
    )
    assert event.detail["all_matching"] is True
    assert event.detail["filters"] == {"status__exact": "failed"}


def test_selected_rows_only_and_never_an_encrypted_field(client, olive, subscribe):
    chosen, _ = messages_of(subscribe("+639171234567"), 2)
    response = client.post(MESSAGES, {"action": "export_csv", "_selected_action": [chosen.pk]})
    rows = read_csv(response)
    assert [int(r["id"]) for r in rows] == [chosen.pk]
    event = AuditEvent.objects.get()
    assert event.targets == [{"id": str(chosen.pk), "label": str(chosen)}]


@pytest.mark.parametrize(
    "changelist",
    [
        "telecom_message",
        "telecom_charge",
        "telecom_reward",
        "telecom_ussdsession",
        "telecom_voicecall",
        "telecom_voicentcall",
        "voiceflows_callsession",
        "telecom_auditevent",
    ],
)
def test_every_exportable_list_offers_the_export_to_operators_only(
    client, olive, victor, changelist
):
    url = reverse(f"admin:{changelist}_changelist")
    assert b'value="export_csv"' in client.get(url).content
    client.force_login(victor)
    page = client.get(url)
    assert page.status_code == 200 and b'value="export_csv"' not in page.content


def test_a_viewer_cannot_export_by_posting_the_action(client, victor, subscribe):
    message = messages_of(subscribe("+639171234567"), 1)[0]
    client.force_login(victor)
    response = client.post(
        MESSAGES, {"action": "export_csv", "select_across": "1", "_selected_action": [message.pk]}
    )
    assert not getattr(response, "streaming", False)
    assert "text/csv" not in response["Content-Type"]
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.outcome) == ("victor", "message.export_csv", "refused")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("+639171234567", "+639171234567"),
        ("-1.50", "-1.50"),
        ("hello", "hello"),
        (None, ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(value, written):
    assert cell(value) == written
