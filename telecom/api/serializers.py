"""What the partner API's serializers share.

- `ServiceInput`: the body of a POST that calls a service (`ServiceCreate`):
  its own fields, then `app`, which picks one of the key's apps (optional when
  the key has one).
- `AwareDateTimeField`: a moment in ISO 8601 with its offset; one without is
  refused, never read in some zone the partner did not name.
- `RowOut`: an outbox row as the API gives it back: `error` is the row's
  `last_error`; `row_fields` frames its fields (`id` first, its times last).
"""

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

MOMENT_EXAMPLE = "2026-12-07T09:00:00+08:00"


class ServiceInput(serializers.Serializer):
    """A subclass declares the fields its service takes; `app` comes last."""

    app = serializers.IntegerField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["app"] = fields.pop("app")  # after the subclass's own, as documented
        return fields


class RowOut(serializers.ModelSerializer):
    """A subclass gives `Meta.model` and `Meta.fields` (`row_fields(...)`),
    naming `error` where it shows the row's last error."""

    error = serializers.CharField(source="last_error")


def row_fields(*own: str) -> list[str]:
    """A row's fields in the order every endpoint gives them: `id`, what the
    kind has, then when it was created and finished."""
    return ["id", *own, "created_at", "finished_at"]


class AwareDateTimeField(serializers.DateTimeField):
    default_error_messages = {
        "invalid": f"Not a date and time in ISO 8601 with an offset, e.g. {MOMENT_EXAMPLE}.",
        "naive": f"Give the time zone offset too, e.g. {MOMENT_EXAMPLE}.",
    }

    def to_internal_value(self, value):
        if not isinstance(value, str) or len(value) > 40:
            self.fail("invalid")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:  # well formed but impossible: month 13, year 0
            parsed = None
        if parsed is None:
            self.fail("invalid")
        if parsed.tzinfo is None:
            self.fail("naive")
        return parsed
