"""Request and response shapes of the responsibility-map API (``api.py``, ``api_lists``, ``api_io``).

Related rows travel as ``{id, name}`` references, so a client can link to their detail
endpoints without a second lookup; geometries only in detail answers, to keep lists light.
"""

from datetime import date
from typing import Any, Literal

from ninja import Field, Schema

from chuangcheng.core.schemas import Id, NamedRef
from chuangcheng.org.contacts import contacts_for

from . import selectors
from .choices import PledgeStatus, RoadClass

Kind = Literal["segment", "grid", "site", "shop"]


# ----- filters: the same parameters as the list pages' filter bars ----------------------------


class PlaceFilters(Schema):
    q: str = Field("", description="名称或编码（门店还搜经营者，点位还搜地址）")
    unit: Id | None = Field(None, description="单位 id：路段/门店的包保单位，点位的责任单位，网格的街道或社区")


class SegmentFilters(PlaceFilters):
    road_class: RoadClass | None = Field(None, description="道路等级")
    chief: Id | None = Field(None, description="路长或段长的人员 id")
    grid: Id | None = Field(None, description="所在网格 id")


class GridFilters(PlaceFilters):
    street: Id | None = Field(None, description="所属街道/乡镇 id")


class SiteFilters(PlaceFilters):
    site_type: Id | None = Field(None, description="点位类型 id")


class ShopFilters(PlaceFilters):
    segment: Id | None = Field(None, description="所在路段 id")
    pledge_status: PledgeStatus | None = Field(None, description="责任书状态")
    chief: Id | None = Field(None, description="所在路段的路长或段长的人员 id")


class ExportFilters(SegmentFilters, GridFilters, SiteFilters, ShopFilters):
    """Every list filter; each export uses the ones its list understands and ignores the rest."""


# ----- objects ---------------------------------------------------------------------------------


class SegmentOut(Schema):
    id: int
    code: str
    name: str
    road_name: str
    road_class: RoadClass
    road_class_label: str = Field(description="道路等级（中文）")
    from_desc: str = Field(description="起点")
    to_desc: str = Field(description="终点")
    length_m: float = Field(description="长度（米）")
    unit: NamedRef = Field(description="包保单位")
    chief: NamedRef | None = Field(description="路长")
    section_chief: NamedRef | None = Field(description="段长")
    grid: NamedRef | None = Field(description="所在网格")
    shop_count: int = Field(description="沿街门店数")

    @staticmethod
    def resolve_road_class_label(obj: Any) -> str:
        return str(obj.get_road_class_display())


class GridOut(Schema):
    id: int
    code: str = Field(description="15 位网格编码")
    name: str
    street: NamedRef = Field(description="所属街道/乡镇")
    community: NamedRef | None = Field(description="所属社区/村")
    grid_worker: NamedRef | None = Field(description="网格员")
    area_m2: float = Field(description="面积（平方米）")


class SiteOut(Schema):
    id: int
    code: str
    name: str
    site_type: NamedRef = Field(description="点位类型")
    address: str
    lon: float
    lat: float
    unit: NamedRef = Field(description="责任单位")
    person: NamedRef | None = Field(description="责任人")


class ShopOut(Schema):
    id: int
    code: str
    name: str
    address: str
    lon: float
    lat: float
    operator_name: str = Field(description="经营者")
    operator_mobile: str = Field(
        description="经营者电话：按号码公开规则（org.contacts）给出完整号码、打码号码（138****8000）或空"
    )
    segment: NamedRef | None = Field(description="所在路段")
    pledge_items: list[NamedRef] = Field(description="门前五包承诺事项")
    pledge_signed_on: date | None = Field(description="签订日期")
    pledge_status: PledgeStatus
    pledge_status_label: str = Field(description="责任书状态（中文）")

    @staticmethod
    def resolve_pledge_items(obj: Any) -> list:
        return sorted(obj.pledge_items.all(), key=lambda item: (item.sort_order, item.code))

    @staticmethod
    def resolve_pledge_status_label(obj: Any) -> str:
        return str(obj.get_pledge_status_display())

    @staticmethod
    def resolve_operator_mobile(obj: Any, context: dict[str, Any]) -> str:
        return contacts_for(context["request"].user).shop_phone(obj)


class Geometry(Schema):
    geometry: dict[str, Any] = Field(description="GeoJSON 几何（WGS84 经纬度）")


class SegmentDetailOut(SegmentOut, Geometry):
    shops: list[ShopOut] = Field(description="沿线门店（当前用户可见的）")

    @staticmethod
    def resolve_shops(obj: Any, context: dict[str, Any]) -> Any:
        return selectors.shop_list_for_user(user=context["request"].user, filters={"segment": obj.pk})


class GridDetailOut(GridOut, Geometry):
    segments: list[SegmentOut] = Field(description="网格内的路段（当前用户可见的）")

    @staticmethod
    def resolve_segments(obj: Any, context: dict[str, Any]) -> Any:
        return selectors.segment_list_for_user(user=context["request"].user, filters={"grid": obj.pk})


class SiteDetailOut(SiteOut, Geometry):
    pass


class PledgeCount(Schema):
    status: PledgeStatus
    label: str
    count: int


class ChiefAreaOut(Schema):
    segments: list[SegmentOut] = Field(description="本人任路长或段长的路段")
    shops: list[ShopOut] = Field(description="这些路段沿线的门店")
    length_m: float = Field(description="责任路段总长（米）")
    pledge_counts: list[PledgeCount] = Field(description="各责任书状态的门店数")


# ----- import ----------------------------------------------------------------------------------


class ImportErrorOut(Schema):
    row: int | None = Field(description="Excel 行号或 GeoJSON 要素序号（从 1 起）；null 表示整个文件的问题")
    column: str = Field(description="列名（表头）；空表示整行或整个文件")
    message: str


class ImportResultOut(Schema):
    ok: bool = Field(description="每一行都通过校验")
    written: bool = Field(description="是否写入了数据")
    kind: Kind
    source: str = Field(description="识别出的文件格式：xlsx 或 geojson")
    rows_seen: int
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(description="仅导入无误的行时，跳过的有错误的行数")
    error_count: int = Field(description="错误总数（errors 最多列出前 500 条）")
    errors: list[ImportErrorOut]
