"""The OpenAPI document tells the truth a generated client relies on.

Walks every operation of ``/api/openapi.json``: integer inputs are bounded, each component is
the one class of that name, file answers are declared with their real media type, and a
required header is documented as required.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from ninja import Schema
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema

from chuangcheng.api import NUL_FREE, api

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def of_type(kind: str, where: str, schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Iterator:
    """Every ``kind`` schema inside ``schema`` (through refs, unions, arrays and objects)."""
    if depth > 20:
        return
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    types = schema.get("type")
    if types == kind or (isinstance(types, list) and kind in types):
        yield where, schema
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from of_type(kind, where, part, components, depth + 1)
    if isinstance(schema.get("items"), dict):
        yield from of_type(kind, f"{where}[]", schema["items"], components, depth + 1)
    for name, part in schema.get("properties", {}).items():
        yield from of_type(kind, f"{where}.{name}", part, components, depth + 1)


def inputs_of_type(kind: str, document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every ``kind`` schema a client sends: parameters and request bodies of every operation."""
    components = document["components"]["schemas"]
    found = []
    for name, operation in operations(document):
        for parameter in operation.get("parameters", []):
            where = f"{name} {parameter['in']}:{parameter['name']}"
            found += of_type(kind, where, parameter["schema"], components)
        for media in operation.get("requestBody", {}).get("content", {}).values():
            found += of_type(kind, f"{name} body", media["schema"], components)
    return found


def integer_inputs(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return inputs_of_type("integer", document)


def strings(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return inputs_of_type("string", document)


def bounded(schema: dict[str, Any]) -> bool:
    low = "minimum" in schema or "exclusiveMinimum" in schema
    high = "maximum" in schema or "exclusiveMaximum" in schema
    return low and high and schema.get("maximum", 0) <= 2**63 - 1


def test_every_integer_a_client_sends_is_bounded(document):
    found = integer_inputs(document)
    unbounded = sorted(where for where, schema in found if not bounded(schema))

    assert len(found) > 40, "the walk must see the ids, pages and counts of every operation"
    assert not unbounded, f"integer inputs without minimum and maximum: {unbounded}"


def test_paging_cannot_reach_an_offset_the_database_cannot_hold(document):
    pages = [(where, s) for where, s in integer_inputs(document) if where.endswith(("query:page", "query:page_size"))]
    page = max(s["maximum"] for where, s in pages if where.endswith(":page"))
    size = max(s["maximum"] for where, s in pages if where.endswith(":page_size"))

    assert pages and page * size < 2**63 - 1


def schema_classes() -> dict[str, set[type]]:
    by_name: dict[str, set[type]] = defaultdict(set)
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("chuangcheng."):
            by_name[cls.__name__].add(cls)
    return by_name


def test_no_two_schema_classes_share_a_component_name():
    shared = {
        name: sorted(f"{c.__module__}.{c.__name__}" for c in classes) for name, classes in schema_classes().items()
    }
    shared = {name: where for name, where in shared.items() if len(where) > 1}

    assert len(schema_classes()) > 50
    assert not shared, f"classes that would collapse into one OpenAPI component: {shared}"


def operation_models() -> Iterator[tuple[str, type, str]]:
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    if isinstance(model, type):
                        yield f"{prefix}{path}", model, "serialization"
                for model in operation.models:
                    yield f"{prefix}{path}", model, "validation"


def test_every_component_is_the_shape_of_the_class_that_uses_it(document):
    # Ninja merges the definitions of all operations into one namespace: a name shared by two
    # classes keeps the last one, and the other operation's answers no longer match the document.
    components = document["components"]["schemas"]
    wrong, checked = [], 0
    for where, model, mode in operation_models():
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode)
        for name, definition in schema.get("$defs", {}).items():
            checked += 1
            if _without_nul_pattern(components.get(name)) != definition:
                wrong.append(f"{name} (used by {where})")

    assert checked > 100
    assert not wrong, f"components that differ from their class: {sorted(set(wrong))}"


def _without_nul_pattern(schema: Any) -> Any:
    """The document adds a NUL-free pattern to every text input (``chuangcheng.api._document_nul_free``)."""
    if isinstance(schema, dict):
        return {k: _without_nul_pattern(v) for k, v in schema.items() if not (k == "pattern" and v == NUL_FREE)}
    if isinstance(schema, list):
        return [_without_nul_pattern(v) for v in schema]
    return schema


def test_every_text_input_is_documented_as_free_of_nul(document):
    components = document["components"]["schemas"]
    texts = [
        where
        for where, schema in strings(document)
        if not {"enum", "const", "format"} & schema.keys() and schema.get("pattern") != NUL_FREE
    ]
    assert not texts or all(where.endswith("Idempotency-Key") for where in texts), texts
    assert components["ReasonIn"]["properties"]["reason"]["pattern"] == NUL_FREE


def test_the_geojson_export_is_declared_as_json_not_binary(document):
    answer = document["paths"]["/api/places/export/{kind}.geojson"]["get"]["responses"]["200"]
    schema = answer["content"]["application/geo+json"]["schema"]

    assert schema.get("format") != "binary"
    assert schema["type"] == "object" and "features" in schema["properties"]


def test_file_answers_are_declared_with_their_media_type(document):
    for name, operation in operations(document):
        for media, content in operation["responses"].get("200", {}).get("content", {}).items():
            if content["schema"].get("format") == "binary":
                assert media.endswith("spreadsheetml.sheet"), f"{name} declares {media} as binary"


@pytest.mark.parametrize("path", ["/api/cases/", "/api/indicators/tasks/{task_id}/reports"])
def test_the_idempotency_key_is_documented_as_required(document, path):
    parameters = document["paths"][path]["post"]["parameters"]
    keys = [p for p in parameters if p["name"] == "Idempotency-Key"]

    assert len(keys) == 1
    assert keys[0]["required"] is True and keys[0]["in"] == "header"
    assert keys[0]["schema"]["maxLength"] == 64


def test_every_operation_documents_its_error_answers(document):
    for name, operation in operations(document):
        answers = operation["responses"]
        assert "default" in answers, name
        if operation.get("security"):
            assert "401" in answers, name
        if operation.get("parameters") or operation.get("requestBody"):
            assert answers["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ValidationErrorOut")
