"""The operator console for the foundation: roles, provider apps, the callback log."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from telecom.callbacks import registry
from telecom.callbacks.registry import CallbackHandler, HandlerResult
from telecom.models import CallbackEvent, ProviderApp
from telecom.roles import OPERATORS, VIEWERS

pytestmark = pytest.mark.django_db


def staff(username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def operator():
    return staff("olive", OPERATORS)


@pytest.fixture
def viewer():
    return staff("victor", VIEWERS)


def test_roles_exist_with_view_rights_and_operator_extras():
    viewers = set(Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True))
    operators = set(
        Group.objects.get(name=OPERATORS).permissions.values_list("codename", flat=True)
    )
    assert {"view_callbackevent", "view_outboundcall", "view_providerapp"} <= viewers
    assert all(code.startswith("view_") for code in viewers)
    assert "rerun_callbackevent" in operators
    assert viewers < operators
    assert "change_providerapp" not in operators  # credentials are for admins


def test_provider_app_page_shows_portal_uris_and_never_the_secrets(admin_client):
    app = ProviderApp.objects.create(
        name="Shop",
        app_id="abc123",
        app_secret="topsecret-app-secret-value",
        shortcode="21584321",
        passphrase="pass-phrase-value-123",
    )
    page = admin_client.get(reverse("admin:telecom_providerapp_change", args=[app.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for uri in app.portal_uris().values():
        assert uri in html
    assert app.callback_uri("notify").endswith(
        f"/callbacks/globe/{app.callback_token.reveal()}/notify/"
    )
    assert "topsecret-app-secret-value" not in html
    assert "pass-phrase-value-123" not in html
    assert "••••••••" in html


@pytest.mark.parametrize("provider", ["globe", "hoiio"])
def test_callback_uris_are_shown_only_to_those_who_may_change_the_app(
    client, viewer, operator, provider
):
    """The token in the URIs is the app's credential: Viewers and Operators
    (who may not change apps) never see it; a user who may change apps does."""
    app = ProviderApp.objects.create(
        name="Shop", provider=provider, app_id="abc123", app_secret="s", shortcode="21584321"
    )
    token = app.callback_token.reveal()
    url = reverse("admin:telecom_providerapp_change", args=[app.pk])
    for user in (viewer, operator):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert token not in page.content.decode()
    changer = staff("cheryl", VIEWERS)
    changer.user_permissions.add(Permission.objects.get(codename="change_providerapp"))
    client.force_login(changer)
    page = client.get(url).content.decode()
    assert token in page and app.callback_uri("sms" if provider == "hoiio" else "notify") in page


def test_provider_app_form_keeps_secrets_left_empty_and_validates_shortcode(admin_client):
    app = ProviderApp.objects.create(
        name="Shop", app_id="abc123", app_secret="keep-this-secret-0000", shortcode="21584321"
    )
    url = reverse("admin:telecom_providerapp_change", args=[app.pk])
    form = {
        "name": "Shop",
        "provider": "globe",
        "app_id": "abc123",
        "app_secret": "",
        "shortcode": "2158-4321",
        "passphrase": "",
        "rewards_token": "",
        "allowed_ips": "",
        "is_active": "on",
        "sms_per_second": "20",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "digits only" in response.content.decode()

    form["shortcode"] = "21584322"
    form["allowed_ips"] = "not-an-ip"
    assert "not an IP address" in admin_client.post(url, form).content.decode()

    form["allowed_ips"] = "10.0.0.0/8"
    response = admin_client.post(url, form)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.shortcode_suffix == "4322"
    assert app.app_secret.reveal() == "keep-this-secret-0000"


def test_add_provider_app_requires_globe_credentials(admin_client):
    response = admin_client.post(
        reverse("admin:telecom_providerapp_add"),
        {
            "name": "New",
            "provider": "globe",
            "app_id": "",
            "app_secret": "",
            "shortcode": "",
            "allowed_ips": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count("A Globe Labs app needs this.") == 3
    assert not ProviderApp.objects.exists()


class Flaky(CallbackHandler):
    kind = "flaky"
    fixed = False

    def handle(self, event):
        if not Flaky.fixed:
            raise RuntimeError("not yet")
        return HandlerResult(note="done")


@pytest.fixture
def failed_event(client, globe_app):
    registry.register(Flaky)
    Flaky.fixed = False
    client.post(globe_app.callback_path("flaky"), {}, content_type="application/json")
    yield CallbackEvent.objects.get()
    registry.unregister("flaky")


def rerun(client, event):
    return client.post(
        reverse("admin:telecom_callbackevent_changelist"),
        {"action": "rerun", "_selected_action": [event.pk]},
        follow=True,
    )


def test_operator_reruns_a_failed_callback_from_the_console(client, operator, failed_event):
    client.force_login(operator)
    Flaky.fixed = True
    response = rerun(client, failed_event)
    assert "Re-ran 1: 1 processed." in response.content.decode()
    failed_event.refresh_from_db()
    assert failed_event.status == CallbackEvent.Status.PROCESSED


def test_viewer_sees_the_log_but_cannot_rerun(client, viewer, failed_event):
    client.force_login(viewer)
    page = client.get(reverse("admin:telecom_callbackevent_changelist"))
    assert page.status_code == 200
    assert b'value="rerun"' not in page.content
    Flaky.fixed = True
    rerun(client, failed_event)
    failed_event.refresh_from_db()
    assert failed_event.status == CallbackEvent.Status.FAILED


def test_callback_page_redacts_tokens_in_the_raw_copy(admin_client, client, failed_event):
    event = CallbackEvent.objects.create(
        app=failed_event.app,
        kind="flaky",
        method="GET",
        query_string="access_token=visible-token-123&subscriber_number=9171234567",
        body='{"access_token": "body-token-456"}',
        content_type="application/json",
    )
    html = admin_client.get(
        reverse("admin:telecom_callbackevent_change", args=[event.pk])
    ).content.decode()
    assert "visible-token-123" not in html and "body-token-456" not in html
    assert "9171234567" in html


def test_callback_log_list_has_a_constant_number_of_queries(
    admin_client, globe_app, django_assert_max_num_queries
):
    CallbackEvent.objects.bulk_create(
        CallbackEvent(app=globe_app, kind="notify", method="POST", body="{}") for _ in range(150)
    )
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:telecom_callbackevent_changelist"))
    assert response.status_code == 200


def test_api_key_created_in_the_console_is_shown_once(admin_client):
    from telecom.models import ApiKey
    from tests.support.factories import PartnerFactory

    partner = PartnerFactory()
    response = admin_client.post(
        reverse("admin:telecom_apikey_add"),
        {"partner": partner.pk, "name": "shop", "scopes": ["sms:send", "charge"]},
        follow=True,
    )
    html = response.content.decode()
    row = ApiKey.objects.get()
    assert f"hatid_{row.prefix}_" in html
    assert row.scopes == ["charge", "sms:send"]
    again = admin_client.get(reverse("admin:telecom_apikey_change", args=[row.pk])).content
    assert f"hatid_{row.prefix}_".encode() not in again
