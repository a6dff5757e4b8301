"""Message templates: written and checked in the console (an unknown variable
is a form error, hostile input a clear one), previewed with a real
subscriber, and sent from compose, campaigns, keyword replies and step
actions, each subscriber's text filled with their own attributes: a value
given for the message, else the subscriber's attribute, else the template's
default (which may be empty)."""

import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from subscribers.models import Subscriber
from telecom.errors import ServiceError
from telecom.models import Campaign, KeywordRule, Message, MessageTemplate, SmsBulk, UssdScreen
from telecom.roles import OPERATORS, VIEWERS
from telecom.services import campaigns, message_templates
from telecom.services.keywords import apply_keyword_rules
from telecom.services.messaging import send_sms
from telecom.steps.runner import PartnerEvent, StepContext, run_action
from tests.support.factories import (
    HoiioAppFactory,
    ProviderAppFactory,
    inbound_message,
    staff_user,
)
from voiceflows.models import Step

pytestmark = pytest.mark.django_db
ANA, BEN = "+639171234567", "+639181234567"
GREETING = "Hi {first_name}, your number is {number}. Code {code}."


@pytest.fixture
def operator(client):
    client.force_login(staff_user("olive", OPERATORS))
    return client


@pytest.fixture
def greeting(globe_app):
    return MessageTemplate.objects.create(
        app=globe_app, name="greeting", text=GREETING, defaults={"first_name": "there", "code": ""}
    )


@pytest.fixture
def ana(subscribe):
    subscriber = subscribe(ANA)
    subscriber.attributes = {"first_name": "Ana", "city": "Cebu"}
    subscriber.save()
    return subscriber


def form_data(app, **fields) -> dict:
    data = {"app": app.pk, "name": "welcome", "text": "Hello {first_name}", "defaults": "{}"}
    return {**data, **fields}


# --- the rule ---------------------------------------------------------------


def test_fill_takes_the_given_value_then_the_attribute_then_the_default():
    defaults = {"first_name": "there", "code": "none"}
    text = "{first_name} {code} {number}"
    assert message_templates.fill(text, defaults, number=ANA) == f"there none {ANA}"
    attrs = {"first_name": "Ana", "code": ""}
    assert message_templates.fill(text, defaults, number=ANA, attributes=attrs) == (
        f"Ana none {ANA}"
    )
    given = {"first_name": "Boss"}
    assert message_templates.fill(text, defaults, number=ANA, attributes=attrs, given=given) == (
        f"Boss none {ANA}"
    )


def test_a_missing_attribute_with_an_empty_default_is_empty_never_the_variable_as_typed():
    assert message_templates.fill("Hi {first_name}!", {"first_name": ""}, number=ANA) == "Hi !"


def test_an_attribute_holding_braces_is_never_read_as_a_template():
    attrs = {"first_name": "{number} {{x}}"}
    filled = message_templates.fill(
        "Hi {first_name}", {"first_name": ""}, number=ANA, attributes=attrs
    )
    assert filled == "Hi {number} {{x}}"


# --- writing a template -----------------------------------------------------


def test_an_operator_creates_edits_and_deletes_a_template(operator, globe_app):
    add = reverse("admin:telecom_messagetemplate_add")
    response = operator.post(add, form_data(globe_app, defaults='{"first_name": "there"}'))
    assert response.status_code == 302, response.content.decode()[:2000]
    template = MessageTemplate.objects.get()
    assert template.defaults == {"first_name": "there"}
    change = reverse("admin:telecom_messagetemplate_change", args=[template.pk])
    edited = form_data(globe_app, text="Bye {first_name}", defaults='{"first_name": "friend"}')
    assert operator.post(change, edited).status_code == 302
    template.refresh_from_db()
    assert (template.text, template.defaults) == ("Bye {first_name}", {"first_name": "friend"})
    listed = operator.get(reverse("admin:telecom_messagetemplate_changelist")).content.decode()
    assert "welcome" in listed and "{first_name}" in listed
    delete = reverse("admin:telecom_messagetemplate_delete", args=[template.pk])
    assert operator.post(delete, {"post": "yes"}).status_code == 302
    assert not MessageTemplate.objects.exists()


