"""The partner API's OpenAPI schema: what drf-spectacular cannot guess.

`ApiAutoSchema` (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) gives every operation
- the `Idempotency-Key` header on every POST (`telecom.api.idempotency`
  refuses a POST without it, so Swagger's "Try it out" needs a field for it);
- the request and 201 answer of a `ServiceCreate` POST from its input and
  output serializers, and an `OwnedAction`'s answer (no request body) from
  its output serializer (`telecom.api.bases`);
- a tag per resource (`/api/v1/<resource>/...`, and `hoiio calls`,
  `voicent escalations`... under a provider's prefix), not one `v1` tag;
- a description: the method's docstring, else the view's own (as DRF's
  OPTIONS answer shows it), never a base's: `telecom.api.bases` and the like
  say what a subclass must provide, not what an endpoint does;
- a summary: an `extend_schema(summary=...)`, else the first line of the
  method's docstring, else of the view's when it serves one method, else the
  verb and the resource (`List charges`, `Get a charge`, `Create a charge`);
- the error answers it can give, each in the one error envelope
  (`telecom.api.errors`), so a client (and schemathesis) knows them.

Security comes from `ApiKeySchema` (telecom.api.authentication) alone: one
entry per operation.
"""

import inflection
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from telecom.api.bases import OwnedAction, ServiceCreate
from telecom.api.idempotency import HEADER, MAX_KEY_LENGTH

PREFIX = "/api/v1/"
PROVIDER_PREFIXES = ("hoiio", "voicent")

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        "Any unique text (a UUID is fine) naming this request: the same key and body "
        "within 24 hours returns the first answer without doing the work again; the "
        "same key with a different body is a 422, and one still running is a 409."
    ),
)


class ErrorBody(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: `invalid`, `not_found`...")
    message = serializers.CharField(help_text="For a person: what is wrong.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each field (or header) that is wrong, with its problems.",
    )


class Error(serializers.Serializer):
    error = ErrorBody()


ERRORS = {
    "400": "Invalid input; `error.fields` names each wrong field.",
    "401": "No API key, or an unknown or revoked one.",
    "403": "The key lacks this endpoint's scope.",
    "404": "No such object among the key's apps.",
    "406": "The client accepts no JSON.",
    "429": "Too many requests this minute for this key.",
}
POST_ERRORS = {
    "409": "A request with this Idempotency-Key is still in progress.",
    "413": "The body is larger than the API accepts.",
    "415": "The body is not JSON.",
    "422": "This Idempotency-Key was used with a different request.",
}


def _first_line(doc: str | None) -> str | None:
    line = (doc or "").strip().split("\n\n")[0].replace("\n", " ").strip()
    return line.rstrip(".") or None


class ApiAutoSchema(AutoSchema):
    def _parts(self) -> list[str]:
        """The path's words after /api/v1/, variables as `{}`."""
        rest = self.path.removeprefix(PREFIX)
        return ["{}" if part.startswith("{") else part for part in rest.split("/") if part]

    def _resource(self) -> tuple[list[str], list[str]]:
        parts = self._parts()
        size = 2 if parts and parts[0] in PROVIDER_PREFIXES and len(parts) > 1 else 1
        return parts[:size], parts[size:]

    def get_tags(self) -> list[str]:
        resource, _ = self._resource()
        return [" ".join(resource)] if resource else super().get_tags()

    def _creates(self) -> bool:
        return self.method == "POST" and isinstance(self.view, ServiceCreate)

    def _acts(self) -> bool:
        return self.method == "POST" and isinstance(self.view, OwnedAction)

    def get_request_serializer(self):
        if self._creates():
            return self.view.input_serializer
        if self._acts():
            return None
        return super().get_request_serializer()

    def get_response_serializers(self):
        if self._creates():
            return {201: self.view.output_serializer}
        if self._acts():
            return self.view.output_serializer
        return super().get_response_serializers()

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST":
            parameters = [*parameters, IDEMPOTENCY_KEY]
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        errors = {**ERRORS, **(POST_ERRORS if self.method == "POST" else {})}
        for code, description in errors.items():
            if code not in bodies:
                response = OpenApiResponse(Error, description=description)
                bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return bodies

    def get_description(self) -> str:
        method_doc = get_doc(getattr(self.view, self.method.lower(), None))
        view = self.view.__class__
        return method_doc or (get_doc(view) if view.__dict__.get("__doc__") else "")

    def get_summary(self) -> str | None:
        explicit = super().get_summary()
        if explicit:
            return explicit
        method_doc = _first_line(getattr(self.view, self.method.lower(), None).__doc__)
        if method_doc:
            return method_doc
        served = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(self.view, m)]
        view_doc = _first_line(self.view.__class__.__doc__)
        if view_doc and len(served) == 1:
            return view_doc
        return self._generated_summary()

    def _generated_summary(self) -> str:
        resource, rest = self._resource()
        plural = " ".join(resource).replace("-", " ")
        one = inflection.singularize(plural)
        article = "an" if one[:1] in "aeiou" else "a"
        actions = [part.replace("-", " ") for part in rest if part != "{}"]
        if actions and self.method == "POST":
            return f"{actions[-1].capitalize()} {article} {one}"
        if actions:
            return f"List {one} {actions[-1]}"
        if self.method == "POST":
            return f"Create {article} {one}"
        if rest:
            return f"Get {article} {one}"
        return f"List {plural}"
