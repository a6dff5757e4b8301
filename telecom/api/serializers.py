"""What the partner API's serializers share.

- `ServiceInput`: the body of a POST that calls a service (`ServiceCreate`):
  its own fields, then `app`, which picks one of the key's apps (optional when
  the key has one).
- `RowOut`: an outbox row as the API gives it back: `error` is the row's
  `last_error`; `row_fields` frames its fields (`id` first, its times last).
"""

from rest_framework import serializers


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
