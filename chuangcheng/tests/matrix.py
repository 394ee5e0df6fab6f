"""The machinery of the endpoint × role matrix: routes, personas, requests, scopes.

The routes come from the URLconf (walked recursively) and from the OpenAPI document; the
expectations come from ``access_matrix`` (who may) and from the apps' scope selectors (what
they may see), so a change of scope policy in a selector changes the expectation with it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.apps import apps
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from chuangcheng.cases.selectors import case_list_for_user, todo_for_user
from chuangcheng.conftest import World
from chuangcheng.indicators.selectors import notice_list_for_user, review_queue_for_user, task_list_for_user
from chuangcheng.inspections.selectors import plan_list_for_user
from chuangcheng.inspections.selectors_field import field_segment_list_for_user, field_site_list_for_user
from chuangcheng.notifications.selectors import inbox_for_user
from chuangcheng.org.models import Person
from chuangcheng.org.selectors import person_list_for_user, unit_list_for_user
from chuangcheng.places.selectors import (
    grid_list_for_user,
    segment_list_for_user,
    shop_list_for_user,
    site_list_for_user,
)

from .access_matrix import ANONYMOUS
from .matrix_world import LON, Objects, Side

LOGIN_PATH = "/accounts/login/"
ADMIN_LOGIN_PATH = "/admin/login/"


# ---- routes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One way in: a page (keyed by URL name) or an API operation (keyed "METHOD /api/path")."""

    key: str
    path: str  # Django route ("cases/<int:pk>/") or OpenAPI path ("/api/cases/{case_id}")
    is_api: bool
    method: str = "GET"
    body: Body | None = field(default=None, compare=False)

    @property
    def params(self) -> list[str]:
        if self.is_api:
            return re.findall(r"{(\w+)}", self.path)
        return re.findall(r"<(?:\w+:)?(\w+)>", self.path)


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = p.name or route
            yield (f"{namespace}:{name}" if namespace else name), route


