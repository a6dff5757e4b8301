"""Only the chosen action's fields: `SwitchedFields` as a voice step's and a
USSD screen's forms use it (telecom/steps/forms.py). The forms mark the
fields for the page's script, and without the script the server keeps only
what the chosen action uses."""

import pytest
from django import forms

from telecom.admin.ussd import ScreenForm
from telecom.steps.forms import SWITCHED_FIELDS_JS, SwitchedFields
from tests.support.ussd_menus import shop_menu
from tests.support.voice_flows import MENU_FLOW
from voiceflows.admin.flows import StepForm
from voiceflows.services.flows import import_flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu_flow(globe_app):
    return import_flow(app=globe_app, data=MENU_FLOW)


class Drink(SwitchedFields, forms.Form):
    switches = {"kind": {"tea": ("milk",), "coffee": ("milk", "shots")}}

    kind = forms.ChoiceField(choices=[("tea", "Tea"), ("coffee", "Coffee"), ("water", "Water")])
    milk = forms.BooleanField(required=False)
    shots = forms.IntegerField(min_value=1, required=False)


def test_switched_fields_mark_the_switch_and_what_each_field_is_shown_for():
    html = str(Drink())
    assert 'data-switch="kind"' in html
    assert 'name="milk" data-switched-by="kind" data-shown-for="tea coffee"' in html
    assert 'data-shown-for="coffee"' in html
    assert SWITCHED_FIELDS_JS in str(Drink().media)


def test_switched_fields_drop_what_the_choice_does_not_use_with_its_errors():
    water = Drink({"kind": "water", "milk": "on", "shots": "-3"})
    assert water.is_valid(), water.errors
    assert water.cleaned_data == {"kind": "water", "milk": False, "shots": None}
    coffee = Drink({"kind": "coffee", "shots": "-3"})
    assert not coffee.is_valid() and list(coffee.errors) == ["shots"]


def step_data(flow, **fields):
    step = {"flow": flow.pk, "key": "act", "position": 9, "verb": "hangup", "options": "{}"}
    return {**step, **fields}


def test_a_voice_steps_action_keeps_only_its_own_fields(menu_flow):
    form = StepForm(
        data=step_data(
            menu_flow,
            action="charge",
            action_amount="{amount}",
            action_description="Load",
            action_text="left over from an SMS",
            action_tag="not a slug!",
        )
    )
    assert form.is_valid(), form.errors
    step = form.save()
    assert (step.action_amount, step.action_description) == ("{amount}", "Load")
    assert (step.action_text, step.action_tag, step.action_partner) == ("", "", None)


def test_the_chosen_actions_missing_or_bad_field_is_named(menu_flow):
    charge = StepForm(data=step_data(menu_flow, action="charge", action_text="hi"))
    assert not charge.is_valid()
    assert charge.errors["action_amount"] == ["A charge needs an amount."]
    tag = StepForm(data=step_data(menu_flow, action="tag", action_tag="not a slug!"))
    assert not tag.is_valid() and list(tag.errors) == ["action_tag"]


def test_no_action_keeps_no_action_field(menu_flow):
    form = StepForm(data=step_data(menu_flow, action="", action_text="hello", action_promo="P1"))
    assert form.is_valid(), form.errors
    step = form.save()
    assert (step.action_text, step.action_promo) == ("", "")


def test_a_ussd_end_screen_uses_the_same_mechanism(globe_app):
    menu = shop_menu(globe_app)
    html = str(ScreenForm(instance=menu.screens.get(key="done")))
    assert 'data-switch="action"' in html
    assert 'data-shown-for="charge"' in html and 'data-shown-for="sms"' in html
    assert 'value="confirm"' not in html  # a screen cannot confirm an escalation
    form = ScreenForm(
        data={
            "menu": menu.pk,
            "key": "end2",
            "kind": "end",
            "text": "Bye",
            "validation": "any",
            "min_length": 1,
            "max_length": 20,
            "action": "sms",
            "action_text": "Thanks",
            "action_amount": "5",
        }
    )
    assert form.is_valid(), form.errors
    screen = form.save()
    assert (screen.action_text, screen.action_amount) == ("Thanks", "")


def test_the_flow_page_loads_the_script_and_marks_each_steps_action(admin_client, menu_flow):
    html = admin_client.get(f"/admin/voiceflows/voiceflow/{menu_flow.pk}/change/").content.decode()
    assert SWITCHED_FIELDS_JS in html
    assert 'name="steps-0-action" data-switch="action"' in html
    partner = 'data-switched-by="action" data-shown-for="webhook" id="id_steps-0-action_partner"'
    assert partner in html
