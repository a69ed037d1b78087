"""The OpenAPI document is valid, describes every field, and the endpoints return
exactly what it says (no undeclared keys, every declared key present)."""

import copy

import jsonschema
import pytest
from drf_spectacular.validation import validate_schema

from tests import factories as f
from tests.api.conftest import build_tree, rich_document


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def strict(node):
    """OpenAPI 3.0 → JSON Schema: nullable becomes a null alternative, and objects with
    declared properties accept nothing else."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    # Formats are not checked here, so '' satisfies both branches of the schema's
    # "blank or a URI" oneOf; anyOf says what the schema means.
    if "oneOf" in node:
        node["anyOf"] = node.pop("oneOf")
    if node.get("type") == "object" and "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def check(schema, template, response):
    assert response.status_code == 200, response.content
    operation = schema["paths"][template]["get"]
    body_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    document = {"components": strict(copy.deepcopy(schema["components"]))}
    validator = jsonschema.Draft202012Validator({**document, **strict(body_schema)})
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_every_field_is_described(schema):
    undescribed = []

    def walk(name, node):
        for prop, spec in node.get("properties", {}).items():
            described = spec.get("description") or (
                "allOf" in spec and any("description" in s for s in spec["allOf"])
            )
            if not described:
                undescribed.append(f"{name}.{prop}")

    for name, component in schema["components"]["schemas"].items():
        if name.startswith("Paginated"):
            continue
        walk(name, component)
    assert not undescribed, undescribed


def test_responses_match_the_schema(client, staff_client, schema):
    repository, papers, folder = build_tree()
    doc = rich_document(unit=folder, n_related=2)
    doc.sender = f.AgentFactory()
    doc.save()
    agent = doc.agent_roles.first().agent
    f.AgentNameFactory(agent=agent)
    run = f.ImportRunFactory()
    event = doc.events.first()
    f.SubjectFactory()
    v1 = "/api/v1"
    cases = [
        (f"{v1}/documents/", f"{v1}/documents/"),
        (f"{v1}/documents/{{id}}/", f"{v1}/documents/{doc.pk}/"),
        (f"{v1}/agents/", f"{v1}/agents/"),
        (f"{v1}/agents/{{id}}/", f"{v1}/agents/{agent.pk}/"),
        (f"{v1}/repositories/", f"{v1}/repositories/"),
        (f"{v1}/repositories/{{id}}/", f"{v1}/repositories/{repository.pk}/"),
        (f"{v1}/units/", f"{v1}/units/"),
        (f"{v1}/units/{{id}}/", f"{v1}/units/{folder.pk}/"),
        (f"{v1}/units/{{id}}/children/", f"{v1}/units/{papers.pk}/children/"),
        (f"{v1}/units/{{id}}/ancestors/", f"{v1}/units/{folder.pk}/ancestors/"),
        (f"{v1}/classifications/", f"{v1}/classifications/"),
        (f"{v1}/caveats/", f"{v1}/caveats/"),
        (f"{v1}/subjects/", f"{v1}/subjects/"),
        (f"{v1}/events/", f"{v1}/events/"),
        (f"{v1}/events/{{id}}/", f"{v1}/events/{event.pk}/"),
        (f"{v1}/import-runs/", f"{v1}/import-runs/"),
        (f"{v1}/import-runs/{{id}}/", f"{v1}/import-runs/{run.pk}/"),
    ]
    for template, url in cases:
        check(schema, template, staff_client.get(url))


def test_schema_check_catches_an_undeclared_key(schema, client):
    """The conformance check above is not vacuous."""
    doc = rich_document()
    response = client.get(f"/api/v1/documents/{doc.pk}/")
    data = response.json()
    data["surprise"] = 1
    response.json = lambda: data
    with pytest.raises(AssertionError, match="surprise"):
        check(schema, "/api/v1/documents/{id}/", response)


def test_docs_are_served_without_a_cdn(client, db):
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
