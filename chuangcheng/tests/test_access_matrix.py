"""The endpoint × role matrix: every route, every role, town A's objects and town B's.

Generated from the URLconf and the OpenAPI document, checked against the committed table in
``access_matrix``. Each test collects every mismatch and reports them all at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from chuangcheng.core.tests.mbtiles_helpers import png, write_mbtiles

from . import matrix
from .access_matrix import ADMIN, ADMIN_OPEN, ANONYMOUS, API, PAGES, ROLES, Entry
from .matrix import Answer, Route, call, client_for, object_of, sees
from .matrix_world import Objects, build

API_PREFIX = "api/"
SCHEMA_URL = "/api/openapi.json"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    public = settings.MEDIA_ROOT / "public"
    public.mkdir(parents=True)
    (public / "matrix.txt").write_text("public file")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def tiles_file(settings, tmp_path):
    """The county's own base map, with the tile the matrix asks for (core:tile)."""
    settings.MAP_TILES_FILE = str(write_mbtiles(tmp_path / "county.mbtiles", {(0, 0, 0): png((0, 160, 0), 16)}))


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def schema(client) -> dict:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def setup(world):
    objects = build(world)
    people = matrix.personas(world)
    clients = {role: client_for(person) for role, person in people.items()}
    return objects, people, clients, matrix.fingerprint()


# ---- the routes and their entries ---------------------------------------------------------------------


def page_routes() -> list[Route]:
    """The URLconf's routes outside the ninja API, plus the API's own non-operation pages."""
    return [
        Route(key=name, path=route, is_api=False) for name, route in matrix.url_routes() if not _is_operation(route)
    ]


def _is_operation(route: str) -> bool:
    return route.startswith(API_PREFIX) and route not in API_PAGES


# The ninja API's routes that are not operations: its document, its docs page, its root and
# the catch-all that answers JSON 404 for unknown paths.
API_PAGES = {"api/openapi.json", "api/docs", "api/", "api/^.*$"}


def entry_for(route: Route) -> Entry:
    if route.is_api:
        return API[route.key]
    if route.key.startswith("admin:"):
        return ADMIN_OPEN.get(route.key, ADMIN)
    return PAGES[route.key]


def test_every_route_has_an_entry_and_every_entry_a_route(schema):
    pages = {r.key for r in page_routes() if not r.key.startswith("admin:")}
    operations = {r.key for r in matrix.api_operations(schema)}
    documented_paths = {r.path for r in matrix.api_operations(schema)}
    undocumented = {
        route
        for _name, route in matrix.url_routes()
        if _is_operation(route) and matrix.as_openapi_path(route) not in documented_paths
    }

    assert sorted(pages - PAGES.keys()) == [], "pages without an entry in access_matrix.PAGES"
    assert sorted(PAGES.keys() - pages) == [], "entries in access_matrix.PAGES for pages that no longer exist"
    assert sorted(operations - API.keys()) == [], "API operations without an entry in access_matrix.API"
    assert sorted(API.keys() - operations) == [], "entries in access_matrix.API for operations that no longer exist"
    assert sorted(undocumented) == [], "API routes in the URLconf that the OpenAPI document does not describe"


# ---- one request, judged ------------------------------------------------------------------------------


def fill(route: Route, entry: Entry, obj: Any, objects: Objects) -> str:
    """The route's URL with its parameters filled: the entry's, else the object's id."""

    def value(name: str) -> str:
        if name in entry.params:
            return entry.params[name].format(**placeholders(objects))
        assert obj is not None, f"{route.key}: no value for <{name}>"
        return str(obj.pk)

    pattern = r"{(\w+)}" if route.is_api else r"<(?:\w+:)?(\w+)>"
    url = re.sub(pattern, lambda m: value(m.group(1)), route.path)
    url = url if url.startswith("/") else "/" + url
    if entry.query:
        url += "?" + entry.query.format(**placeholders(objects))
    return url


def placeholders(objects: Objects) -> dict[str, Any]:
    """What a path, query or body may name: the category, the spot of town A's case, the appraisal's objects."""
    return {
        "category": objects.category.pk,
        "lon": objects.a.case.lon,
        "lat": objects.a.case.lat,
        **objects.appraisal.ids(),
    }


def body_of(route: Route, entry: Entry, objects: Objects) -> matrix.Body | None:
    if route.body is None or not entry.body:
        return route.body
    extra = {k: v.format(**placeholders(objects)) for k, v in entry.body.items()}
    return matrix.Body(data={**route.body.data, **extra}, multipart=route.body.multipart)


def refusal_problem(route: Route, entry: Entry, role: str, answer: Answer) -> str | None:
    """None when the answer is a proper refusal for this kind of route and caller."""
    if answer.changed:
        return "refused but the data changed"
    if not entry.roles:
        return None if answer.status == 404 else f"a route for nobody must be a 404, got {answer.status}"
    if role == ANONYMOUS and not route.is_api:
        login = matrix.ADMIN_LOGIN_PATH if route.key.startswith("admin:") else matrix.LOGIN_PATH
        ok = answer.status == 302 and answer.location.startswith(login)
        return None if ok else f"expected 302 to {login}, got {answer.status} {answer.location}"
    if role == ANONYMOUS:
        return None if answer.status == 401 else f"expected 401, got {answer.status}"
    if route.key.startswith("admin:"):
        ok = answer.status == 302 and answer.location.startswith(matrix.ADMIN_LOGIN_PATH)
        return None if ok else f"expected 302 to the admin login, got {answer.status} {answer.location}"
    return None if answer.status in {403, 404} else f"expected 403/404, got {answer.status} {answer.location}"