def test_a_viewer_may_look_but_not_write(client, globe_app, greeting):
    client.force_login(staff_user("vic", VIEWERS))
    assert client.get(reverse("admin:telecom_messagetemplate_changelist")).status_code == 200
    response = client.post(reverse("admin:telecom_messagetemplate_add"), form_data(globe_app))
    assert response.status_code == 403
    assert MessageTemplate.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"text": "Hi {frist_name}"}, "text", "Unknown variable: {frist_name}"),
        ({"text": "{a} {b}", "defaults": '{"a": ""}'}, "text", "Unknown variable: {b}"),
        ({"text": "   "}, "text", "This field is required"),
        ({"defaults": "[1, 2]"}, "defaults", "Defaults are an object"),
        ({"defaults": "{not json"}, "defaults", "Enter a valid JSON"),
        ({"defaults": '{"first name": "x"}'}, "defaults", "is not a variable name"),
        ({"defaults": '{"number": "x"}'}, "defaults", "is filled by Hatid"),
        ({"defaults": '{"first_name": 5}'}, "defaults", "must be a text"),
        ({"defaults": json.dumps({"first_name": "x" * 201})}, "defaults", "must be a text"),
        ({"name": "12"}, "name", "not only digits"),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
    ],
)
def test_a_template_that_cannot_be_filled_is_a_form_error_naming_the_field(
    operator, globe_app, fields, field, error
):
    fields.setdefault("defaults", '{"first_name": "there"}')
    response = operator.post(
        reverse("admin:telecom_messagetemplate_add"), form_data(globe_app, **fields)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert error in " ".join(errors.get(field, [])), errors
    assert not MessageTemplate.objects.exists()


def test_two_templates_of_an_app_cannot_share_a_name_but_two_apps_can(
    operator, globe_app, greeting
):
    response = operator.post(
        reverse("admin:telecom_messagetemplate_add"),
        form_data(globe_app, name="greeting", text="Hi"),
    )
    assert response.status_code == 200 and "already exists" in response.content.decode()
    other = ProviderAppFactory()
    again = operator.post(
        reverse("admin:telecom_messagetemplate_add"), form_data(other, name="greeting", text="Hi")
    )
    assert again.status_code == 302


def test_the_template_list_asks_the_same_queries_for_3_or_30(
    operator, globe_app, django_assert_max_num_queries
):
    url = reverse("admin:telecom_messagetemplate_changelist")
    for count in (3, 30):
        for n in range(MessageTemplate.objects.count(), count):
            app = ProviderAppFactory() if n % 2 else globe_app
            MessageTemplate.objects.create(app=app, name=f"t{n}", text="Hi {number}")
        with django_assert_max_num_queries(12):
            assert operator.get(url).status_code == 200


def test_the_keyword_rule_form_names_each_template_with_its_app(operator, globe_app, greeting):
    html = operator.get(reverse("admin:telecom_keywordrule_add")).content.decode()
    assert f"greeting ({globe_app})" in html


# --- preview ----------------------------------------------------------------


def test_preview_fills_the_template_for_the_subscriber_chosen(operator, greeting, ana):
    url = reverse("admin:telecom_messagetemplate_preview", args=[greeting.pk])
    response = operator.get(url, {"number": "0917 123 4567"})
    preview = response.context["preview"]
    assert preview["text"] == f"Hi Ana, your number is {ANA}. Code ."
    assert (preview["parts"], preview["encoding"]) == (1, "GSM-7")
    html = response.content.decode()
    assert "the subscriber's attribute" in html and "the template's default" in html
    assert ANA in html  # offered among the quick picks too


def test_preview_without_a_subscriber_uses_the_longest_plausible_values(operator, greeting):
    url = reverse("admin:telecom_messagetemplate_preview", args=[greeting.pk])
    preview = operator.get(url).context["preview"]
    assert preview["basis"] == "the longest plausible values"
    assert (
        preview["text"]
        == "Hi " + "X" * 20 + ", your number is +639171234567. Code " + "X" * 20 + "."
    )


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "0999 000 0000", "' OR 1=1 --"])
def test_preview_of_an_unknown_or_hostile_number_says_so(operator, greeting, typed):
    response = operator.get(
        reverse("admin:telecom_messagetemplate_preview", args=[greeting.pk]), {"number": typed}
    )
    assert response.status_code == 200
    assert response.context["subscriber"] is None and response.context["problem"]
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_preview_never_shows_another_apps_subscriber(operator, greeting, subscribe):
    other = ProviderAppFactory()
    subscribe(BEN, app=other)
    response = operator.get(
        reverse("admin:telecom_messagetemplate_preview", args=[greeting.pk]), {"number": BEN}
    )
    assert response.context["subscriber"] is None


