"""The JSON API: one NinjaAPI, each app contributes a router from its api.py.

Two promises hold for every path under ``/api/``, whatever a router adds:

* every answer is JSON: an unknown path or a path parameter of the wrong type (``/api/cases/abc/handle``)
  is a JSON 404, a wrong method a JSON 405, a refused CSRF check a JSON 403;
* the OpenAPI document tells the truth a generated client needs: every operation documents its
  error answers (401, 422 and the ``{detail, code}`` of every other refusal).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth
from pydantic import BaseModel

from chuangcheng.appraisal.api import router as appraisal_router
from chuangcheng.cases.api import router as cases_router
from chuangcheng.core.errors import DomainError
from chuangcheng.core.schemas import ErrorOut
from chuangcheng.indicators.api import router as indicators_router
from chuangcheng.inspections.api import router as inspections_router
from chuangcheng.notifications.api import router as notifications_router
from chuangcheng.org.api import router as org_router
from chuangcheng.places.api import router as places_router

UNKNOWN_PATH = "api-unknown-path"


class ValidationIssueOut(Schema):
    type: str = Field(description="校验错误类型，如 missing、less_than_equal")
    loc: list[str | int] = Field(description='出错的位置，如 ["query", "page"]')
    msg: str = Field(description="中文说明")


class ValidationErrorOut(Schema):
    detail: list[ValidationIssueOut]


class ChuangchengAPI(NinjaAPI):
    """NinjaAPI whose URLs answer JSON for every path and method, and whose document lists the errors."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        # Last: anything the routers did not match, including a path parameter the converter refused.
        urls.append(re_path(r"^.*$", unknown_path, name=UNKNOWN_PATH))
        return urls

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        document = super().get_openapi_schema(**kwargs)
        _document_errors(document)
        _document_nul_free(document)
        _document_required_files(document)
        return document


