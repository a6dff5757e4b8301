"""An app's retention periods in the console: the Retention fieldset shows
each default; Operators change the periods (and nothing else of the app),
Viewers only read them; a negative period is a form error on its field."""

import pytest
from django.urls import reverse

from telecom.models import ProviderApp
from telecom.roles import OPERATORS, VIEWERS
from tests.support.factories import staff_user

pytestmark = pytest.mark.django_db


def change_url(app) -> str:
    return reverse("admin:telecom_providerapp_change", args=[app.pk])


def test_the_app_page_shows_the_retention_periods_with_their_defaults(client, globe_app):
    client.force_login(staff_user("viewer", VIEWERS))
    page = client.get(change_url(globe_app)).content.decode()
    assert "Retention" in page
    assert "Empty: the default, 30 days. 0 keeps them forever." in page
    assert 'name="retain_callbacks_days"' not in page  # read only


def test_an_operator_changes_the_periods_and_nothing_else(client, globe_app):
    client.force_login(staff_user("operator", OPERATORS))
    page = client.get(change_url(globe_app)).content.decode()
    assert 'name="retain_callbacks_days"' in page
    assert 'name="name"' not in page and 'name="app_id"' not in page
    assert "rotate-callback-token" not in page
    answer = client.post(
        change_url(globe_app),
        {"retain_callbacks_days": "7", "retain_locations_days": "0", "name": "renamed"},
    )
    assert answer.status_code == 302
    globe_app.refresh_from_db()
    assert (globe_app.retain_callbacks_days, globe_app.retain_locations_days) == (7, 0)
    assert globe_app.retention_days("message_texts") == 180  # empty: the default
    assert globe_app.retention_days("locations") == 0
    assert globe_app.name != "renamed"


def test_a_negative_period_is_refused_on_its_field(client, globe_app):
    client.force_login(staff_user("operator", OPERATORS))
    answer = client.post(change_url(globe_app), {"retain_transcripts_days": "-1"})
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors["retain_transcripts_days"]
    assert ProviderApp.objects.get(pk=globe_app.pk).retain_transcripts_days is None


def test_a_viewer_cannot_change_the_periods(client, globe_app):
    client.force_login(staff_user("viewer", VIEWERS))
    answer = client.post(change_url(globe_app), {"retain_callbacks_days": "1"})
    assert answer.status_code == 403
    assert ProviderApp.objects.get(pk=globe_app.pk).retain_callbacks_days is None
