"""Rotating an app's callback token: the old token keeps working for the grace
period the operator chose, then answers 404 like an unknown one; the new one
works at once; only users who may change the app can rotate it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from telecom.callbacks import app_cache
from telecom.errors import ServiceError
from telecom.models import ProviderApp
from telecom.roles import OPERATORS, VIEWERS
from telecom.services.callback_tokens import rotate_callback_token
from tests.support.factories import HoiioAppFactory, VoicentAppFactory

pytestmark = pytest.mark.django_db


def globe_paths(token: str) -> list[str]:
    """The Globe Labs notify URI and the voice URI of a token."""
    return [f"/callbacks/globe/{token}/notify/", f"/voice/{token}/"]


def statuses(client, paths: list[str]) -> list[int]:
    return [client.post(p, data="{}", content_type="application/json").status_code for p in paths]


def expire_the_grace(app: ProviderApp) -> None:
    """Move the clock: the stored expiry is now in the past."""
    ProviderApp.objects.filter(pk=app.pk).update(
        previous_callback_token_expires_at=timezone.now() - timedelta(seconds=1)
    )
    app_cache.bump()  # an update() sends no signal: say the apps changed


def test_old_token_works_inside_the_grace_then_is_refused(client, globe_app):
    old = globe_app.callback_token.reveal()
    unknown = statuses(client, globe_paths("x" * 43))
    known = statuses(client, globe_paths(old))
    assert unknown == [404, 404] and 404 not in known

    rotation = rotate_callback_token(app=globe_app, grace=timedelta(days=7))

    new = rotation.app.callback_token.reveal()
    assert new != old
    assert timedelta(days=6, hours=23) < rotation.old_accepted_until - timezone.now()
    assert statuses(client, globe_paths(new)) == known  # at once
    assert statuses(client, globe_paths(old)) == known  # inside the grace
    expire_the_grace(globe_app)
    assert statuses(client, globe_paths(old)) == [404, 404]
    assert statuses(client, globe_paths(new)) == known


def test_hoiio_token_rotates_with_the_same_grace(client):
    app = HoiioAppFactory()
    old = app.callback_token.reveal()
    path = "/callbacks/hoiio/{}/sms/"
    known = client.post(path.format(old), {}).status_code
    assert known != 404

    new = rotate_callback_token(app=app).app.callback_token.reveal()

    assert client.post(path.format(new), {}).status_code == known
    assert client.post(path.format(old), {}).status_code == known
    expire_the_grace(app)
    assert client.post(path.format(old), {}).status_code == 404


def test_no_grace_refuses_the_old_token_at_once(client, globe_app):
    old = globe_app.callback_token.reveal()
    rotation = rotate_callback_token(app=globe_app, grace=timedelta(0))
    assert rotation.old_accepted_until is None
    assert statuses(client, globe_paths(old)) == [404, 404]


def test_rotating_again_ends_the_older_token(client, globe_app):
    first = globe_app.callback_token.reveal()
    second = rotate_callback_token(app=globe_app).app.callback_token.reveal()
    rotate_callback_token(app=globe_app)
    assert statuses(client, globe_paths(first)) == [404, 404]
    assert 404 not in statuses(client, globe_paths(second))


@pytest.mark.parametrize("grace", [timedelta(days=-1), timedelta(days=91)])
def test_rotation_refuses_a_grace_out_of_range(globe_app, grace):
    with pytest.raises(ServiceError) as error:
        rotate_callback_token(app=globe_app, grace=grace)
    assert error.value.field == "grace_days"


def test_a_voicent_gateway_has_no_token_to_rotate():
    with pytest.raises(ServiceError):
        rotate_callback_token(app=VoicentAppFactory())


# --- the console -----------------------------------------------------------------


def rotate_url(app) -> str:
    return reverse("admin:telecom_providerapp_rotate_callback_token", args=[app.pk])


@pytest.mark.parametrize("group", [VIEWERS, OPERATORS])
def test_a_viewer_or_operator_cannot_rotate(client, globe_app, group):
    user = User.objects.create_user("victor", password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    token = globe_app.callback_token.reveal()

    page = client.get(reverse("admin:telecom_providerapp_change", args=[globe_app.pk]))
    assert page.status_code == 200
    assert rotate_url(globe_app) not in page.content.decode()
    assert client.get(rotate_url(globe_app)).status_code == 403
    assert client.post(rotate_url(globe_app), {"grace_days": 7}).status_code == 403
    globe_app.refresh_from_db()
    assert globe_app.callback_token.reveal() == token


def test_admin_rotates_from_the_app_page_and_sees_the_new_uris(admin_client, globe_app):
    old = globe_app.callback_token.reveal()
    change = reverse("admin:telecom_providerapp_change", args=[globe_app.pk])
    assert rotate_url(globe_app) in admin_client.get(change).content.decode()

    confirm = admin_client.get(rotate_url(globe_app))
    assert confirm.status_code == 200
    assert 'name="grace_days" value="7"' in confirm.content.decode()

    answer = admin_client.post(rotate_url(globe_app), {"grace_days": 3}, follow=True)

    assert answer.redirect_chain == [(change, 302)]
    globe_app.refresh_from_db()
    new = globe_app.callback_token.reveal()
    html = answer.content.decode()
    assert new != old and f"/callbacks/globe/{new}/notify/" in html and old not in html
    assert 'id="previous-callback-token"' in html
    until = globe_app.previous_callback_token_expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < until <= timedelta(days=3)


def test_a_bad_grace_is_a_form_error(admin_client, globe_app):
    token = globe_app.callback_token.reveal()
    answer = admin_client.post(rotate_url(globe_app), {"grace_days": -1})
    assert answer.status_code == 200
    assert answer.context["form"].errors["grace_days"]
    globe_app.refresh_from_db()
    assert globe_app.callback_token.reveal() == token
