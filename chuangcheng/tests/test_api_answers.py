"""Every answer under /api/ is JSON, and no number a client can send is a 500.

The integer sweep reads the OpenAPI document: each integer query or path parameter of every
operation is sent one past the database's range (2**63) and must be a 422 with a Chinese message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chuangcheng.core.schemas import MAX_PAGE

BEYOND = 2**63  # one past the largest id SQLite and PostgreSQL can hold
FILLERS = {"kind": "segment", "code": "X01", "campaign_code": "X01"}  # the other path parameters


def json_of(response) -> Any:
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:200])
    return json.loads(response.content)


def document(client) -> dict[str, Any]:
    return json.loads(client.get("/api/openapi.json").content)


def is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(part.get("type") == "integer" for part in schema.get("anyOf", []))


def integer_parameters(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("query", "path") and is_integer(parameter["schema"]):
                    found.append((method, path, parameter))
    return found


def request_with(client, method: str, path: str, parameter: dict[str, Any], value: Any):
    url = path.format(**{**FILLERS, **dict.fromkeys(_path_names(path), 1), parameter["name"]: value})
    query = {parameter["name"]: value} if parameter["in"] == "query" else {}
    if method == "get":
        return client.get(url, query)
    return client.generic(method.upper(), url + (f"?{parameter['name']}={value}" if query else ""))


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


@pytest.mark.django_db
def test_every_integer_parameter_beyond_the_database_range_is_a_422(client, world):
    client.force_login(world.office)
    params = integer_parameters(document(client))
    refused = []
    for method, path, parameter in params:
        response = request_with(client, method, path, parameter, BEYOND)
        body = json_of(response)
        refused.append((f"{method} {path} {parameter['name']}", response.status_code))
        assert response.status_code == 422, (method, path, parameter["name"], response.status_code)
        assert any(parameter["name"] in issue["loc"] and "不能大于" in issue["msg"] for issue in body["detail"])

    assert len(refused) > 40  # ids, filters, pages and limits across every app


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/cases/?unit=9223372036854775808",
        "/api/cases/?page=184467440737095518",
        "/api/places/segments?unit=9223372036854775808",
        "/api/org/people?unit=9223372036854775808",
        "/api/notifications/?page=184467440737095518",
    ],
)
def test_the_numbers_of_the_probe_are_refused_with_a_message(client, world, url):
    client.force_login(world.office)

    response = client.get(url)

    assert response.status_code == 422
    assert "不能大于" in json_of(response)["detail"][0]["msg"]


@pytest.mark.django_db
def test_a_page_beyond_the_last_is_empty_not_an_error(client, world):
    from chuangcheng.appraisal import services as appraisal

    client.force_login(world.office)
    lists = [path for method, path, p in integer_parameters(document(client)) if p["name"] == "page"]
    today = timezone.localdate()
    scheme = appraisal.scheme_create_default(by=world.office)
    run = appraisal.month_run_create(scheme=scheme, by=world.office, year=today.year, month=today.month)
    fillers = {**FILLERS, "run_id": run.pk, "unit_id": world.town_a.pk, "kind": "on_time_handle", "part": "den"}

    for path in lists:
        url = path.format(**fillers)
        body = json_of(client.get(url, {"page": MAX_PAGE, "page_size": 10_000}))
        assert body["items"] == [] and body["count"] >= 0, path
    assert len(lists) >= 9


@pytest.mark.django_db
def test_marking_messages_read_refuses_an_id_beyond_the_range(client, world):
    client.force_login(world.office)

    response = client.post("/api/notifications/read", {"ids": [BEYOND]}, content_type="application/json")

    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method,url",
    [
        ("POST", "/api/cases/abc/handle"),
        ("GET", "/api/cases/abc"),
        ("GET", "/api/indicators/tasks/abc"),
        ("GET", "/api/nothing/here"),
        ("POST", "/api/nothing/here"),
        ("GET", "/api/places/segments/1/extra"),
    ],
)
def test_an_unknown_api_path_is_a_json_404(client, world, method, url):
    client.force_login(world.office)

    response = client.generic(method, url)

    assert response.status_code == 404
    assert "接口不存在" in json_of(response)["detail"]


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404_for_anonymous_callers_too(client):
    response = client.get("/api/cases/abc/handle")

    assert response.status_code == 404
    assert json_of(response)["detail"]


@pytest.mark.django_db
def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(client, world):
    client.force_login(world.office)

    response = client.delete("/api/cases/")

    assert response.status_code == 405
    assert "GET" in response["Allow"] and "DELETE" in json_of(response)["detail"]


@pytest.mark.django_db
def test_a_failed_csrf_check_is_a_json_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)

    response = client.post("/api/notifications/read-all")

    assert response.status_code == 403
    assert "CSRF" in json_of(response)["detail"]


@pytest.mark.django_db
def test_a_post_to_an_unknown_path_without_a_csrf_token_is_a_json_404_not_the_csrf_page(world):
    # Found by the fuzz: the catch-all was the only API view under Django's HTML CSRF check.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)

    response = client.post("/api/cases/false/resume", {"note": "x"}, content_type="application/json")

    assert response.status_code == 404
    assert "接口不存在" in json_of(response)["detail"]


@pytest.mark.django_db
def test_a_get_without_its_trailing_slash_still_redirects(client, world):
    client.force_login(world.office)

    response = client.get("/api/cases", {"page": 2})

    assert response.status_code == 301
    assert response["Location"] == "/api/cases/?page=2"
