"""A callback's route becomes a field of the event: the voice webhook stored
it as a made-up `Path` entry of the event's headers; stored rows move it here."""

from django.db import migrations, models

ROUTE_HEADER = "Path"


def move_route_out_of_headers(apps, schema_editor):
    CallbackEvent = apps.get_model("telecom", "CallbackEvent")
    rows = CallbackEvent.objects.filter(headers__has_key=ROUTE_HEADER).only("headers")
    for event in rows.iterator(chunk_size=1000):
        event.route = str(event.headers.pop(ROUTE_HEADER))[:300]
        event.save(update_fields=["route", "headers"])


def move_route_back_into_headers(apps, schema_editor):
    CallbackEvent = apps.get_model("telecom", "CallbackEvent")
    for event in CallbackEvent.objects.filter(kind="voice", route__startswith="/voice/").iterator():
        event.headers[ROUTE_HEADER] = event.route
        event.save(update_fields=["headers"])


class Migration(migrations.Migration):
    dependencies = [("telecom", "0014_charge_reward_to_subscriber")]

    operations = [
        migrations.AddField(
            model_name="callbackevent",
            name="route",
            field=models.CharField(
                blank=True,
                help_text="The path the request came to, its token masked as …; a voice "
                "request's flow and step are read from it when it is processed or re-run.",
                max_length=300,
            ),
        ),
        migrations.RunPython(move_route_out_of_headers, move_route_back_into_headers),
    ]
