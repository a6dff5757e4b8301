"""A message template in a real browser: an operator writes one, previews it
with a subscriber picked in the console (the filled text and its parts),
then composes with it and with a binary payload, the fields showing as the
kind chosen asks (static script, under the production CSP). The docs'
screenshot of the preview is taken here (HATID_SCREENSHOTS=1)."""

import pytest

from subscribers.services.consent import subscriber_opt_in
from telecom.models import Message, MessageTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ANA = "+639171234567"


@pytest.fixture
def people(globe_app):
    for number, attributes in [
        (ANA, {"first_name": "Ana", "plan": "Gold"}),
        ("+639181234567", {"first_name": "Ben"}),
        ("+639191234567", {"plan": "Silver"}),
    ]:
        subscriber = subscriber_opt_in(
            app=globe_app, msisdn=number, token=f"token-{number[1:]}", channel="sms"
        ).subscriber
        subscriber.attributes = attributes
        subscriber.save()


def test_write_preview_then_compose_with_a_template(console, globe_app, people, screenshots):
    console.set_viewport_size({"width": 1200, "height": 860})
    console.goto(f"{console.base}/admin/telecom/messagetemplate/add/")
    console.select_option("#id_app", str(globe_app.pk))
    console.fill("#id_name", "renewal")
    console.fill(
        "#id_text", "Hi {first_name}, your {plan} plan renews tomorrow. Reply STOP to end."
    )
    console.fill("#id_defaults", '{"first_name": "there"}')
    console.click("input[name=_continue]")
    console.get_by_text("Unknown variable: {plan}").wait_for()
    console.fill("#id_defaults", '{"first_name": "there", "plan": "Basic"}')
    console.click("input[name=_continue]")
    console.get_by_text("Preview with a subscriber").click()

    console.locator(".picks a", has_text="Ana").click()
    bubble = console.locator("#filled-text")
    bubble.get_by_text("Hi Ana, your Gold plan renews tomorrow.", exact=False).wait_for()
    assert "1 part" in console.inner_text("#filled-length")
    console.fill("#id_number", "0919 123 4567")
    console.click("#preview-subscriber input[type=submit]")
    bubble.get_by_text("Hi there, your Silver plan", exact=False).wait_for()
    console.locator(".picks a", has_text="Ben").click()
    bubble.get_by_text("Hi Ben, your Basic plan", exact=False).wait_for()
    console.click("#toggle-nav-sidebar")  # the picture is the preview, not the menu
    console.locator("#content").screenshot(path=str(screenshots / "message-template.png"))
    console.click("#toggle-nav-sidebar")

    template = MessageTemplate.objects.get(name="renewal")
    console.goto(f"{console.base}/admin/telecom/message/compose/")
    console.select_option("#id_app", str(globe_app.pk))
    console.fill("#id_to", "0917 123 4567")
    assert console.locator("#id_user_data_header").is_hidden()
    assert console.locator("#id_template").is_hidden()
    console.check("input[name=kind][value=template]")
    console.select_option("#id_template", str(template.pk))
    console.locator("#template-text", has_text="Hi Ana, your Gold plan").wait_for()
    console.get_by_text(f"filled with {ANA}'s values", exact=False).first.wait_for()
    assert console.locator("#id_text").is_hidden()
    console.check("input[name=kind][value=binary]")
    console.locator("#id_user_data_header").wait_for(state="visible")
    console.check("input[name=kind][value=template]")
    console.locator("#id_user_data_header").wait_for(state="hidden")
    console.click("input[type=submit][value=Send]")
    console.get_by_text("Queued 1 message(s).").wait_for()
    sent = Message.objects.get(direction="out")
    assert sent.text == "Hi Ana, your Gold plan renews tomorrow. Reply STOP to end."


def test_compose_a_binary_sms_shows_its_fields_and_the_apis_errors(console, globe_app, people):
    console.goto(f"{console.base}/admin/telecom/message/compose/")
    console.select_option("#id_app", str(globe_app.pk))
    console.fill("#id_to", ANA)
    console.check("input[name=kind][value=binary]")
    console.fill("#id_text", "samplebinarymessage")
    console.fill("#id_user_data_header", "07050423F423F4")
    console.click("input[type=submit][value=Send]")
    console.get_by_text("the user data header's first byte must be its length").wait_for()
    assert console.locator("#id_user_data_header").is_visible()  # still binary after the error
    console.fill("#id_user_data_header", "06050423F423F4")
    console.click("input[type=submit][value=Send]")
    console.get_by_text("Queued 1 message(s).").wait_for()
    message = Message.objects.get(direction="out")
    assert (message.user_data_header, message.data_coding_scheme) == ("06050423F423F4", 4)
