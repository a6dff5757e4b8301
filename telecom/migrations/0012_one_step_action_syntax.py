"""USSD screens become `telecom.steps.StepAction`s (the action's choices now
list the call's `confirm`, which a screen's form does not offer), and their
texts move to the one variable syntax: `{name}` stays, and a text that held
`{{` or `}}` (which now write a literal brace) is rewritten to render as
before. Reversible."""

from django.db import migrations, models

from telecom.steps import legacy_syntax

TEMPLATED = ("text", "action_text", "action_amount", "action_description")


def _rewrite(apps, change):
    UssdScreen = apps.get_model("telecom", "UssdScreen")
    for screen in UssdScreen.objects.filter(
        models.Q(text__contains="{")
        | models.Q(action_text__contains="{")
        | models.Q(action_amount__contains="{")
        | models.Q(action_description__contains="{")
    ).iterator():
        changed = {name: change(getattr(screen, name)) for name in TEMPLATED}
        if any(changed[name] != getattr(screen, name) for name in TEMPLATED):
            UssdScreen.objects.filter(pk=screen.pk).update(**changed)


def forwards(apps, schema_editor):
    _rewrite(apps, lambda text: legacy_syntax.upgrade(text, legacy_syntax.USSD))


def backwards(apps, schema_editor):
    _rewrite(
        apps,
        lambda text: legacy_syntax.downgrade(text, legacy_syntax.USSD, legacy_syntax.USSD_VARIABLE),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("telecom", "0011_console_plurals_and_help_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ussdscreen",
            name="action",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "No action"),
                    ("sms", "Send an SMS"),
                    ("charge", "Charge the subscriber"),
                    ("reward", "Send a reward"),
                    ("tag", "Tag the subscriber"),
                    ("webhook", "Call a partner's webhook"),
                    ("confirm", "Confirm the escalation this call belongs to"),
                ],
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="ussdscreen",
            name="action_amount",
            field=models.CharField(
                blank=True, help_text="Charge amount, e.g. 1.00, or {variable}.", max_length=20
            ),
        ),
        migrations.AlterField(
            model_name="ussdscreen",
            name="text",
            field=models.TextField(
                help_text="What the handset shows. Variables: {name}; a literal brace: {{ or }}."
            ),
        ),
        migrations.AlterField(
            model_name="ussdexchange",
            name="sequence",
            field=models.PositiveIntegerField(
                help_text="The step's number in its session, from 1."
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
