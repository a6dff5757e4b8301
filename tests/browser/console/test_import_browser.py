"""Importing subscribers from a CSV in a real browser (system Chromium through
Playwright) with a real Celery worker: an Operator uploads a file from the
subscriber list, the page shows the worker's preview by itself, the Operator
applies it and watches the progress reach 100%. A Viewer is offered none of
it. Takes the docs' screenshot of the preview (`screenshots`)."""

import pytest

from subscribers.models import Subscriber, SubscriberImport
from subscribers.services.consent import subscriber_opt_in, subscriber_unsubscribe
from tests.support.worker import running_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "\n".join(
    [
        "Number,Tags,City,Plan",
        "0917 123 4567,vip;manila,Manila,gold",
        "0917 200 0001,vip,Makati,gold",
        "0917 200 0002,,Cebu,silver",
        "+63 918 200 0003,cebu;promo,Cebu,silver",
        "0919-200-0004,promo,Davao,bronze",
        "09202000005,,Quezon City,silver",
        "0917 555 0100,,Pasig,gold",
        "09172000006,vip,Taguig,gold",
        "hello,,Manila,",
        "12345,,Iloilo,",
        "09172000002,,Cebu,again",
        '09172000007,,"=HYPERLINK(""http://x"")",gold',
        "09172000008,promo,Baguio,silver,extra",
    ]
).encode("utf-8-sig")


@pytest.fixture
def people(globe_app):
    subscriber_opt_in(app=globe_app, msisdn="+639171234567", token="tok-1", channel="sms")
    subscriber_opt_in(app=globe_app, msisdn="+639175550100", token="tok-2", channel="sms")
    subscriber_unsubscribe(app=globe_app, msisdn="+639175550100", token="tok-2")
    return globe_app


def test_an_operator_uploads_previews_applies_and_watches_it_finish(console, people, screenshots):
    with running_worker(concurrency=2):
        console.goto(f"{console.base}/admin/subscribers/subscriber/")
        console.click("#import-subscribers")
        console.select_option("#id_app", label=people.name)
        console.set_input_files(
            "#id_file", {"name": "march-leads.csv", "mimeType": "text/csv", "buffer": CSV}
        )
        console.click("input[type=submit][value='Upload and check']")

        # The page follows the worker: it reloads itself once the check is done.
        console.locator("#count-new").wait_for(timeout=60_000)
        status = console.locator(".field-status")
        assert status.inner_text() == "Checked: waiting to be applied"
        figures = {
            key: console.locator(f"#count-{key} .hatid-figure").inner_text()
            for key in ("new", "updated", "unreachable", "unsubscribed", "invalid")
        }
        assert figures == {
            "new": "6",
            "updated": "1",
            "unreachable": "6",
            "unsubscribed": "1",
            "invalid": "5",
        }
        text = console.locator("#content-main").inner_text()
        assert "Already earlier in the file" in text and "A spreadsheet formula" in text
        assert Subscriber.objects.filter(app=people).count() == 2  # nothing applied yet
        console.set_viewport_size({"width": 1400, "height": 900})
        console.screenshot(path=str(screenshots / "import-preview.png"), full_page=True)

        console.click("#apply-import")
        console.locator(".field-status", has_text="Imported").wait_for(timeout=60_000)
        assert console.locator(".hatid-import-state progress").get_attribute("value") == "100"
        assert "100%" in console.locator(".field-progress").inner_text()

    assert SubscriberImport.objects.get().status == "done"
    assert Subscriber.objects.filter(app=people).count() == 8
    assert Subscriber.objects.get(msisdn="+639175550100").status == "unsubscribed"
    assert console.csp_violations == []


def test_a_viewer_is_offered_no_import(viewer_console):
    viewer_console.goto(f"{viewer_console.base}/admin/subscribers/subscriber/")
    viewer_console.locator("#result_list, .paginator").first.wait_for()
    assert viewer_console.locator("#import-subscribers").count() == 0
    viewer_console.goto(f"{viewer_console.base}/admin/subscribers/subscriberimport/")
    viewer_console.locator("#content-main").wait_for()
    assert viewer_console.locator("a.addlink").count() == 0
