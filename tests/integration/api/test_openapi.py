"""The partner API's OpenAPI schema stays complete and warning-free."""

import json

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


@pytest.fixture
def operations(tmp_path):
    path = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    schema = json.loads(path.read_text())
    return [
        (method.upper(), route, operation)
        for route, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


@pytest.mark.django_db
def test_openapi_every_post_declares_the_idempotency_key_header(operations):
    posts = [(route, op) for method, route, op in operations if method == "POST"]
    assert len(posts) > 10
    for route, op in posts:
        headers = [p for p in op.get("parameters", []) if p["in"] == "header"]
        assert [(p["name"], p["required"]) for p in headers] == [("Idempotency-Key", True)], route


@pytest.mark.django_db
def test_openapi_each_operation_has_exactly_one_security_entry(operations):
    for method, route, op in operations:
        assert op["security"] == [{"ApiKey": []}], (method, route)


@pytest.mark.django_db
def test_openapi_operations_are_tagged_by_resource(operations):
    tags = {tag for _, _, op in operations for tag in op["tags"]}
    assert {"messages", "charges", "subscribers", "hoiio calls", "voicent escalations"} <= tags
    assert "v1" not in tags
    by_route = {(m, r): op["tags"] for m, r, op in operations}
    assert by_route[("GET", "/api/v1/charges/{id}/")] == ["charges"]


@pytest.mark.django_db
def test_openapi_every_operation_has_a_summary(operations):
    for method, route, op in operations:
        assert op.get("summary"), (method, route)
    summaries = {(m, r): op["summary"] for m, r, op in operations}
    assert summaries[("GET", "/api/v1/charges/")] == "List charges"
    assert summaries[("POST", "/api/v1/escalations/")] == "Create an escalation"


@pytest.mark.django_db
def test_openapi_every_operation_documents_its_errors_in_the_envelope(operations):
    for method, route, op in operations:
        codes = {"400", "401", "403", "404", "429"}
        if method == "POST":
            codes |= {"409", "413", "415", "422"}
        for code in codes:
            content = op["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (method, route)
