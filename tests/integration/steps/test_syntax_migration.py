"""Moving stored texts to the one syntax: voice steps' `{{name}}` become
`{name}` and USSD screens' `{{`/`}}` keep rendering as before; both ways
(telecom 0012, voiceflows 0006)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from telecom.models import UssdMenu, UssdScreen
from telecom.steps import legacy_syntax
from telecom.steps.legacy_syntax import USSD, USSD_VARIABLE, VOICE, VOICE_VARIABLE
from telecom.steps.templating import render
from tests.support.factories import ProviderAppFactory

VARIABLES = {"name": "Ana", "x": "7"}


def old_voice(text: str) -> str:
    """How the voice engine rendered a text before."""
    return VOICE.sub(lambda m: str(VARIABLES.get(m.group(1), "")), text)


def old_ussd(text: str) -> str:
    return USSD.sub(lambda m: str(VARIABLES.get(m.group(1), "")), text)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hi {{name}}!", "Hi {name}!"),
        ("Hi {{ name }}, {{x}}", "Hi {name}, {x}"),
        ("Press {1}", "Press {1}"),  # read alike: left as it is
        ("Your {name} is {{name}}", "Your {{name}} is {name}"),
        ("{{{x}}}", "{{{x}}}"),
        ("no variables", "no variables"),
    ],
)
def test_voice_texts_upgrade_to_render_as_before_and_come_back(old, new):
    assert legacy_syntax.upgrade(old, VOICE) == new
    assert render(new, VARIABLES) == old_voice(old)
    assert old_voice(legacy_syntax.downgrade(new, VOICE, VOICE_VARIABLE)) == old_voice(old)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Thank you! {x} pesos.", "Thank you! {x} pesos."),
        ("{{x}}", "{{{x}}}"),
        ("a }} b {x}", "a }}}} b {x}"),
    ],
)
def test_ussd_texts_change_only_where_double_braces_now_mean_a_brace(old, new):
    assert legacy_syntax.upgrade(old, USSD) == new
    assert render(new, VARIABLES) == old_ussd(old)
    assert legacy_syntax.downgrade(new, USSD, USSD_VARIABLE) == old


@pytest.mark.django_db
def test_the_telecom_migration_rewrites_screens_both_ways(globe_app):
    migration = importlib.import_module("telecom.migrations.0012_one_step_action_syntax")
    menu = UssdMenu.objects.create(app=globe_app, name="Menu")
    plain = UssdScreen.objects.create(menu=menu, key="a", text="Hi {x}", action_amount="{x}")
    braced = UssdScreen.objects.create(menu=menu, key="b", text="{{x}}", action_text="}}")
    migration.forwards(apps, None)
    plain.refresh_from_db()
    braced.refresh_from_db()
    assert (plain.text, plain.action_amount) == ("Hi {x}", "{x}")
    assert (braced.text, braced.action_text) == ("{{{x}}}", "}}}}")
    migration.backwards(apps, None)
    braced.refresh_from_db()
    assert (braced.text, braced.action_text) == ("{{x}}", "}}")


VOICE_BEFORE = ("voiceflows", "0005_flow_slug_help_text")
VOICE_AFTER = ("voiceflows", "0006_one_step_action_syntax")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_voiceflows_migration_moves_steps_and_routes_forwards_and_back():
    app = ProviderAppFactory()
    try:
        old = migrate(VOICE_BEFORE)
        flow = old.get_model("voiceflows", "VoiceFlow").objects.create(
            app_id=app.pk, slug="f", name="F"
        )
        Step = old.get_model("voiceflows", "Step")
        ask = Step.objects.create(
            flow=flow,
            key="ask",
            verb="ask",
            options={"say": [{"value": "Hi {{ caller }}"}], "choices": {"value": "1, 2"}},
            action="sms",
            action_text="Code {{code}}",
            action_amount="{{amount}}.00",
        )
        old.get_model("voiceflows", "Route").objects.create(
            step=ask, on="answer", value="{{code}}", goto=ask, say="{literal}"
        )
        new = migrate(VOICE_AFTER)
        step = new.get_model("voiceflows", "Step").objects.get(pk=ask.pk)
        assert step.options == {"say": [{"value": "Hi {caller}"}], "choices": {"value": "1, 2"}}
        assert (step.action_text, step.action_amount) == ("Code {code}", "{amount}.00")
        route = new.get_model("voiceflows", "Route").objects.get()
        assert (route.value, route.say) == ("{code}", "{{literal}}")
        back = migrate(VOICE_BEFORE)
        step = back.get_model("voiceflows", "Step").objects.get(pk=ask.pk)
        assert step.options["say"] == [{"value": "Hi {{caller}}"}]
        assert back.get_model("voiceflows", "Route").objects.get().say == "{literal}"
    finally:
        migrate(VOICE_AFTER)
