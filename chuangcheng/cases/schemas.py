"""Request and response shapes of the case-loop API (``api.py``, ``api_actions.py``).

Related rows travel as ``{id, name}`` references; every code (status, source, action) is
accompanied by its Chinese label so a client never keeps its own copy of the vocabularies.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.urls import NoReverseMatch, reverse
from ninja import Field, Schema
from pydantic import AfterValidator, WithJsonSchema

from chuangcheng.core.schemas import Id, NamedRef
from chuangcheng.org.contacts import contacts_for

from . import selectors
from .choices import ExtensionStatus, Source, Status, TimeUnit

# ----- filters -----------------------------------------------------------------------------------


class CaseFilters(Schema):
    """The list page's filters (``selectors.case_list_for_user``)."""

    status: Status | None = Field(None, description="状态")
    open: bool | None = Field(None, description="true 只列未结束的案卷")
    category: Id | None = Field(None, description="问题小类 id")
    parent_category: Id | None = Field(None, description="问题大类 id")
    unit: Id | None = Field(None, description="处置单位 id")
    town: Id | None = Field(None, description="所属乡镇/街道 id")
    source: Source | None = Field(None, description="来源")
    escalation: int | None = Field(None, ge=0, le=3, description="督办等级 1–3（0 为未督办）")
    light: str | None = Field(None, description="状态灯：green、yellow、red、none")
    date_from: date | None = Field(None, description="上报日期起（含）")
    date_to: date | None = Field(None, description="上报日期止（含）")
    q: str = Field("", description="编号、描述或地址")


# ----- categories --------------------------------------------------------------------------------


class CategoryLeafOut(Schema):
    id: int
    code: str
    name: str
    accept_condition: str = Field(description="立案条件")
    close_condition: str = Field(description="结案条件")
    time_limit: Decimal = Field(description="处置时限")
    time_unit: TimeUnit
    time_unit_label: str
    urgent: bool = Field(description="紧急类：此小类的案卷上报时即为紧急")
    urgent_time_limit: Decimal | None = Field(description="紧急时限：紧急案卷的处置时限")
    urgent_time_unit: TimeUnit | None = Field(description="紧急时限的单位")
    routing_rule: str = Field(description="实际适用的派遣规则（未单独设置时按部件/事件的默认）")
    owner_unit: NamedRef | None = Field(description="属主部门")
    auto_dispatch: bool

    @staticmethod
    def resolve_time_unit_label(obj: Any) -> str:
        return str(obj.get_time_unit_display())

    @staticmethod
    def resolve_urgent_time_unit(obj: Any) -> str | None:
        return obj.urgent_time_unit or None

    @staticmethod
    def resolve_routing_rule(obj: Any) -> str:
        return str(obj.effective_routing_rule)


class CategoryGroupOut(Schema):
    id: int
    code: str
    name: str
    kind: str = Field(description="component（部件）或 event（事件）")
    kind_label: str
    children: list[CategoryLeafOut] = Field(description="小类")


# ----- cases -------------------------------------------------------------------------------------


def photo_url(pk: int, *, thumb: bool = False) -> str:
    """The page that serves a stored photo (it checks that the user may see the case)."""
    name = "cases:photo_thumb" if thumb else "cases:photo"
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the photo pages are wired in cases/urls.py by the pages' side
        return f"/cases/photo/{pk}/" + ("thumb/" if thumb else "")


class CaseOut(Schema):
    id: int
    code: str = Field(description="案卷编号")
    status: Status
    status_label: str
    source: Source
    source_label: str
    category: NamedRef = Field(description="问题小类（“大类/小类”）")
    urgent: bool = Field(description="紧急：按小类的紧急时限计算处置期限")
    description: str
    address: str
    lon: float
    lat: float
    town: NamedRef | None = Field(description="所属乡镇/街道")
    unit: NamedRef | None = Field(description="处置单位")
    created_at: datetime = Field(description="上报时间")
    dispatched_at: datetime | None
    deadline: datetime | None = Field(description="处置期限")
    deadline_provisional: bool = Field(
        description="期限暂定：跨入国务院尚未公布节假日安排的年份，按暂定节假日计算；正式安排录入后自动重算"
    )
    closed_at: datetime | None
    escalation: int = Field(description="督办等级：0 无，1 黄，2 橙，3 红")
    light: str = Field(description="状态灯：green、yellow、red；未计时为 none")
    rework_count: int

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_source_label(obj: Any) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_light(obj: Any) -> str:
        return str(selectors.status_light(obj))


class PhotoOut(Schema):
    id: int
    kind: str = Field(description="before（处置前）或 after（处置后）")
    event_id: int | None
    width: int
    height: int
    url: str
    thumb_url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return photo_url(obj.pk)

    @staticmethod
    def resolve_thumb_url(obj: Any) -> str:
        return photo_url(obj.pk, thumb=True)


class DuplicateRefOut(Schema):
    id: int
    code: str
    distance_m: float


