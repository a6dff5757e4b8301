"""The partner API's OpenAPI schema stays complete and warning-free."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = path.read_text()
    for route in (
        "/api/v1/messages/",
        "/api/v1/subscribers/",
        "/api/v1/campaigns/",
        "/api/v1/calls/",
        "/api/v1/escalations/",
        "/api/v1/hoiio/calls/",
        "/api/v1/voicent/escalations/",
    ):
        assert route in schema