def test_a_templates_html_is_shown_as_text(operator, globe_app):
    template = MessageTemplate.objects.create(app=globe_app, name="x", text="<b>{number}</b>")
    html = operator.get(
        reverse("admin:telecom_messagetemplate_preview", args=[template.pk])
    ).content.decode()
    assert "<b>" not in html and "&lt;b&gt;" in html


# --- compose ----------------------------------------------------------------


def test_compose_with_a_template_fills_it_for_each_number(
    operator, globe_app, greeting, ana, subscribe
):
    subscribe(BEN)
    response = operator.post(
        reverse("admin:telecom_message_compose"),
        {"app": globe_app.pk, "to": f"{ANA}\n{BEN}", "kind": "template", "template": greeting.pk},
    )
    assert response.status_code == 302
    texts = dict(Message.objects.values_list("msisdn", "text"))
    assert texts == {
        ANA: f"Hi Ana, your number is {ANA}. Code .",
        BEN: f"Hi there, your number is {BEN}. Code .",
    }
    assert set(Message.objects.values_list("source", flat=True)) == {"admin"}


def test_compose_refuses_another_apps_template_or_none(operator, globe_app, greeting):
    other = ProviderAppFactory()
    url = reverse("admin:telecom_message_compose")
    wrong = operator.post(
        url, {"app": other.pk, "to": ANA, "kind": "template", "template": greeting.pk}
    )
    assert "This template belongs to" in " ".join(wrong.context["form"].errors["template"])
    missing = operator.post(url, {"app": globe_app.pk, "to": ANA, "kind": "template"})
    assert missing.context["form"].errors["template"] == ["Choose a template."]
    bogus = operator.post(
        url, {"app": globe_app.pk, "to": ANA, "kind": "template", "template": "x'"}
    )
    assert "template" in bogus.context["form"].errors
    assert not Message.objects.exists()


def test_the_counter_fills_the_template_for_the_first_number_or_plausibly(operator, greeting, ana):
    url = reverse("admin:telecom_message_measure")
    mine = operator.get(url, {"template": greeting.pk, "to": "0917 123 4567, 0918"}).json()
    assert mine["text"].startswith("Hi Ana,") and mine["basis"] == f"{ANA}'s values"
    unknown = operator.get(url, {"template": greeting.pk, "to": "09990000000"}).json()
    assert unknown["basis"] == "the longest plausible values"
    assert unknown["characters"] > mine["characters"]
    assert operator.get(url, {"template": "abc", "text": "hi"}).json()["characters"] == 2


# --- binary from compose ------------------------------------------------------


def test_compose_sends_a_binary_sms_as_the_api_does(operator, globe_app, ana):
    response = operator.post(
        reverse("admin:telecom_message_compose"),
        {
            "app": globe_app.pk,
            "to": ANA,
            "kind": "binary",
            "text": "samplebinarymessage",
            "user_data_header": "06050423F423F4",
            "data_coding_scheme": "4",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.user_data_header, message.data_coding_scheme) == ("06050423F423F4", 4)
    assert message.text == "samplebinarymessage"


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"user_data_header": "zz"}, "user_data_header", "hexadecimal bytes"),
        ({"user_data_header": ""}, "user_data_header", "hexadecimal bytes"),
        ({"user_data_header": "0605042"}, "user_data_header", "hexadecimal bytes"),
        (
            {"user_data_header": "07050423F423F4"},
            "user_data_header",
            "first byte must be its length",
        ),
        ({"data_coding_scheme": "5"}, "data_coding_scheme", "Select a valid choice"),
        ({"data_coding_scheme": ""}, "data_coding_scheme", "data coding scheme must be one of"),
        ({"text": ""}, "text", "the binary message is empty"),
        ({"text": "x" * 1001}, "text", "too long"),
    ],
)
def test_binary_compose_is_validated_like_the_api(operator, globe_app, ana, fields, field, error):
    data = {
        "app": globe_app.pk,
        "to": ANA,
        "kind": "binary",
        "text": "payload",
        "user_data_header": "06050423F423F4",
        "data_coding_scheme": "4",
        **fields,
    }
    response = operator.post(reverse("admin:telecom_message_compose"), data)
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert not Message.objects.exists()