api = ChuangchengAPI(
    title="创城 chuangcheng API",
    version="1",
    description="三城同创工作平台的 JSON 接口。登录后使用（会话 Cookie + CSRF）。",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/org/", org_router)
api.add_router("/places/", places_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/cases/", cases_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/inspections/", inspections_router)
api.add_router("/appraisal/", appraisal_router)


# ----- every answer is JSON ------------------------------------------------------------------------


@csrf_exempt  # like every ninja view: Django's CSRF page is HTML; the API's own checks answer JSON
def unknown_path(request: HttpRequest) -> HttpResponse:
    """No route: a JSON 404 (a GET without its trailing slash is redirected, as Django would)."""
    slashed = request.path + "/"
    if request.method in ("GET", "HEAD") and not request.path.endswith("/") and _is_route(slashed):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(slashed + (f"?{query}" if query else ""))
    return api.create_response(request, {"detail": _("接口不存在：%(path)s") % {"path": request.path}}, status=404)


def _is_route(path: str) -> bool:
    try:
        return resolve(path).url_name != UNKNOWN_PATH
    except Resolver404:
        return False


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with a plain-text 405; keep its Allow header, answer JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith("application/json"):
            return response
        detail = _("不支持 %(method)s 方法，可用：%(allowed)s") % {
            "method": request.method,
            "allowed": response.get("Allow", ""),
        }
        answer = api.create_response(request, {"detail": detail}, status=405)
        answer["Allow"] = response.get("Allow", "")
        return answer

    return wrapper


def refuse_nul(operation: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse a NUL character in any validated input (files may hold any bytes).

    PostgreSQL cannot store NUL in text, so one reaching a query is a 500 there; the pages'
    forms refuse it (Django's ProhibitNullCharactersValidator), and this does for the API.
    It runs after validation, so only the fields an operation declares are looked at.
    """

    @wraps(operation)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            if (where := _nul_at(value)) is not None:
                raise ValidationError([{"type": "nul_character", "loc": [name, *where], "msg": "NUL"}])
        return operation(request, *args, **kwargs)

    return wrapper


def _nul_at(value: Any) -> list[str | int] | None:
    """The path to the first string holding a NUL, or None."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, str):
        return [] if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if (inner := _nul_at(item)) is not None:
            return [key, *inner]
    return None


api.add_decorator(refuse_nul, mode="operation")


# ----- errors --------------------------------------------------------------------------------------

# A DomainError is a 400 unless its code says more: the actor may not do this (403), or the
# object changed under them (409, e.g. another dispatcher acted first).
DOMAIN_ERROR_STATUS = {"forbidden": 403, "conflict": 409}


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    status = DOMAIN_ERROR_STATUS.get(exc.code, 400)
    return api.create_response(request, {"detail": exc.message, "code": exc.code}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The selectors' messages ("路段不存在") are the same for a missing and an unseen object.
    return api.create_response(request, {"detail": str(exc) or _("不存在")}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("没有权限")}, status=403)


# Pydantic's messages are English; the user reads Chinese. Unlisted types keep pydantic's text.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_parsing": gettext_lazy("应为数字"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "date_parsing": gettext_lazy("应为日期，如 2026-05-01"),
    "date_from_datetime_parsing": gettext_lazy("应为日期，如 2026-05-01"),
    "datetime_parsing": gettext_lazy("应为日期时间"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "less_than": gettext_lazy("应小于 %(lt)s"),
    "greater_than": gettext_lazy("应大于 %(gt)s"),
    "string_too_long": gettext_lazy("不能超过 %(max_length)s 个字符"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字符"),
    "too_long": gettext_lazy("最多 %(max_length)s 项"),
    "enum": gettext_lazy("不是可选的值：%(expected)s"),
    "literal_error": gettext_lazy("不是可选的值：%(expected)s"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "decimal_max_digits": gettext_lazy("数字位数过多"),
    "decimal_max_places": gettext_lazy("小数位数过多"),
    "nul_character": gettext_lazy("不能包含空字符（NUL）"),
}


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    issues = [{**issue, "msg": _validation_message(issue)} for issue in exc.errors]
    return api.create_response(request, {"detail": issues}, status=422)


def _validation_message(issue: dict[str, Any]) -> str:
    template = VALIDATION_MESSAGES.get(issue.get("type", ""))
    try:
        return str(template) % issue.get("ctx", {}) if template else str(issue.get("msg", ""))
    except (KeyError, TypeError, ValueError):
        return str(issue.get("msg", ""))


# ----- the document --------------------------------------------------------------------------------


def _document_errors(document: OpenAPISchema) -> None:
    """Add the answers every operation can give: 401 when it needs a login, 422 on bad input, else ``ErrorOut``."""
    schemas = document["components"].setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(definition.pop("$defs", {}))
        schemas[model.__name__] = definition
    for operations in document["paths"].values():
        for operation in operations.values():
            answers = operation["responses"]
            if operation.get("security"):
                answers.setdefault(401, _answer("未登录", "ErrorOut"))
            if operation.get("parameters") or operation.get("requestBody"):
                answers.setdefault(422, _answer("参数校验失败（逐项说明）", "ValidationErrorOut"))
            answers.setdefault("default", _answer("其他错误（400、403、404、405、409 等）：中文说明", "ErrorOut"))


def _answer(description: str, component: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


NUL_FREE = "^[^\\u0000]*$"


def _document_nul_free(document: OpenAPISchema) -> None:
    """Every text input says what ``refuse_nul`` enforces: no NUL character."""
    components = document["components"]["schemas"]
    seen: set[int] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _nul_free(parameter["schema"], components, seen)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _nul_free(media["schema"], components, seen)


def _nul_free(schema: dict[str, Any], components: dict[str, Any], seen: set[int]) -> None:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if id(schema) in seen:
        return
    seen.add(id(schema))
    if schema.get("type") == "string" and not {"enum", "const", "format", "pattern"} & schema.keys():
        schema["pattern"] = NUL_FREE
    for part in [*schema.get("anyOf", []), *schema.get("allOf", []), *schema.get("properties", {}).values()]:
        _nul_free(part, components, seen)
    if isinstance(schema.get("items"), dict):
        _nul_free(schema["items"], components, seen)


def _document_required_files(document: OpenAPISchema) -> None:
    """A required file part must hold bytes: an empty one is dropped by the form parser, i.e. missing."""
    for operations in document["paths"].values():
        for operation in operations.values():
            form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
            schema = form.get("schema", {})
            for name in schema.get("required", []):
                part = schema["properties"].get(name, {})
                if part.get("format") == "binary":
                    part.setdefault("minLength", 1)
