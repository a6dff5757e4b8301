"""An app's retention periods in the console, in a real browser: an Operator
reads each default in the Retention fieldset, sets callbacks to 7 days and
locations to 0 (kept forever), is refused -1 on its field, and saves; a
Viewer reads the periods and gets no field to change. The page is
docs/screenshots/app-retention.png (HATID_SCREENSHOTS=1)."""

import pytest

from telecom.models import ProviderApp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_operator_sets_an_apps_retention_periods(console, globe_app, screenshots):
    globe_app.name = "Kape Corner"
    globe_app.retain_message_texts_days = 365
    globe_app.save()
    console.goto(f"{console.base}/admin/telecom/providerapp/{globe_app.pk}/change/")
    fieldset = console.locator("fieldset", has_text="Retention")
    fieldset.scroll_into_view_if_needed()
    assert "Empty: the default, 30 days. 0 keeps them forever." in fieldset.inner_text()
    assert console.locator("input[name=name]").count() == 0  # the rest is not an Operator's

    console.fill("input[name=retain_transcripts_days]", "-1")
    console.click("input[name=_continue]")
    error = console.locator(".field-retain_transcripts_days .errorlist")
    error.wait_for()
    assert "greater than or equal to 0" in error.inner_text()

    console.fill("input[name=retain_transcripts_days]", "")
    console.fill("input[name=retain_callbacks_days]", "7")
    console.fill("input[name=retain_locations_days]", "0")
    console.click("input[name=_continue]")
    console.locator(".messagelist .success").wait_for()
    globe_app.refresh_from_db()
    assert (globe_app.retain_callbacks_days, globe_app.retain_locations_days) == (7, 0)
    assert globe_app.retain_transcripts_days is None
    console.locator("fieldset", has_text="Retention").screenshot(
        path=str(screenshots / "app-retention.png")
    )


def test_a_viewer_reads_the_periods_and_cannot_change_them(viewer_console, globe_app):
    ProviderApp.objects.filter(pk=globe_app.pk).update(retain_callbacks_days=14)
    viewer_console.goto(f"{viewer_console.base}/admin/telecom/providerapp/{globe_app.pk}/change/")
    fieldset = viewer_console.locator("fieldset", has_text="Retention")
    fieldset.wait_for()
    assert "14" in fieldset.locator(".field-retain_callbacks_days").inner_text()
    assert fieldset.locator("input").count() == 0
    assert viewer_console.locator("input[name=_continue]").count() == 0
