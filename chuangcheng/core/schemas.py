"""API shapes shared by every app's router, and the bounded integers every API input uses.

Every integer a client sends (an id, a page, a count) is one of the annotated types below, so
the schema bounds it: a number the database cannot hold (ids are 64-bit) is a 422 with a
message instead of an ``OverflowError`` deep in the driver. ``core/tests/test_api_schema``
walks the OpenAPI document and fails on any integer input without both bounds.
"""

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

# The largest integer a query can carry: BigAutoField ids, SQLite's INTEGER, PostgreSQL's bigint.
DB_INT_MAX = 2**63 - 1
# Pages a list can be asked for: page * page_size must stay far below DB_INT_MAX (offsets are SQL).
MAX_PAGE = 1_000_000
MAX_IDEMPOTENCY_KEY = 64

Id = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
"""A primary key in a path, a filter or a body."""

Count = Annotated[int, Field(ge=0, le=DB_INT_MAX)]
"""A non-negative number whose range the endpoint clamps itself (e.g. a feature limit)."""

Percent = Annotated[int, Field(ge=0, le=100)]

Text = Annotated[str, Field(min_length=1)]
"""A required text field: an empty one is refused by the schema (multipart clients drop empty fields)."""


class Pagination(PageNumberPagination):
    """Ninja's page-number pagination with bounded ``page`` and ``page_size``.

    A page beyond the last is an empty ``items`` list (with the true ``count``); a requested
    size above the endpoint's maximum is capped to it, as before.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 起")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE, description="每页条数（超过上限按上限）")


class NamedRef(Schema):
    """A related row as ``{id, name}``: enough to show it and to fetch its detail endpoint."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class ErrorOut(Schema):
    """Every refused request: a Chinese message, and for a domain rule its code."""

    detail: str = Field(description="中文说明")
    code: str = Field("", description="错误代码，如 forbidden、conflict、photo_format、evidence_format")


def idempotency_key_header(description: str) -> dict[str, Any]:
    """``openapi_extra`` of an endpoint that requires an ``Idempotency-Key`` header.

    The view reads the header as optional and refuses a missing one itself (a 400 whose Chinese
    message says how to make a key), so the document states the requirement here.
    """
    schema = {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY, "pattern": r"\S"}
    parameter = {"in": "header", "name": "Idempotency-Key", "required": True, "schema": schema}
    return {"parameters": [{**parameter, "description": description}]}


def require_idempotency_key(raw: str | None, action: str) -> str:
    """The ``Idempotency-Key`` header of an ``action`` (上报, 报送, 录入…), or a 400 saying how to make one."""
    key = (raw or "").strip()
    if not key:
        raise HttpError(
            400,
            _("缺少 Idempotency-Key 请求头：每次%(action)s请生成一个唯一键，重试时使用同一个键") % {"action": action},
        )
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise HttpError(400, _("Idempotency-Key 不能超过 %(limit)d 个字符") % {"limit": MAX_IDEMPOTENCY_KEY})
    return key
