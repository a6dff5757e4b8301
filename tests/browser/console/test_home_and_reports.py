"""The console's home page and Reports page in a real browser, as an Operator
and as a Viewer, over a month of traffic; a list of work in progress refreshing
its rows by itself. The README's screenshots are taken here (HATID_SCREENSHOTS=1)."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from subscribers.services.consent import subscriber_opt_in
from telecom.models import Campaign, Charge, Message, WalletSnapshot
from telecom.rollups import roll_up_traffic
from tests.support.factories import ProviderAppFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_month_of(app, msisdn, scale):
    """SMS out and in, charges (some refused) and wallet readings for 30 days."""
    subscriber = subscriber_opt_in(
        app=app, msisdn=msisdn, token=f"token-{uuid4().hex[:12]}", channel="sms"
    ).subscriber
    now = timezone.now()
    messages, charges = [], []
    for day in range(30):
        at = now - timedelta(days=day, hours=1)
        out = scale * (30 + (day * 37) % 45)
        for n in range(out + out // 4):
            inbound = n >= out
            messages.append(
                Message(
                    app=app,
                    subscriber=subscriber,
                    msisdn=msisdn,
                    direction="in" if inbound else "out",
                    status="received" if inbound else ("failed" if n % 23 == 0 else "sent"),
                    source="platform" if inbound else "api",
                    text="hi",
                    parts=1 + n % 2,
                    client_correlator="" if inbound else uuid4().hex,
                    platform_key=uuid4().hex if inbound else "",
                    delivery_status="delivered" if n % 3 == 0 and not inbound else "",
                    created_at=at,
                )
            )
        for n in range(scale * (5 + day % 7)):
            charges.append(
                Charge(
                    app=app,
                    subscriber=subscriber,
                    msisdn=msisdn,
                    amount=Decimal("2.50"),
                    description="Daily tip",
                    reference_code=f"{app.pk}{uuid4().int % 10**10:010d}",
                    status="failed" if n % 6 == 5 else "charged",
                    platform_status=411 if n % 6 == 5 else 201,
                    created_at=at,
                )
            )
    Message.objects.bulk_create(messages)
    Charge.objects.bulk_create(charges)
    for hour in range(0, 7 * 24, 6):
        WalletSnapshot.objects.create(app=app, balance=Decimal(5000 - hour * 3 * scale))
    WalletSnapshot.objects.filter(app=app).update(fetched_at=now)
    for n, snapshot in enumerate(WalletSnapshot.objects.filter(app=app).order_by("pk")):
        WalletSnapshot.objects.filter(pk=snapshot.pk).update(
            fetched_at=now - timedelta(hours=7 * 24 - n * 6)
        )
    return subscriber


@pytest.fixture
def month(globe_app):
    globe_app.name = "Tindahan SMS"
    globe_app.save(update_fields=["name"])
    a_month_of(globe_app, "+639171234567", 2)
    other = ProviderAppFactory(name="Load Promo")
    a_month_of(other, "+639181234567", 1)
    Campaign.objects.create(app=globe_app, name="Holiday promo", text="Hi", status="paused")
    roll_up_traffic()
    return globe_app


def test_operator_home_then_report_then_csv(console, month, screenshots):
    console.set_viewport_size({"width": 1440, "height": 1000})
    console.goto(f"{console.base}/admin/")
    console.get_by_role("heading", name="All apps at a glance").wait_for()
    attention = console.locator("#needs-attention")
    assert "1 campaigns paused" in attention.inner_text()
    assert console.locator(".hatid-card").count() >= 8
    assert console.locator(".hatid-chart svg rect").count() > 30
    assert "days left" in console.locator(".hatid-wallets").inner_text()
    console.screenshot(path=str(screenshots / "console-home.png"), full_page=True)
    console.emulate_media(color_scheme="dark")
    console.screenshot(path=str(screenshots / "console-home-dark.png"), full_page=True)
    console.emulate_media(color_scheme="light")
    # One app alone, then its report.
    console.get_by_role("link", name="Tindahan SMS").first.click()
    console.get_by_role("heading", name="Tindahan SMS at a glance").wait_for()
    console.locator(".hatid-home-head").get_by_role("link", name="Reports").click()
    console.locator("#report-table").wait_for()
    since = (timezone.localdate() - timedelta(days=13)).isoformat()
    console.fill("input[name=since]", since)
    console.click("input[value=Show]")
    console.wait_for_url(re.compile(r".*since=" + since))
    rows = console.locator("#report-table tbody tr")
    assert rows.count() == 14
    console.screenshot(path=str(screenshots / "console-report.png"), full_page=True)
    with console.expect_download() as download:
        console.click("#csv-download")
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("start,sms_out,sms_in,delivered,failed,parts,charges")
    assert len(lines) == 15


def test_viewer_sees_the_figures_and_the_report_but_no_plumbing(viewer_console, month):
    page = viewer_console
    page.get_by_role("heading", name="All apps at a glance").wait_for()
    lists = page.locator(".hatid-lists").inner_text().lower()  # captions are upper-cased
    assert "messaging" in lists and "consent code exchanges" not in lists
    assert lists.index("subscribers") < lists.index("money") < lists.index("system")
    page.locator("#header").get_by_role("link", name="Reports").click()
    page.locator("#report-table").wait_for()
    page.select_option("select[name=interval]", "hour")
    page.click("input[value=Show]")
    page.wait_for_url(re.compile(r".*interval=hour"))
    assert page.locator("#report-table tbody tr").count() == 25  # 24 hours, on the hour


def test_a_list_of_work_in_progress_refreshes_its_rows(console, globe_app):
    subscriber = subscriber_opt_in(
        app=globe_app, msisdn="+639171112222", token="token-live0001", channel="sms"
    ).subscriber
    row = Message.objects.create(
        app=globe_app,
        subscriber=subscriber,
        msisdn=subscriber.msisdn,
        direction="out",
        status="sending",
        source="admin",
        text="On its way",
        client_correlator=uuid4().hex,
    )
    console.goto(f"{console.base}/admin/telecom/message/")
    cell = console.locator("#result_list tbody tr td.field-status").first
    assert "Sending" in cell.inner_text()
    Message.objects.filter(pk=row.pk).update(status="sent")
    expect(cell).to_have_text("Sent", timeout=20_000)
