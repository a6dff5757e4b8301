"""Voice steps become `telecom.steps.StepAction`s, and their texts move from
`{{name}}` to the one variable syntax, `{name}` (where `{{` and `}}` write a
literal brace): every string in a step's options, its action's text, amount
and description, and its routes' answer values, says and URLs, rewritten so
that each renders as before. Reversible."""

from django.db import migrations, models

from telecom.steps import legacy_syntax
from telecom.steps.templating import map_strings

STEP_TEXTS = ("action_text", "action_amount", "action_description")
ROUTE_TEXTS = ("value", "say", "url")


def _rewrite(apps, change):
    Step = apps.get_model("voiceflows", "Step")
    Route = apps.get_model("voiceflows", "Route")
    for step in Step.objects.iterator():
        changed = {name: change(getattr(step, name)) for name in STEP_TEXTS}
        changed["options"] = map_strings(step.options, change)
        if any(value != getattr(step, name) for name, value in changed.items()):
            Step.objects.filter(pk=step.pk).update(**changed)
    for route in Route.objects.iterator():
        changed = {name: change(getattr(route, name)) for name in ROUTE_TEXTS}
        if any(value != getattr(route, name) for name, value in changed.items()):
            Route.objects.filter(pk=route.pk).update(**changed)


def forwards(apps, schema_editor):
    _rewrite(apps, lambda text: legacy_syntax.upgrade(text, legacy_syntax.VOICE))


def backwards(apps, schema_editor):
    _rewrite(
        apps,
        lambda text: legacy_syntax.downgrade(
            text, legacy_syntax.VOICE, legacy_syntax.VOICE_VARIABLE
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("voiceflows", "0005_flow_slug_help_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="escalation",
            name="message",
            field=models.TextField(help_text="What each call says first (the flow's {message})."),
        ),
        migrations.AlterField(
            model_name="route",
            name="value",
            field=models.CharField(
                blank=True,
                help_text="For 'the answer is…': the choice (compared with the platform's interpretation, ignoring case); variables allowed, e.g. {confirmation_code}.",
                max_length=100,
            ),
        ),
        migrations.AlterField(
            model_name="step",
            name="action_amount",
            field=models.CharField(
                blank=True, help_text="Charge amount, e.g. 1.00, or {variable}.", max_length=20
            ),
        ),
        migrations.AlterField(
            model_name="step",
            name="options",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='The verb\'s Tropo options, as the platform receives them: {"value": "Hello"} for a say; {"choices": {"value": "1, 2"}, "say": {"value": "Press 1 or 2"}} for an ask. Text may use variables: {name}.',
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