class CaseCreatedOut(CaseOut):
    """What intake answers: the case, its photos and possible duplicates (the timeline is at ``GET /cases/{id}``)."""

    photos: list[PhotoOut]
    possible_duplicates: list[DuplicateRefOut] = Field(
        description="疑似重复：同一小类、设定距离内尚未结束、且当前用户可见的其他案卷，近的在前（由创建办受理时判断是否合并）"
    )

    @staticmethod
    def resolve_photos(obj: Any) -> Any:
        return obj.photos.all()

    @staticmethod
    def resolve_possible_duplicates(obj: Any, context: dict[str, Any]) -> list[dict[str, Any]]:
        found = selectors.duplicate_candidates_for_user(
            user=context["request"].user, category=obj.category, lon=obj.lon, lat=obj.lat, exclude=obj.pk
        )
        return [{"id": case.pk, "code": case.code, "distance_m": round(distance, 1)} for case, distance in found]


class EventOut(Schema):
    id: int
    action: str
    action_label: str
    actor: NamedRef | None
    at: datetime
    from_status: str
    to_status: str
    unit: NamedRef | None
    note: str
    deadline: datetime | None
    data: dict[str, Any]

    @staticmethod
    def resolve_action_label(obj: Any) -> str:
        return str(obj.get_action_display())


class ExtensionOut(Schema):
    id: int
    amount: Decimal
    time_unit: TimeUnit
    reason: str
    status: ExtensionStatus
    requested_at: datetime
    requested_by: NamedRef


class CaseDetailOut(CaseOut):
    segment: NamedRef | None = Field(description="路段")
    grid: NamedRef | None = Field(description="网格")
    site: NamedRef | None = Field(description="点位")
    handler: NamedRef | None = Field(description="处置人")
    reporter_name: str
    reporter_phone: str = Field(description="上报人联系电话：只有创建办和上报人本人能看到，其他角色为空")
    merged_into: NamedRef | None = Field(description="合并到的案卷")
    events: list[EventOut] = Field(description="全部事件，按时间先后")
    photos: list[PhotoOut]
    extensions: list[ExtensionOut] = Field(description="延期申请")

    @staticmethod
    def resolve_reporter_phone(obj: Any, context: dict[str, Any]) -> str:
        return contacts_for(context["request"].user).reporter_phone(
            number=obj.reporter_phone, reporter_id=obj.reporter_id
        )

    @staticmethod
    def resolve_events(obj: Any) -> Any:
        return obj.events.select_related("actor", "unit")

    @staticmethod
    def resolve_photos(obj: Any) -> Any:
        return obj.photos.all()

    @staticmethod
    def resolve_extensions(obj: Any) -> Any:
        return obj.extensions.select_related("requested_by").order_by("requested_at")


class DuplicateOut(Schema):
    case: CaseOut
    distance_m: float


class SuggestionOut(Schema):
    unit: NamedRef
    reason: str
    people: list[NamedRef] = Field(description="对该位置负责的人（路长、段长、网格员、点位责任人）")


# ----- input -------------------------------------------------------------------------------------


# A form field cannot carry null: an optional coordinate is a number, or left out.
FormLongitude = Annotated[float | None, WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180})]
FormLatitude = Annotated[float | None, WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90})]


class CaseIn(Schema):
    """The report form's fields (multipart, beside the ``photos`` files)."""

    source: Source
    category: Id = Field(description="问题小类 id")
    description: str = Field(min_length=1, max_length=2000)
    lon: FormLongitude = Field(None, ge=-180, le=180, description="经度；不填时取第一张照片的 GPS")
    lat: FormLatitude = Field(None, ge=-90, le=90, description="纬度；不填时取第一张照片的 GPS")
    crs: str = Field("wgs84", description="wgs84、cgcs2000 或 gcj02")
    address: str = Field("", max_length=200)
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", max_length=20)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(max_length=2000)


class MergeIn(NoteIn):
    into: Id = Field(description="合并到的案卷 id")


class DispatchIn(NoteIn):
    unit: Id = Field(description="处置单位 id")
    handler: Id | None = Field(None, description="处置人 id（可不指定）")
    urgent: bool | None = Field(None, description="紧急：true 按小类的紧急时限计算期限；不填则沿用案卷原设置")


class VerifyIn(NoteIn):
    passed: bool = Field(description="true 通过（结案），false 不通过（返工，需填 note）")


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# A number of hours or days, kept to one decimal place (the column's precision). The document
# says "a number up to 99999.9": the string form pydantic also accepts is not advertised.
ExtensionAmount = Annotated[
    Decimal,
    Field(gt=0, le=Decimal("99999.9")),
    AfterValidator(_tenths),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": 99999.9}),
]


class ExtensionIn(Schema):
    amount: ExtensionAmount = Field(description="延长的时限（保留一位小数）")
    time_unit: TimeUnit
    reason: str = Field(max_length=2000)


class ExtensionDecideIn(NoteIn):
    approve: bool


class SuspendIn(ReasonIn):
    project: str = Field(max_length=200, description="所需的工程项目")
