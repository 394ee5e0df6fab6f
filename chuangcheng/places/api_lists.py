"""List and detail endpoints of the four kinds of map object, and 我的责任区.

The kinds differ only in their selectors and shapes, so ``add_kind`` builds the pair of
endpoints for each from one ``PlaceKind`` row. Lists take the list pages' filters; an id
outside the user's scope is a 404 from the ``get_*_for_user`` selectors, as on the pages.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from chuangcheng.core.schemas import Id, Pagination
from chuangcheng.org.models import Person
from chuangcheng.org.types import AuthedRequest

from . import selectors
from .schemas import (
    ChiefAreaOut,
    GridDetailOut,
    GridFilters,
    GridOut,
    SegmentDetailOut,
    SegmentFilters,
    SegmentOut,
    ShopFilters,
    ShopOut,
    SiteDetailOut,
    SiteFilters,
    SiteOut,
)

router = Router(tags=["责任体系：列表与详情"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class PlaceKind:
    """One kind of map object as the API lists and shows it.

    Its selectors are found by the names every kind follows in ``selectors.py``:
    ``<kind>_list_for_user`` and ``get_<kind>_for_user``.
    """

    kind: str
    path: str
    label: str
    filters: type[Schema]
    out: type[Schema]
    detail_out: type[Schema]

    @property
    def list_for_user(self) -> Callable[..., QuerySet]:
        return getattr(selectors, f"{self.kind}_list_for_user")

    @property
    def get_for_user(self) -> Callable[[Person, int], Any]:
        return getattr(selectors, f"get_{self.kind}_for_user")


KINDS = (
    PlaceKind("segment", "segments", "路段", SegmentFilters, SegmentOut, SegmentDetailOut),
    PlaceKind("grid", "grids", "网格", GridFilters, GridOut, GridDetailOut),
    PlaceKind("site", "sites", "点位", SiteFilters, SiteOut, SiteDetailOut),
    PlaceKind("shop", "shops", "门店", ShopFilters, ShopOut, ShopOut),
)


def add_kind(place: PlaceKind) -> None:
    """Register ``GET /<path>`` (paginated, filtered) and ``GET /<path>/{id}`` for one kind."""

    @router.get(
        f"/{place.path}",
        response=list[place.out],  # type: ignore[name-defined]
        summary=f"{place.label}列表",
        description=(
            f"当前用户可见的{place.label}，按编码排序。筛选参数与列表页相同；"
            f"分页：page 从 1 起，page_size 默认 {PAGE_SIZE}、最大 {MAX_PAGE_SIZE}，返回 {{count, items}}。"
        ),
        operation_id=f"places_{place.kind}_list",
        url_name=f"places_{place.kind}_list",
    )
    @paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def list_view(request: AuthedRequest, filters: Query[place.filters]) -> QuerySet:  # type: ignore[name-defined]
        return place.list_for_user(user=request.user, filters=filters.dict(exclude_none=True))

    @router.get(
        f"/{place.path}/{{id}}",
        response=place.detail_out,
        summary=f"{place.label}详情",
        description=f"含几何图形；不在当前用户范围内的{place.label}与不存在的一样返回 404。",
        operation_id=f"places_{place.kind}_detail",
        url_name=f"places_{place.kind}_detail",
    )
    def detail_view(request: AuthedRequest, id: Id) -> Model:
        return place.get_for_user(request.user, id)


for _place in KINDS:
    add_kind(_place)


@router.get(
    "/mine",
    response=ChiefAreaOut,
    summary="我的责任区",
    description="当前用户任路长或段长的路段及其沿线门店；不是路长的用户得到空列表。",
    url_name="places_mine",
)
def mine(request: AuthedRequest) -> dict[str, Any]:
    area = selectors.chief_area_for_user(user=request.user)
    return {
        "segments": area.segments,
        "shops": area.shops,
        "length_m": area.length_m,
        "pledge_counts": [{"status": s, "label": label, "count": n} for s, label, n in area.pledge_counts],
    }
