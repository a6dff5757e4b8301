"""Subscribers in the operator console."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from subscribers.models import BalanceQuery, LocationQuery, Subscriber
from subscribers.services.consent import subscriber_opt_in, subscriber_unsubscribe
from telecom.roles import OPERATORS, VIEWERS
from tests.support.factories import ProviderAppFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:subscribers_subscriber_changelist")


def subscribe(app, number, token):
    return subscriber_opt_in(app=app, msisdn=number, token=token, channel="sms").subscriber


def staff(username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize(
    "typed", ["0917 123 4567", "9171234567", "+639171234567", "tel:+639171234567", "1234567"]
)
def test_search_finds_a_subscriber_by_any_number_form(admin_client, globe_app, typed):
    subscribe(globe_app, "09171234567", "token-aaaaaaaa")
    subscribe(globe_app, "09181112222", "token-bbbbbbbb")
    html = admin_client.get(CHANGELIST, {"q": typed}).content.decode()
    assert "+639171234567" in html
    assert "+639181112222" not in html


def test_subscriber_page_shows_history_and_other_apps_but_never_the_token(admin_client, globe_app):
    sub = subscribe(globe_app, "09171234567", "secret-token-value-1234")
    other_app = ProviderAppFactory(name="Other")
    subscribe(other_app, "09171234567", "second-secret-token-99")
    subscriber_unsubscribe(app=globe_app, msisdn="09171234567", token="secret-token-value-1234")
    html = admin_client.get(
        reverse("admin:subscribers_subscriber_change", args=[sub.pk])
    ).content.decode()
    assert "Opted in by SMS" in html and "Unsubscribed" in html
    assert "Other" in html
    assert "secret-token-value-1234" not in html
    assert "••••••••1234" in html


def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, globe_app, django_assert_max_num_queries
):
    from subscribers.services.tags import tag_subscribers

    ids = [subscribe(globe_app, f"0917{n:07d}", f"token-{n:08d}").pk for n in range(60)]
    tag_subscribers(subscriber_ids=ids, tag_name="vip")
    with django_assert_max_num_queries(14):
        response = admin_client.get(CHANGELIST, {"tag": "vip", "status": "active"})
    assert response.status_code == 200
    assert response.content.decode().count("vip") >= 60


def test_operator_tags_and_exports_selected_subscribers(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    subs = [subscribe(globe_app, f"0917000000{n}", f"token-0000000{n}") for n in range(3)]
    ids = [str(s.pk) for s in subs]
    response = client.post(
        CHANGELIST,
        {"action": "tag", "_selected_action": ids, "apply": "1", "tag": "Promo Batch"},
        follow=True,
    )
    assert "Tagged 3 subscriber(s)." in response.content.decode()
    assert Subscriber.objects.filter(tags__name="promo-batch").count() == 3

    export = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": ids})
    rows = b"".join(export.streaming_content).decode().splitlines()
    assert rows[0].startswith("number,app,status")
    assert len(rows) == 4 and all("promo-batch" in row for row in rows[1:])


def test_tag_action_asks_for_the_tag_first(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    sub = subscribe(globe_app, "09170000001", "token-00000001")
    page = client.post(CHANGELIST, {"action": "tag", "_selected_action": [sub.pk]})
    assert page.status_code == 200 and b'name="tag"' in page.content


def test_operator_locates_subscribers_skipping_those_without_consent(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    active = subscribe(globe_app, "09170000001", "token-00000001")
    gone = subscribe(globe_app, "09170000002", "token-00000002")
    subscriber_unsubscribe(app=globe_app, msisdn=gone.msisdn, token="token-00000002")
    response = client.post(
        CHANGELIST,
        {
            "action": "locate",
            "_selected_action": [active.pk, gone.pk],
            "apply": "1",
            "requested_accuracy": "50",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Queued 1 location queries." in html
    assert "1 not queued: the subscriber has unsubscribed." in html
    assert LocationQuery.objects.get().requested_accuracy == 50


def test_operator_asks_the_reload_amount_and_sees_pesos(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    sub = subscribe(globe_app, "09170000001", "token-00000001")
    form = {"action": "balance", "_selected_action": [sub.pk]}
    page = client.post(CHANGELIST, form)
    assert b'value="reload_amount"' in page.content and not BalanceQuery.objects.exists()
    response = client.post(CHANGELIST, {**form, "apply": "1", "kind": "reload_amount"}, follow=True)
    assert "Queued 1 balance queries." in response.content.decode()
    query = BalanceQuery.objects.get()
    assert query.kind == "reload_amount"
    BalanceQuery.objects.filter(pk=query.pk).update(
        status="done", amount=Decimal("300.00"), finished_at=timezone.now()
    )
    html = client.get(reverse("admin:subscribers_subscriber_change", args=[sub.pk])).content
    assert "Last reload amount: PHP 300.00" in html.decode()


def test_viewer_cannot_act_on_subscribers(client, globe_app):
    client.force_login(staff("victor", VIEWERS))
    sub = subscribe(globe_app, "09170000001", "token-00000001")
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert b'value="locate"' not in page.content and b'value="tag"' not in page.content
    client.post(
        CHANGELIST,
        {
            "action": "locate",
            "_selected_action": [sub.pk],
            "apply": "1",
            "requested_accuracy": "50",
        },
    )
    assert LocationQuery.objects.count() == 0


def test_subscriber_page_lists_the_traffic_with_them(admin_client, globe_app):
    from telecom.services.messaging import send_sms

    sub = subscribe(globe_app, "09171234567", "token-aaaaaaaa")
    send_sms(app=globe_app, to=sub, text="Your order shipped")
    html = admin_client.get(reverse("admin:subscribers_subscriber_change", args=[sub.pk])).content
    assert b"Your order shipped" in html and b"Conversation" in html


def test_operator_pushes_a_ussd_notice(client, globe_app):
    from telecom.models import UssdSession

    client.force_login(staff("olive", OPERATORS))
    sub = subscribe(globe_app, "09171234567", "token-aaaaaaaa")
    response = client.post(
        CHANGELIST,
        {
            "action": "push_ussd",
            "_selected_action": [sub.pk],
            "apply": "1",
            "text": "Your load expires today",
        },
        follow=True,
    )
    assert "Queued 1 USSD pushes." in response.content.decode()
    session = UssdSession.objects.get()
    assert session.network_initiated and session.exchanges.get().reply == "Your load expires today"


def test_charge_action_confirms_the_total_before_charging(client, globe_app):
    from telecom.models import Charge

    client.force_login(staff("olive", OPERATORS))
    subs = [subscribe(globe_app, f"0917000000{n}", f"token-0000000{n}") for n in range(2)]
    ids = [s.pk for s in subs]
    form = {
        "action": "charge",
        "_selected_action": ids,
        "apply": "1",
        "amount": "2.50",
        "description": "Premium tip",
        "duration_days": "0",
    }
    confirm = client.post(CHANGELIST, form).content.decode()
    assert "Charge 2 subscriber(s) ₱2.50 each, ₱5.00 in all?" in confirm
    assert not Charge.objects.exists()
    response = client.post(CHANGELIST, {**form, "confirm": "1"}, follow=True)
    assert "Queued 2 charges." in response.content.decode()
    assert Charge.objects.filter(status="queued").count() == 2


def test_reward_action_offers_the_apps_promos(client, globe_app):
    from telecom.models import Promo, Reward

    client.force_login(staff("olive", OPERATORS))
    Promo.objects.create(app=globe_app, code="LOAD 50", wallet_cost="50.00")
    sub = subscribe(globe_app, "09170000001", "token-00000001")
    page = client.post(CHANGELIST, {"action": "reward", "_selected_action": [sub.pk]})
    assert b"LOAD 50" in page.content
    form = {"action": "reward", "_selected_action": [sub.pk], "apply": "1", "promo": "LOAD 50"}
    assert "wallet cost per reward: ₱50.00" in client.post(CHANGELIST, form).content.decode()
    client.post(CHANGELIST, {**form, "confirm": "1"})
    assert Reward.objects.get().promo.code == "LOAD 50"
