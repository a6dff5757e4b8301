"""The audit trail and an export in a real browser (system Chromium through
Playwright): an Operator exports a filtered list as CSV, finds the export in
the audit trail and filters it; a Viewer reads the trail but can neither
export nor change nor delete an event. Takes the README's
screenshot of the trail (tests/browser/conftest.py, `screenshots`)."""

import csv
import io
import re
from pathlib import Path

import pytest

from subscribers.services.consent import subscriber_opt_in
from telecom.models import AuditEvent, Message
from telecom.roles import VIEWERS
from tests.integration.audit.test_export import messages_of
from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def messages(globe_app):
    first, second, third = (
        subscriber_opt_in(
            app=globe_app, msisdn=f"+63917000000{n}", token=f"tok-{n}", channel="sms"
        ).subscriber
        for n in range(3)
    )
    sent = Message.Status.SENT
    return [*messages_of(first, 1), *messages_of(second, 1), *messages_of(third, 1, status=sent)]


def export_filtered_list(page) -> list[dict]:
    page.goto(f"{page.base}/admin/telecom/message/?status__exact=failed")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download:
        page.click("button[name=index]")
    text = Path(download.value.path()).read_text()
    return list(csv.DictReader(io.StringIO(text)))


def test_an_operator_exports_and_finds_it_in_the_audit_trail(console, messages, screenshots):
    rows = export_filtered_list(console)
    assert sorted(int(r["id"]) for r in rows) == sorted(m.pk for m in messages[:2])
    # A second action, so the trail has more than one line to filter.
    console.goto(f"{console.base}/admin/telecom/message/?status__exact=failed")
    console.check(f"input[name=_selected_action][value='{messages[0].pk}']")
    console.select_option("select[name=action]", "retry")
    console.click("button[name=index]")
    console.locator(".messagelist").wait_for()

    console.goto(f"{console.base}/admin/telecom/auditevent/")
    table = console.locator("#result_list")
    table.wait_for()
    assert console.locator("#result_list tbody tr").count() == 2
    text = table.inner_text()
    assert "message.export_csv" in text and "message.retry" in text and "olive" in text
    console.set_viewport_size({"width": 1400, "height": 700})
    console.screenshot(path=str(screenshots / "audit_trail.png"), full_page=True)

    console.locator("#changelist-filter").get_by_role("link", name="message.retry").click()
    console.wait_for_url(re.compile(r"action=message\.retry"))
    assert console.locator("#result_list tbody tr").count() == 1
    console.locator("#result_list tbody tr a").first.click()
    console.get_by_text("telecom.message", exact=True).wait_for()
    assert console.locator("input[name=_save]").count() == 0
    assert console.locator("a.deletelink").count() == 0
    assert AuditEvent.objects.count() == 2


def test_a_viewer_reads_the_trail_but_cannot_export(console, messages):
    export_filtered_list(console)
    sign_in(console, console.base, "victor", VIEWERS)

    console.goto(f"{console.base}/admin/telecom/message/?status__exact=failed")
    console.locator("#result_list").wait_for()
    assert console.locator("option[value=export_csv]").count() == 0
    console.goto(f"{console.base}/admin/telecom/auditevent/")
    assert "message.export_csv" in console.locator("#result_list").inner_text()
    assert console.locator("option[value=export_csv]").count() == 0
    console.locator("#result_list tbody tr a").first.click()
    console.get_by_text("olive", exact=True).first.wait_for()
    assert console.locator("input[name=_save]").count() == 0
    assert console.locator("a.deletelink").count() == 0
