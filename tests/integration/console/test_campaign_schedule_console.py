"""Scheduling a campaign in the console: the time read in the operator's zone
(TIME_ZONE) and stored in UTC, the page saying why it waits, cancelling it
(audited), the Viewer refused; and an app's quiet hours edited on its page."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from telecom.models import AuditEvent, Campaign
from telecom.roles import OPERATORS, VIEWERS
from tests.integration.console.test_admin_and_roles import staff

pytestmark = pytest.mark.django_db
ADD = reverse("admin:telecom_campaign_add")


def schedule(client, app, local: str, **more):
    form = {"app": app.pk, "name": "Payday", "text": "Sale at 9!", "status": "active"}
    form.update(send_at=local, **more)
    return client.post(ADD, form)


def next_year_at_nine() -> tuple[str, datetime]:
    year = timezone.now().year + 1
    return f"{year}-03-02T09:00", datetime(year, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 Manila


def test_an_operator_schedules_in_manila_time_sees_it_and_cancels_it(client, globe_app, settings):
    settings.TIME_ZONE = "Asia/Manila"
    client.force_login(staff("olive", OPERATORS))
    local, utc = next_year_at_nine()
    preview = schedule(client, globe_app, local)
    assert preview.status_code == 200
    assert f"Starts {utc.astimezone(timezone.get_current_timezone()):%a} 2 Mar" in (
        preview.content.decode()
    )
    assert "Confirm and schedule" in preview.content.decode()
    done = schedule(client, globe_app, local, confirmed="on")
    campaign = Campaign.objects.get()
    assert done.status_code == 302
    assert (campaign.status, campaign.send_at) == ("scheduled", utc)
    page = client.get(reverse("admin:telecom_campaign_change", args=[campaign.pk]))
    text = page.content.decode()
    assert f"Scheduled for {utc.astimezone(timezone.get_current_timezone()):%a} 2 Mar" in text
    assert "09:00 (Asia/Manila)" in text
    assert 'name="cancel"' in text
    client.post(reverse("admin:telecom_campaign_control", args=[campaign.pk, "cancel"]))
    campaign.refresh_from_db()
    assert campaign.status == "cancelled"
    event = AuditEvent.objects.get(action="campaign.cancel")
    assert event.targets == [{"id": str(campaign.pk), "label": "Payday"}]


def test_a_time_in_the_past_is_a_form_error(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    answer = schedule(client, globe_app, "2001-01-01T09:00")
    assert answer.status_code == 200
    assert "in the past" in answer.content.decode()
    assert not Campaign.objects.exists()


def test_a_viewer_sees_the_schedule_but_cannot_cancel(client, globe_app):
    campaign = Campaign.objects.create(
        app=globe_app,
        name="c",
        text="hi",
        status="scheduled",
        send_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(staff("vera", VIEWERS))
    page = client.get(reverse("admin:telecom_campaign_change", args=[campaign.pk]))
    assert "Scheduled for" in page.content.decode()
    assert 'name="cancel"' not in page.content.decode()
    refused = client.post(reverse("admin:telecom_campaign_control", args=[campaign.pk, "cancel"]))
    assert refused.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"


def test_an_apps_quiet_hours_are_edited_on_its_page(client, globe_app):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="pw-123-XYZ"))
    url = reverse("admin:telecom_providerapp_change", args=[globe_app.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data = {k: v for k, v in data.items() if not isinstance(v, list | dict | bool)}
    data.update(allowed_ips="", quiet_hours="on", quiet_from="22:00", quiet_until="22:00")
    same = client.post(url, data)
    assert "make no quiet hours" in same.content.decode()
    data.update(quiet_until="07:30")
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    globe_app.refresh_from_db()
    assert (globe_app.quiet_hours, globe_app.quiet_from, globe_app.quiet_until) == (
        True,
        time(22),
        time(7, 30),
    )