def test_binary_compose_through_hoiio_is_refused_in_the_form(operator, subscribe):
    hoiio = HoiioAppFactory()
    response = operator.post(
        reverse("admin:telecom_message_compose"),
        {
            "app": hoiio.pk,
            "to": ANA,
            "kind": "binary",
            "text": "payload",
            "user_data_header": "06050423F423F4",
            "data_coding_scheme": "4",
        },
    )
    assert "does not send binary SMS" in " ".join(response.context["form"].non_field_errors())
    assert not Message.objects.exists()


def test_the_compose_page_loads_its_script_from_static_files(operator, globe_app):
    html = operator.get(reverse("admin:telecom_message_compose")).content.decode()
    assert "hatid/compose.js" in html and "<script nonce" not in html
    assert 'name="user_data_header"' in html and 'name="kind"' in html


# --- campaigns ----------------------------------------------------------------


def test_a_campaign_from_a_template_fills_each_recipients_text(globe_app, greeting, ana, subscribe):
    subscribe(BEN)
    campaign = campaigns.create_campaign(
        app=globe_app, name="Hello", template=greeting, segment={"status": "active"}
    )
    greeting.text = "changed later {number}"
    greeting.save()
    campaigns.build_campaign(campaign.pk)
    texts = dict(Message.objects.filter(campaign=campaign).values_list("msisdn", "text"))
    assert texts == {
        ANA: f"Hi Ana, your number is {ANA}. Code .",
        BEN: f"Hi there, your number is {BEN}. Code .",
    }
    campaign.refresh_from_db()
    assert campaign.template == greeting and campaign.variables == {
        "first_name": "there",
        "code": "",
    }


def test_a_campaign_of_plain_text_keeps_braces_as_written(globe_app, ana):
    campaign = campaigns.create_campaign(
        app=globe_app, name="Plain", text="Hi {first_name}", segment={}
    )
    campaigns.build_campaign(campaign.pk)
    assert Message.objects.get(campaign=campaign).text == "Hi {first_name}"


def test_campaign_preview_counts_the_longest_fill_and_shows_the_first_recipients(
    globe_app, greeting, ana
):
    preview = campaigns.preview(globe_app, "", {}, template=greeting)
    assert preview["sample"]["text"] == f"Hi Ana, your number is {ANA}. Code ."
    plausible = message_templates.plausible_fill(greeting.text, greeting.defaults)
    assert preview["characters"] == len(plausible)


def test_a_campaign_refuses_a_text_and_a_template_together_or_another_apps(globe_app, greeting):
    with pytest.raises(ServiceError, match="not both"):
        campaigns.create_campaign(app=globe_app, name="c", text="x", template=greeting, segment={})
    with pytest.raises(ServiceError, match="another app"):
        campaigns.create_campaign(app=ProviderAppFactory(), name="c", template=greeting, segment={})


def test_a_hoiio_campaign_puts_each_filled_text_in_its_own_bulk(greeting):
    hoiio = HoiioAppFactory()
    template = MessageTemplate.objects.create(
        app=hoiio, name="t", text="Hi {first_name}", defaults={"first_name": "there"}
    )
    Subscriber.objects.bulk_create(
        [
            Subscriber(app=hoiio, msisdn="+639170000001", attributes={"first_name": "Ana"}),
            Subscriber(app=hoiio, msisdn="+639170000002"),
            Subscriber(app=hoiio, msisdn="+639170000003"),
        ]
    )
    campaign = campaigns.create_campaign(app=hoiio, name="c", template=template, segment={})
    campaigns.build_campaign(campaign.pk)
    bulks = {bulk.text: bulk.size for bulk in SmsBulk.objects.filter(campaign=campaign)}
    assert bulks == {"Hi Ana": 1, "Hi there": 2}
    for bulk in SmsBulk.objects.filter(campaign=campaign):
        assert set(bulk.messages.values_list("text", flat=True)) == {bulk.text}


def test_the_campaign_form_takes_a_template(operator, globe_app, greeting, ana):
    url = reverse("admin:telecom_campaign_add")
    data = {"app": globe_app.pk, "name": "Hi all", "template": greeting.pk, "status": "active"}
    preview = operator.post(url, data)
    assert preview.context["preview"]["sample"]["text"].startswith("Hi Ana")
    operator.post(url, {**data, "confirmed": "True"})
    campaign = Campaign.objects.get()
    assert campaign.template == greeting and campaign.personalized
    both = operator.post(url, {**data, "text": "also this"})
    assert "not both" in " ".join(both.context["form"].errors["text"])