def url_routes() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern, the ninja API's and the admin's included."""
    return list(_walk(get_resolver().url_patterns))


def as_openapi_path(route: str) -> str:
    """ "api/cases/<int:case_id>" → "/api/cases/{case_id}", to meet the OpenAPI document."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def api_operations(schema: dict) -> list[Route]:
    components = schema.get("components", {}).get("schemas", {})
    return [
        Route(
            key=f"{method.upper()} {path}",
            path=path,
            is_api=True,
            method=method.upper(),
            body=body_for(operation, components),
        )
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


# ---- personas ----------------------------------------------------------------------------------


def personas(world: World) -> dict[str, Person | None]:
    """One persona per role, all of unit A's side where the role is unit-scoped."""
    root = Person.objects.create_superuser(username="root", password="x", real_name="系统管理员")
    return {
        ANONYMOUS: None,
        "office": world.office,
        "supervisor": world.supervisor,
        "leader": world.leader,
        "unit_admin": world.admin_a,
        "handler": world.handler_a,
        "road_chief": world.chief_a,
        "inspector": world.inspector,
        "volunteer": world.volunteer,
        "superuser": root,
    }


def other_unit_personas(world: World) -> dict[str, list[Person]]:
    """For each side, the unit-scoped personas of the other side, who must see none of it."""
    return {"a": [world.admin_b, world.chief_b], "b": [world.admin_a, world.handler_a, world.chief_a, world.volunteer]}


def client_for(person: Person | None) -> Client:
    client = Client(raise_request_exception=False)
    if person is not None:
        client.force_login(person)
    return client


# ---- scopes: what a persona may see, from the apps' own selectors --------------------------------


@dataclass(frozen=True)
class ScopeKind:
    """A family of objects: the selector that scopes it and the text that names one in a response."""

    visible: Callable[[Person], Any]  # user → queryset of what they may see
    marker: Callable[[Any], str]


SCOPES: dict[str, ScopeKind] = {
    "case": ScopeKind(lambda u: case_list_for_user(user=u), lambda o: o.code),
    # Open cases near town A's case (where the matrix asks for duplicates): town B's lies far away.
    "duplicate": ScopeKind(lambda u: case_list_for_user(user=u).filter(lon__lt=LON + 0.01), lambda o: o.code),
    "todo": ScopeKind(lambda u: todo_for_user(user=u), lambda o: o.code),
    "photo": ScopeKind(lambda u: _photos(u), lambda o: f"/cases/photo/{o.pk}/"),
    "segment": ScopeKind(lambda u: segment_list_for_user(user=u), lambda o: o.code),
    "grid": ScopeKind(lambda u: grid_list_for_user(user=u), lambda o: o.code),
    "site": ScopeKind(lambda u: site_list_for_user(user=u), lambda o: o.code),
    "shop": ScopeKind(lambda u: shop_list_for_user(user=u), lambda o: o.code),
    "unit": ScopeKind(lambda u: unit_list_for_user(user=u), lambda o: o.name),
    "person": ScopeKind(lambda u: person_list_for_user(user=u), lambda o: o.real_name),
    "task": ScopeKind(lambda u: task_list_for_user(user=u), lambda o: o.code),
    "report": ScopeKind(lambda u: review_queue_for_user(user=u), lambda o: o.narrative),
    "evidence": ScopeKind(lambda u: _evidence(u), lambda o: o.original_name),
    "notice": ScopeKind(lambda u: notice_list_for_user(user=u), lambda o: o.code),
    "notification": ScopeKind(lambda u: inbox_for_user(user=u), lambda o: o.title),
    # inspections (results area)
    "inspection": ScopeKind(lambda u: _inspections(u), lambda o: o.site.name),
    "inspection_photo": ScopeKind(lambda u: _inspection_photos(u), lambda o: f"/inspections/photo/{o.pk}/"),
    # The places a person may inspect with the phone form (inspections.selectors_field).
    "field_site": ScopeKind(lambda u: field_site_list_for_user(user=u), lambda o: o.code),
    "field_segment": ScopeKind(lambda u: field_segment_list_for_user(user=u), lambda o: o.code),
    "plan": ScopeKind(lambda u: plan_list_for_user(user=u), lambda o: o.name),
    # The units whose appraisal detail (figures, traced lists) a person may open.
    "appraisal_unit": ScopeKind(lambda u: _appraisal_units(u), lambda o: o.name),
}


def _appraisal_units(user: Person) -> Any:
    from chuangcheng.appraisal.access import sees_unit_detail
    from chuangcheng.org.models import Unit

    return Unit.objects.filter(pk__in=[unit.pk for unit in Unit.objects.all() if sees_unit_detail(user, unit)])


def _inspections(user: Person) -> Any:
    from chuangcheng.inspections.selectors import inspection_list_for_user

    return inspection_list_for_user(user=user)


def _inspection_photos(user: Person) -> Any:
    from chuangcheng.inspections.models import InspectionPhoto

    return InspectionPhoto.objects.filter(result__inspection__in=_inspections(user).values("pk"))


def _photos(user: Person) -> Any:
    from chuangcheng.cases.models import CasePhoto

    return CasePhoto.objects.filter(case__in=case_list_for_user(user=user).values("pk"))


def _evidence(user: Person) -> Any:
    from django.db.models import Q

    from chuangcheng.indicators.models import Evidence

    return Evidence.objects.filter(
        Q(report__task__in=task_list_for_user(user=user)) | Q(notice__in=notice_list_for_user(user=user))
    )


def sees(person: Person | None, kind: str, obj: Any) -> bool:
    if kind not in SCOPES:
        return True  # a kind without a unit (holiday, category, campaign)
    if person is None:
        return False
    return SCOPES[kind].visible(person).filter(pk=obj.pk).exists()


def object_of(objects: Objects, side: Side, kind: str) -> Any:
    if kind in {"category", "campaign", "holiday", "checklist", "checklist_item", "patrol_rule", "unit_set"}:
        return getattr(objects, kind)
    # ---- appraisal: year-end (county-wide lists, no unit) ----
    if kind.startswith("yearend_"):
        return getattr(objects, kind)
    # ---- end of year-end ----
    if kind in {"todo", "duplicate"}:
        return side.case
    if kind.startswith("field_"):
        return side.get(kind.removeprefix("field_"))
    if kind == "appraisal_unit":
        return side.unit
    return side.get(kind)


# ---- requests ------------------------------------------------------------------------------------


def fingerprint() -> str:
    """A digest of every row of our apps' tables: a refused write must leave it unchanged."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if not model.__module__.startswith("chuangcheng.") or model._meta.model_name == "loginfailure":
            continue
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


@dataclass
class Answer:
    status: int
    location: str
    text: str
    changed: bool
    is_json: bool = False


def listed_ids(text: str) -> list[int] | None:
    """The ids of a JSON list answer (a list, a page's ``items``, a GeoJSON's ``features``); None if not one."""
    data = json.loads(text)
    if isinstance(data, dict):
        data = data.get("items", data.get("features"))
    if not isinstance(data, list) or not all(isinstance(item, dict) and "id" in item for item in data):
        return None
    # A tree (units) lists its nodes' children inside them.
    return [i for item in data for i in [item["id"], *(listed_ids(json.dumps(item.get("children", []))) or [])]]


def response_text(response: HttpResponseBase) -> str:
    """What a response says, as text: HTML, JSON (non-ASCII unescaped), or the cells of an .xlsx."""
    # The test client closes a streamed response itself once its content is read.
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(body), read_only=True)
        return "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
    if "json" in content_type:
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    return body.decode("utf-8", "replace")


def call(
    client: Client,
    method: str,
    url: str,
    *,
    is_api: bool,
    body: Body | None = None,
    watch: bool = False,
    base: str = "",
) -> Answer:
    """One request, rolled back afterwards so that every persona meets the same world.

    The client's cookies are restored too: a logout or a password change must not log the
    persona out of the next request.
    """
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif is_api and body is not None and body.multipart:
            response = client.generic(method, url, **_multipart(body.data), HTTP_IDEMPOTENCY_KEY="matrix")
        elif is_api:
            data = json.dumps(body.data if body else {})
            response = client.generic(method, url, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="matrix")
        else:
            response = client.post(url, {})
        text = response_text(response)
        changed = watch and fingerprint() != base
        transaction.set_rollback(True)
    client.cookies = cookies
    is_json = "json" in response.get("Content-Type", "")
    return Answer(response.status_code, response.get("Location", ""), text, changed, is_json)


# ---- request bodies from the OpenAPI document ---------------------------------------------------------


@dataclass
class Body:
    """A request body that passes the schema, so a refusal comes from the permission check, not from a 422."""

    data: dict
    multipart: bool


def body_for(operation: dict, components: dict) -> Body | None:
    content = operation.get("requestBody", {}).get("content", {})
    for media_type, spec in content.items():
        return Body(data=example(spec["schema"], components), multipart=media_type.startswith("multipart/"))
    return None


def example(node: dict, components: dict) -> Any:
    """A small value that the JSON schema ``node`` accepts: required properties only."""
    if "$ref" in node:
        return example(components[node["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            return example(options[0], components)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "object":
        props = node.get("properties", {})
        return {name: example(props[name], components) for name in node.get("required", []) if name in props}
    if kind == "array":
        return [example(node["items"], components)] if node.get("minItems") else []
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return float(max(1, node.get("minimum", 1)))
    if kind == "boolean":
        return True
    formats = {"date": "2026-12-01", "date-time": "2026-12-01T09:00:00+08:00", "binary": b"not a workbook"}
    return formats.get(node.get("format", ""), "矩阵测试")


def _multipart(data: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import encode_multipart

    files = {k: SimpleUploadedFile("matrix.xlsx", v) if isinstance(v, bytes) else v for k, v in data.items()}
    boundary = "matrixboundary"
    return {"data": encode_multipart(boundary, files), "content_type": f"multipart/form-data; boundary={boundary}"}
