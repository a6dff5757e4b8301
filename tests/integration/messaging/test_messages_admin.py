"""Messages and campaigns in the console."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from telecom.models import Campaign, KeywordRule, Message
from telecom.roles import OPERATORS, VIEWERS
from telecom.services.messaging import send_sms

pytestmark = pytest.mark.django_db


def staff(username, group):
    user = User.objects.create_user(username, password="pw-123-XYZ", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_compose_sends_to_several_numbers_and_reports_unreachable(client, globe_app, subscribe):
    client.force_login(staff("olive", OPERATORS))
    subscribe("+639171234567")
    response = client.post(
        reverse("admin:telecom_message_compose"),
        {"app": globe_app.pk, "to": "0917 123 4567\n09181234567", "text": "Hi there"},
        follow=True,
    )
    html = response.content.decode()
    assert "Queued 1 message(s)." in html
    assert "+639181234567: the subscriber has no live access token" in html
    assert Message.objects.filter(status="queued").count() == 1


def test_compose_refuses_bad_numbers_in_the_form(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    response = client.post(
        reverse("admin:telecom_message_compose"), {"app": globe_app.pk, "to": "123", "text": "x"}
    )
    assert response.status_code == 200 and "Not valid numbers: 123" in response.content.decode()


def test_viewer_cannot_compose(client):
    client.force_login(staff("victor", VIEWERS))
    assert client.get(reverse("admin:telecom_message_compose")).status_code == 403


def test_measure_endpoint_counts_parts(admin_client):
    data = admin_client.get(reverse("admin:telecom_message_measure"), {"text": "x" * 161}).json()
    assert data == {"characters": 161, "encoding": "GSM-7", "per_part": 160, "parts": 2}


def test_conversation_and_message_page(admin_client, globe_app, subscribe):
    sub = subscribe("+639171234567")
    message = send_sms(app=globe_app, to=sub, text="How are you?")
    page = admin_client.get(reverse("admin:telecom_message_conversation", args=[sub.pk]))
    assert b"How are you?" in page.content
    detail = admin_client.get(reverse("admin:telecom_message_change", args=[message.pk]))
    assert detail.status_code == 200 and message.client_correlator.encode() in detail.content


def test_retry_and_cancel_actions(client, globe_app, subscribe):
    client.force_login(staff("olive", OPERATORS))
    failed = send_sms(app=globe_app, to="09181234567", text="no consent")
    subscribe("+639171234567")
    queued = send_sms(app=globe_app, to="09171234567", text="queued")
    changelist = reverse("admin:telecom_message_changelist")
    client.post(changelist, {"action": "cancel", "_selected_action": [queued.pk]})
    assert Message.objects.get(pk=queued.pk).status == "cancelled"
    client.post(changelist, {"action": "retry", "_selected_action": [failed.pk, queued.pk]})
    retried = Message.objects.get(pk=queued.pk)
    assert retried.status == "queued" and retried.client_correlator == queued.client_correlator
    assert retried.retry_from is not None


def test_message_list_query_count_is_constant(
    admin_client, globe_app, subscribe, django_assert_max_num_queries
):
    sub = subscribe("+639171234567")
    for n in range(80):
        send_sms(app=globe_app, to=sub, text=f"message {n}")
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("admin:telecom_message_changelist")).status_code == 200


def test_campaign_add_previews_then_creates(client, globe_app, subscribe):
    client.force_login(staff("olive", OPERATORS))
    for n in range(3):
        subscribe(f"+63917000000{n}")
    url = reverse("admin:telecom_campaign_add")
    form = {"app": globe_app.pk, "name": "Sale", "text": "Big sale", "status": "active"}
    preview = client.post(url, form).content.decode()
    assert "<strong>3</strong> recipients" in preview and "Confirm and start" in preview
    assert not Campaign.objects.exists()
    response = client.post(url, {**form, "confirmed": "True"}, follow=True)
    campaign = Campaign.objects.get()
    assert response.status_code == 200 and campaign.name == "Sale"
    progress = client.get(reverse("admin:telecom_campaign_progress", args=[campaign.pk])).json()
    assert progress["status"] == "building"


def test_campaign_from_csv_upload(client, globe_app, subscribe):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff("olive", OPERATORS))
    subscribe("+639170000001")
    csv_file = SimpleUploadedFile("n.csv", b"number\n0917 000 0001\n09991234567\n")
    preview = client.post(
        reverse("admin:telecom_campaign_add"),
        {
            "app": globe_app.pk,
            "name": "CSV",
            "text": "hello",
            "numbers_file": csv_file,
        },
    ).content.decode()
    assert "<strong>1</strong> recipient" in preview and "1 in the segment cannot" in preview


def test_operators_manage_keyword_rules(client, globe_app):
    client.force_login(staff("olive", OPERATORS))
    response = client.post(
        reverse("admin:telecom_keywordrule_add"),
        {
            "app": globe_app.pk,
            "match": "word",
            "keyword": "stop",
            "position": 0,
            "reply_text": "x",
            "is_active": "on",
        },
    )
    assert "belong to the platform" in response.content.decode()
    client.post(
        reverse("admin:telecom_keywordrule_add"),
        {
            "app": globe_app.pk,
            "match": "word",
            "keyword": "promo",
            "position": 0,
            "reply_text": "Thanks",
            "is_active": "on",
        },
    )
    assert KeywordRule.objects.get().keyword == "promo"
