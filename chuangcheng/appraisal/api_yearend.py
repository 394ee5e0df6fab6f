"""JSON API of the year-end lists (年终评定): the same selectors, services and rules as the pages.

The county's readers (创建办, 督查室, leaders) read every list; only 创建办 builds, toggles and
confirms; anybody else gets 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from chuangcheng.core.schemas import Id
from chuangcheng.org.types import AuthedRequest

from . import selectors_yearend as selectors
from . import services_yearend as services
from .access import require_keeper
from .choices import YearEndKind, YearEndStatus
from .models import YearEndEntry, YearEndList
from .views_yearend import DOCX

router = Router(tags=["年终评定"])


class YearEndListOut(Schema):
    id: int
    scheme_id: int
    scheme_name: str
    year: int
    kind: YearEndKind = Field(description="praise 表彰，accountability 追责")
    title: str
    status: YearEndStatus = Field(description="draft 待审核，confirmed 已确认（只读）")
    doc_number: str = Field(description="发文字号，确认时编号")
    confirmed_at: dt.datetime | None
    entry_count: int
    included_count: int


class YearEndEntryOut(Schema):
    id: int
    unit_id: int | None
    person_id: int | None
    name: str
    basis: str = Field(description="中文依据，如“全年 9 个月上红榜，未上黑榜”")
    data: dict[str, Any] = Field(description="依据的数据：月份、件数、比率等")
    included: bool
    note: str


class YearEndDetailOut(YearEndListOut):
    rules: dict[str, int]
    entries: list[YearEndEntryOut]


class YearEndFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度")
    kind: YearEndKind | None = Field(None, description="名单类型")


class YearEndBuildIn(Schema):
    scheme: Id | None = Field(None, description="考核方案 id，省略为第一个启用的方案")
    year: int = Field(ge=2000, le=2100, description="年度")
    kind: YearEndKind


class YearEndToggleIn(Schema):
    included: bool
    note: str = Field("", max_length=300, description="审核意见（不列入时必填）")


def _list_out(year_list: YearEndList) -> dict[str, Any]:
    entries = year_list.entries.all()
    return {
        "id": year_list.pk,
        "scheme_id": year_list.scheme_id,
        "scheme_name": year_list.scheme.name,
        "year": year_list.year,
        "kind": year_list.kind,
        "title": services.year_end_title(year_list),
        "status": year_list.status,
        "doc_number": year_list.doc_number,
        "confirmed_at": year_list.confirmed_at,
        "entry_count": getattr(year_list, "entry_count", None) or entries.count(),
        "included_count": getattr(year_list, "included_count", None) or entries.filter(included=True).count(),
    }


def _entry_out(entry: YearEndEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "unit_id": entry.unit_id,
        "person_id": entry.person_id,
        "name": entry.name,
        "basis": entry.basis,
        "data": entry.data,
        "included": entry.included,
        "note": entry.note,
    }


def _detail_out(year_list: YearEndList) -> dict[str, Any]:
    return {
        **_list_out(year_list),
        "rules": year_list.rules,
        "entries": [_entry_out(e) for e in selectors.year_end_entries(year_list)],
    }


@router.get("/year-end", response=list[YearEndListOut], summary="年终评定名单", url_name="yearend_lists")
def yearend_lists(request: AuthedRequest, filters: Query[YearEndFilters]) -> list[dict[str, Any]]:
    selectors.require_year_end_reader(request.user)
    raw = filters.model_dump(exclude_none=True)
    return [_list_out(item) for item in selectors.year_end_list_for_user(user=request.user, filters=raw)]


@router.post("/year-end", response={201: YearEndDetailOut}, summary="生成（或重新生成）名单", url_name="yearend_build")
def yearend_build(request: AuthedRequest, data: YearEndBuildIn) -> Answer:
    require_keeper(request.user)
    schemes = selectors.year_end_schemes()
    scheme = get_object_or_404(schemes, pk=data.scheme) if data.scheme else schemes.first()
    if scheme is None:
        raise Http404(_("没有启用的考核方案"))
    year_list = services.year_end_build(scheme=scheme, year=data.year, kind=data.kind, by=request.user)
    return Answer(201, _detail_out(year_list))


@router.get("/year-end/{list_id}", response=YearEndDetailOut, summary="名单详情", url_name="yearend_detail")
def yearend_detail(request: AuthedRequest, list_id: Id) -> dict[str, Any]:
    selectors.require_year_end_reader(request.user)
    return _detail_out(selectors.get_year_end_list_for_user(request.user, list_id))


@router.get("/year-end/{list_id}/docx", summary="名单公文（.docx）", url_name="yearend_docx")
def yearend_docx(request: AuthedRequest, list_id: Id) -> HttpResponse:
    selectors.require_year_end_reader(request.user)
    year_list = selectors.get_year_end_list_for_user(request.user, list_id)
    response = HttpResponse(services.year_end_docx(year_list), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{year_list.year}-{year_list.kind}.docx"'
    return response


@router.post(
    "/year-end/entries/{entry_id}/toggle", response=YearEndEntryOut, summary="列入/不列入", url_name="yearend_toggle"
)
def yearend_toggle(request: AuthedRequest, entry_id: Id, data: YearEndToggleIn) -> dict[str, Any]:
    selectors.require_year_end_reader(request.user)
    entry = selectors.get_year_end_entry_for_user(request.user, entry_id)
    entry = services.year_end_entry_toggle(entry=entry, included=data.included, note=data.note, by=request.user)
    return _entry_out(entry)


@router.post("/year-end/{list_id}/confirm", response=YearEndDetailOut, summary="确认名单", url_name="yearend_confirm")
def yearend_confirm(request: AuthedRequest, list_id: Id) -> dict[str, Any]:
    selectors.require_year_end_reader(request.user)
    year_list = selectors.get_year_end_list_for_user(request.user, list_id)
    return _detail_out(services.year_end_confirm(year_list=year_list, by=request.user))