# --- keyword replies and step actions -----------------------------------------


def test_a_keyword_reply_with_a_template_is_filled_for_the_sender(globe_app, ana):
    template = MessageTemplate.objects.create(
        app=globe_app,
        name="echo",
        text="{first_name}, you said: {text}",
        defaults={"first_name": "friend", "text": ""},
    )
    KeywordRule.objects.create(app=globe_app, keyword="PRICE", reply_template=template)
    apply_keyword_rules(inbound_message(ana, "PRICE please"))
    reply = Message.objects.get(direction="out")
    assert (reply.text, reply.source) == ("Ana, you said: PRICE please", "keyword")


def test_a_keyword_rule_takes_a_text_or_its_apps_template(globe_app, greeting):
    both = KeywordRule(app=globe_app, keyword="HI", reply_text="x", reply_template=greeting)
    with pytest.raises(ValidationError, match="not both"):
        both.clean()
    elsewhere = KeywordRule(app=ProviderAppFactory(), keyword="HI", reply_template=greeting)
    with pytest.raises(ValidationError, match="another app"):
        elsewhere.clean()


def test_a_keyword_reply_text_still_fills_text_and_number(globe_app, ana):
    KeywordRule.objects.create(app=globe_app, keyword="ECHO", reply_text="{number}: {text}")
    apply_keyword_rules(inbound_message(ana, "ECHO hi"))
    assert Message.objects.get(direction="out").text == f"{ANA}: ECHO hi"


def test_a_step_action_sends_its_template_with_the_sessions_values_first(globe_app, greeting, ana):
    session = SimpleNamespace(
        app=globe_app, subscriber=ana, variables={"code": "4321", "pin": "secret"}
    )
    event = PartnerEvent("x", "x:1", lambda: {})
    for step, source in [
        (UssdScreen(kind="end", text="Done", action="sms", action_template=greeting), "ussd"),
        (
            Step(verb="say", options={"value": "Bye"}, action="sms", action_template=greeting),
            "voice",
        ),
    ]:
        note = run_action(step, StepContext.of(session, source, source, event))
        assert note.startswith("SMS ")
    texts = list(Message.objects.order_by("pk").values_list("text", flat=True))
    assert texts == [f"Hi Ana, your number is {ANA}. Code 4321."] * 2


def test_a_step_with_another_apps_template_is_refused_with_a_note(globe_app, ana):
    foreign = MessageTemplate.objects.create(app=ProviderAppFactory(), name="f", text="x")
    session = SimpleNamespace(app=globe_app, subscriber=ana, variables={})
    step = UssdScreen(kind="end", text="Done", action="sms", action_template=foreign)
    note = run_action(step, StepContext.of(session, "ussd", "ussd", PartnerEvent("x", "x", dict)))
    assert note.startswith("sms refused: the template f belongs to another app")
    assert not Message.objects.exists()


def test_an_sms_step_needs_a_text_or_a_template_not_both(globe_app, greeting):
    Step(verb="say", options={"value": "Bye"}, action="sms", action_template=greeting).clean()
    with pytest.raises(ValidationError, match="a text or a template"):
        Step(verb="say", options={"value": "Bye"}, action="sms").clean()
    with pytest.raises(ValidationError, match="not both"):
        Step(
            verb="say",
            options={"value": "Bye"},
            action="sms",
            action_text="x",
            action_template=greeting,
        ).clean()


# --- send_sms ---------------------------------------------------------------


def test_send_sms_refuses_a_value_for_a_variable_the_template_lacks(globe_app, greeting, ana):
    with pytest.raises(ServiceError) as refused:
        send_sms(app=globe_app, to=ana, template=greeting, variables={"coupon": "x"})
    assert refused.value.field == "variables" and "no variable coupon" in refused.value.message


def test_send_sms_refuses_a_fill_too_long_naming_the_template(globe_app, settings, ana):
    template = MessageTemplate.objects.create(
        app=globe_app, name="long", text="{first_name}", defaults={"first_name": ""}
    )
    with pytest.raises(ServiceError) as refused:
        send_sms(app=globe_app, to=ana, template=template, variables={"first_name": "x" * 2000})
    assert refused.value.field == "template"
