"""The shapes every partner API view is built from.

- `OwnedRows`: a view reads only the rows of the apps its API key may use
  (`telecom.api.apps.partner_apps`); `get_owned(pk)` is one of them, or a 404.
- `OwnedAction`: a POST to one of those rows (`/<pk>/hangup/`, `/cancel/`...)
  runs one service on it and answers the row as it is afterwards.
- `ServiceCreate`: a POST to a collection validates its input serializer,
  calls one service with the app the body names (or the key's only app) and
  the calling partner, and answers the output serializer with a 201. It is
  idempotent (`telecom.api.idempotency`) and its OpenAPI request and response
  come from the same two serializers (`telecom.api.schema`).

Views stay thin: the service is the only thing that changes state. An
endpoint's description (OpenAPI, OPTIONS) is its view's own docstring, never
one of these bases'; their `post` methods have none, for the same reason.
"""

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.response import Response

from telecom.api.apps import chosen_app, partner_apps
from telecom.api.idempotency import idempotent


def validated(serializer_class: type[serializers.Serializer], request) -> dict:
    """The request body as `serializer_class` validates it (a 400 when it does not)."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class OwnedRows:
    """A view over the rows of the partner's own apps.

    A subclass gives `queryset`: the model's rows with what its serializer reads
    (`select_related`, `prefetch_related`, `defer`, an order). Rows that reach
    their app through another row name the way in `owner` (the lookup to the
    app, e.g. `"subscriber__app"`; `"app"` by default).
    """

    queryset = None
    owner = "app"

    def get_queryset(self):
        return self.queryset.filter(**{f"{self.owner}__in": partner_apps(self.request)})

    def get_owned(self, pk):
        """The row `pk` among the partner's, or a 404."""
        return get_object_or_404(self.get_queryset(), pk=pk)


class OwnedAction(OwnedRows):
    """POST to one of the partner's rows: `act` (a `staticmethod` taking the row)
    acts on it, and the answer is the row read again, as `output_serializer`
    shows it, with `answer_status` (200 unless the subclass says otherwise).
    Its OpenAPI answer is the output serializer (`telecom.api.schema`)."""

    act = None
    output_serializer: type[serializers.Serializer]
    answer_status = status.HTTP_200_OK

    @idempotent
    def post(self, request, pk):
        row = self.get_owned(pk)
        self.act(row)
        row.refresh_from_db()
        return Response(self.output_serializer(row).data, status=self.answer_status)


class ServiceCreate:
    """POST to a collection: input serializer -> service -> output serializer, 201.

    A subclass gives `input_serializer` (whose optional `app` field picks one of
    the key's apps), `output_serializer` and `service`: a `staticmethod` taking
    keyword arguments `app`, `partner` and the validated fields (and `source`,
    when the subclass names one: what the row records it came from). It overrides
    `service_arguments` to turn fields into what the service takes, `create`
    when the service is called otherwise, and `represent` when the answer is not
    the output serializer's (which still documents it).
    """

    input_serializer: type[serializers.Serializer]
    output_serializer: type[serializers.Serializer]
    service = None
    source: str | None = None

    @idempotent
    def post(self, request):
        values = validated(self.input_serializer, request)
        app = chosen_app(request, values.pop("app", None))
        created = self.create(app, values)
        return Response(self.represent(created), status=status.HTTP_201_CREATED)

    def create(self, app, values: dict):
        arguments = self.service_arguments(app, values)
        if self.source is not None:
            arguments["source"] = self.source
        return self.service(app=app, partner=self.request.user, **arguments)

    def service_arguments(self, app, values: dict) -> dict:
        return values

    def represent(self, created) -> dict:
        return self.output_serializer(created).data
