"""Templates through the partner API: `template` (an id or a name of one of
the key's app's templates) instead of `text` on POST /api/v1/messages/ and
/api/v1/campaigns/, with `variables` for a message; a template, variable or
combination the API cannot use is a 400 naming the field."""

import pytest

from telecom.models import Campaign, Message, MessageTemplate
from tests.support.api import api_client_for
from tests.support.factories import PartnerFactory, ProviderAppFactory

pytestmark = pytest.mark.django_db
ANA = "+639171234567"


@pytest.fixture
def api(globe_app):
    partner = PartnerFactory()
    partner.apps.add(globe_app)
    return api_client_for(partner, ["sms:send", "sms:read"])


@pytest.fixture
def greeting(globe_app):
    return MessageTemplate.objects.create(
        app=globe_app,
        name="greeting",
        text="Hi {first_name}, code {code}",
        defaults={"first_name": "there", "code": "-"},
    )


@pytest.fixture
def ana(subscribe):
    subscriber = subscribe(ANA)
    subscriber.attributes = {"first_name": "Ana"}
    subscriber.save()
    return subscriber


def post(api, path, body, key="k"):
    return api.post(f"/api/v1/{path}/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def fields(response) -> set:
    """The fields an error names, without their sub-field ("variables.code")."""
    return {name.split(".")[0] for name in response.json()["error"]["fields"]}


def test_a_message_from_a_template_by_name_or_id_is_filled_for_the_subscriber(api, greeting, ana):
    by_name = post(
        api, "messages", {"to": ANA, "template": "greeting", "variables": {"code": "77"}}
    )
    assert by_name.status_code == 201, by_name.json()
    assert by_name.json()["text"] == "Hi Ana, code 77"
    by_id = post(api, "messages", {"to": ANA, "template": str(greeting.pk)}, key="k2")
    assert by_id.status_code == 201 and by_id.json()["text"] == "Hi Ana, code -"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"template": "nope"}, "template"),
        ({"template": "999999"}, "template"),
        ({"template": "<script>"}, "template"),
        ({"template": "x" * 500}, "template"),
        ({"template": "greeting", "variables": {"coupon": "1"}}, "variables"),
        ({"template": "greeting", "variables": ["code"]}, "variables"),
        ({"template": "greeting", "variables": {"code": {"nested": 1}}}, "variables"),
        ({"template": "greeting", "text": "both"}, "text"),
        ({"text": "hi", "variables": {"code": "1"}}, "variables"),
    ],
)
def test_a_message_the_template_cannot_make_is_a_400_naming_the_field(
    api, greeting, ana, body, field
):
    response = post(api, "messages", {"to": ANA, **body})
    assert response.status_code == 400, response.json()
    assert field in fields(response), response.json()
    assert not Message.objects.exists()


def test_another_apps_template_is_unknown_to_the_key(api, ana):
    MessageTemplate.objects.create(app=ProviderAppFactory(), name="theirs", text="secret")
    response = post(api, "messages", {"to": ANA, "template": "theirs"})
    assert response.status_code == 400 and "template" in fields(response)


def test_a_campaign_from_a_template_and_its_preview(api, greeting, ana):
    preview = post(api, "campaigns/preview", {"name": "c", "template": "greeting"})
    assert preview.status_code == 200, preview.json()
    assert preview.json()["sample"]["text"] == "Hi Ana, code -"
    created = post(api, "campaigns", {"name": "Hello", "template": "greeting"}, key="k2")
    assert created.status_code == 201, created.json()
    campaign = Campaign.objects.get()
    assert campaign.template == greeting and campaign.text == greeting.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"template": "nope"}, "template"),
        ({"template": "greeting", "text": "x"}, "text"),
        ({}, "text"),
    ],
)
def test_a_campaign_the_template_cannot_make_is_a_400_naming_the_field(api, greeting, body, field):
    response = post(api, "campaigns", {"name": "c", **body})
    assert response.status_code == 400 and field in fields(response), response.json()
    assert not Campaign.objects.exists()