def allowed_problem(route: Route, method: str, answer: Answer) -> str | None:
    if answer.status >= 500:
        return f"server error {answer.status}"
    if method != "GET" or route.key.startswith("admin:"):
        # A write with a minimal body may fairly answer 4xx; the admin refuses some views of
        # history (append-only rows) and missing ids by its own rules.
        return None
    if 200 <= answer.status < 400 and not answer.location.startswith(matrix.LOGIN_PATH):
        return None
    return f"expected 2xx/3xx, got {answer.status} {answer.location}"


def list_problems(entry: Entry, person: Any, answer: Answer, objects: Objects) -> list[str]:
    """Town A's and town B's object of the listed kind: shown exactly when the selector lets the caller see it."""
    problems = []
    kind = entry.lists
    assert kind is not None
    for tag, side in (("a", objects.a), ("b", objects.b)):
        obj = object_of(objects, side, kind)
        visible = sees(person, kind, obj)
        shown = matrix.SCOPES[kind].marker(obj) in answer.text
        if visible != shown:
            problems.append(f"{kind} of town {tag} {'missing' if visible else 'LEAKED'}")
    returned = matrix.listed_ids(answer.text) if answer.is_json else None
    if returned is not None:
        expected = set(matrix.SCOPES[kind].visible(person).values_list("pk", flat=True))
        if set(returned) != expected:
            problems.append(f"{kind} ids {sorted(returned)} are not the selector's {sorted(expected)}")
    return problems


def judge(
    route: Route, entry: Entry, role: str, person: Any, answer: Answer, allowed: bool, method: str, objects: Objects
) -> list[str]:
    if answer.status >= 500:
        return [f"server error {answer.status}"]
    problem = allowed_problem(route, method, answer) if allowed else refusal_problem(route, entry, role, answer)
    problems = [problem] if problem else []
    if allowed and not problems and entry.lists and method == "GET" and answer.status == 200:
        problems += list_problems(entry, person, answer, objects)
    return problems


# ---- the passes ------------------------------------------------------------------------------------------


def all_routes(schema: dict) -> Iterator[tuple[Route, Entry]]:
    for route in page_routes():
        yield route, entry_for(route)
    for route in matrix.api_operations(schema):
        yield route, entry_for(route)


def methods_of(route: Route, entry: Entry) -> tuple[str, ...]:
    return (route.method,) if route.is_api else entry.methods


def report(failures: list[str], requests: int) -> None:
    print(f"\n{requests} requests")
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says_on_every_route(role, schema, setup):
    objects, people, clients, base = setup
    person, client = people[role], clients[role]
    failures, requests = [], 0
    for route, entry in all_routes(schema):
        obj = object_of(objects, objects.a, entry.obj) if entry.obj else None
        allowed = role in entry.roles and (obj is None or sees(person, entry.obj, obj))  # type: ignore[arg-type]
        url = _url_or_none(route, entry, obj, objects)
        if url is None:
            continue
        for method in methods_of(route, entry):
            answer = call(
                client,
                method,
                url,
                is_api=route.is_api,
                body=body_of(route, entry, objects),
                watch=not allowed and method != "GET",
                base=base,
            )
            requests += 1
            for problem in judge(route, entry, role, person, answer, allowed, method, objects):
                failures.append(f"{role:>10} {method:4} {route.key} ({url}): {problem}")
    report(failures, requests)


def _url_or_none(route: Route, entry: Entry, obj: Any, objects: Objects) -> str | None:
    if route.key.startswith("admin:"):
        return _admin_url(route)
    return fill(route, entry, obj, objects)


def _admin_url(route: Route) -> str | None:
    """Admin routes with ids get "1" (the admin answers a missing object itself); the app index gets "org"."""
    if "(?P<url>" in route.path:
        return None  # the catch-all that answers 404 for unknown admin paths
    if "(?P<app_label>" in route.path:
        return reverse(route.key, kwargs={"app_label": "org"})
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route.path)


def cross_unit_cases(schema: dict) -> Iterator[tuple[Route, Entry]]:
    for route, entry in all_routes(schema):
        if entry.obj in matrix.SCOPES:
            yield route, entry


@pytest.mark.parametrize("tag", ["a", "b"])
def test_another_units_persona_never_gets_an_object_of_this_unit(tag, schema, setup, world):
    objects, _people, _clients, _base = setup
    strangers = matrix.other_unit_personas(world)[tag]
    clients = {p.pk: client_for(p) for p in strangers}
    base = matrix.fingerprint()  # after the logins, which stamp last_login
    side = objects.a if tag == "a" else objects.b
    failures, requests = [], 0
    for route, entry in cross_unit_cases(schema):
        obj = object_of(objects, side, entry.obj)  # type: ignore[arg-type]
        url = fill(route, entry, obj, objects)
        body = body_of(route, entry, objects)
        for person in strangers:
            if sees(person, entry.obj, obj):  # type: ignore[arg-type]
                failures.append(f"{person.username} may see town {tag}'s {entry.obj} by its selector")
            for method in methods_of(route, entry):
                watch = method != "GET"
                answer = call(clients[person.pk], method, url, is_api=route.is_api, body=body, watch=watch, base=base)
                requests += 1
                if answer.status not in {403, 404} or answer.changed:
                    changed = " and changed data" if answer.changed else ""
                    failures.append(f"{person.username:>10} {method:4} {route.key} ({url}): {answer.status}{changed}")
    report(failures, requests)
