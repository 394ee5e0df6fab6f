import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from chuangcheng.core.errors import DomainError
from chuangcheng.core.models import AuditEntry
from chuangcheng.core.schemas import Id, NamedRef, Pagination, Text
from chuangcheng.org.types import AuthedRequest

from .access import scope_for
from .contacts import contacts_for
from .models import Person, Unit, UnitSet
from .selectors import (
    UnitNode,
    audit_list_for_user,
    can_edit_unit_names,
    get_person_for_user,
    get_unit_for_user,
    get_unit_set,
    person_list_for_user,
    resolve_unit_names,
    unit_alias_list,
    unit_list_for_user,
    unit_set_list,
    unit_set_members,
    unit_tree_for_user,
)
from .services import unit_aliases_set, unit_set_save

router = Router(tags=["组织"])
AUDIT_PAGE_SIZE = 50
AUDIT_MAX_PAGE_SIZE = 500


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    group: str
    parent_id: int | None


class PersonOut(Schema):
    id: int
    username: str
    real_name: str
    unit_id: int | None
    roles: list[str]

    @staticmethod
    def resolve_roles(obj: Person) -> list[str]:
        return sorted({m.role for m in obj.memberships.all()})


class UnitDetailOut(UnitOut):
    short_name: str
    kind_label: str = Field(description="单位类型（中文）")
    group_label: str = Field(description="评比分组（中文）")
    is_active: bool
    parent: NamedRef | None = Field(description="上级单位（当前用户看不到时也给出名称）")
    children: list[UnitOut] = Field(description="当前用户可见的下级单位")
    people: list[PersonOut] = Field(description="本单位人员（当前用户可见的）")
    aliases: list[str] = Field(description="单位别名：文件里对该单位的其他写法（全县唯一）")

    @staticmethod
    def resolve_aliases(obj: Any) -> list[str]:
        return [a.name for a in unit_alias_list(obj)]

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_group_label(obj: Any) -> str:
        return str(obj.get_group_display())

    @staticmethod
    def resolve_children(obj: Any, context: dict[str, Any]) -> Any:
        return unit_list_for_user(user=context["request"].user).filter(parent=obj)

    @staticmethod
    def resolve_people(obj: Any, context: dict[str, Any]) -> Any:
        return person_list_for_user(user=context["request"].user, filters={"unit": obj.pk})


class UnitTreeOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    people_count: int
    children: list["UnitTreeOut"]


class MembershipOut(Schema):
    unit: NamedRef
    role: str
    role_label: str = Field(description="角色（中文）")

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


class PersonDetailOut(Schema):
    id: int
    username: str
    real_name: str
    mobile: str = Field(description="手机号：按号码公开规则（org.contacts）给出完整号码、打码号码（138****8000）或空")
    title: str = Field(description="职务")
    is_active: bool
    unit: NamedRef | None
    memberships: list[MembershipOut] = Field(description="在各单位担任的角色")

    @staticmethod
    def resolve_mobile(obj: Any, context: dict[str, Any]) -> str:
        return contacts_for(context["request"].user).person_mobile(obj)


class MeOut(Schema):
    id: int
    username: str
    real_name: str
    roles: list[str]
    all_units: bool


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: AuthedRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "real_name": getattr(user, "real_name", ""),
        "roles": sorted(scope.roles),
        "all_units": scope.all_units,
    }


def _tree_json(nodes: list[UnitNode]) -> list[dict]:
    return [
        {
            "id": n.unit.pk,
            "name": n.unit.name,
            "code": n.unit.code,
            "kind": n.unit.kind,
            "people_count": n.unit.people_count,  # type: ignore[attr-defined]
            "children": _tree_json(n.children),
        }
        for n in nodes
    ]


@router.get("/units", response=list[UnitOut], summary="单位列表")
def units(request: AuthedRequest, q: str = "", kind: str = "") -> QuerySet[Unit]:
    return unit_list_for_user(user=request.user, filters={"q": q, "kind": kind})


@router.get("/people", response=list[PersonOut], summary="人员列表")
def people(request: AuthedRequest, q: str = "", role: str = "", unit: Id | None = None) -> QuerySet[Person]:
    return person_list_for_user(user=request.user, filters={"q": q, "role": role, "unit": unit})[:1000]


@router.get(
    "/units/tree",
    response=list[UnitTreeOut],
    summary="单位树",
    description="当前用户可见的单位，嵌套成树；上级不可见的单位（如单位管理员的本单位）作为根。",
)
def unit_tree(request: AuthedRequest, q: str = "", kind: str = "") -> list[dict]:
    return _tree_json(unit_tree_for_user(user=request.user, filters={"q": q, "kind": kind}))


@router.get(
    "/units/{id}",
    response=UnitDetailOut,
    summary="单位详情",
    description="含下级单位和人员；不在当前用户范围内的单位返回 404。",
)
def unit_detail(request: AuthedRequest, id: Id) -> Unit:
    return get_unit_for_user(request.user, id)


@router.get(
    "/people/{id}",
    response=PersonDetailOut,
    summary="人员详情",
    description="含手机号和各单位的角色；不在当前用户范围内的人员返回 404。",
)
def person_detail(request: AuthedRequest, id: Id) -> Person:
    return get_person_for_user(request.user, id)


class AuditFilters(Schema):
    """The audit page's filters (``selectors.audit_list_for_user``)."""

    type: str | None = Field(None, description="对象类型，如 org.unit")
    object: str | None = Field(None, description="对象 id")
    person: Id | None = Field(None, description="操作人 id")
    system: bool | None = Field(None, description="只看系统操作（定时任务、命令等，无操作人）")
    action: str | None = Field(None, description="操作编码前缀，如 org.membership")
    since: dt.date | None = Field(None, description="起始日期（含）")
    until: dt.date | None = Field(None, description="截止日期（含）")


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    by: NamedRef | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    data: dict[str, Any]

    @staticmethod
    def resolve_object_type(obj: AuditEntry) -> str:
        content_type = obj.content_type
        return f"{content_type.app_label}.{content_type.model}" if content_type else ""


@router.get(
    "/audit",
    response=list[AuditEntryOut],
    summary="操作日志",
    description=(
        "谁在何时改了什么（单位、人员、角色、节假日、问题类别、创建项目、导入、后台修改），新的在前；"
        f"仅创建办可读，其他角色返回 403。分页：page 从 1 起，page_size 默认 {AUDIT_PAGE_SIZE}，返回 {{count, items}}。"
    ),
)
@paginate(Pagination, page_size=AUDIT_PAGE_SIZE, max_page_size=AUDIT_MAX_PAGE_SIZE)
def audit(request: AuthedRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEntry]:
    return audit_list_for_user(user=request.user, filters=filters.dict(exclude_none=True))


# ----- 单位别名, 单位分组 and the name resolver (the office's) ------------------------------------------


def _require_name_editor(request: AuthedRequest) -> None:
    if not can_edit_unit_names(request.user):
        raise PermissionDenied


class AliasesIn(Schema):
    aliases: list[str] = Field(max_length=50, description="该单位的全部别名（替换原有的）")


@router.put(
    "/units/{id}/aliases",
    response=list[str],
    summary="设置单位别名",
    description="把单位的别名设为给出的这些：删去其余的，加上新的；别名全县唯一（与其他单位的名称、简称、编码、别名和单位分组都不同）。仅创建办。",
)
def unit_aliases_put(request: AuthedRequest, id: Id, payload: AliasesIn) -> list[str]:
    unit = get_unit_for_user(request.user, id)
    _require_name_editor(request)
    return [a.name for a in unit_aliases_set(unit=unit, names=payload.aliases, by=request.user)]


class UnitSetOut(Schema):
    id: int
    name: str
    kinds: list[str] = Field(description="规则：单位类型（department、town、community、enterprise、other）")
    name_endings: str = Field(description="规则：名称结尾，多个用顿号分隔")
    listed_units: list[NamedRef] = Field(description="指定单位")
    units: list[NamedRef] = Field(description="分组现在代表的全部启用单位")
    note: str

    @staticmethod
    def resolve_listed_units(obj: UnitSet) -> list[Unit]:
        return list(obj.units.all())

    @staticmethod
    def resolve_units(obj: UnitSet) -> list[Unit]:
        return unit_set_members(obj)


class UnitSetIn(Schema):
    name: Text = Field(max_length=50)
    kinds: list[str] = Field(default_factory=list, max_length=10)
    name_endings: str = Field("", max_length=100)
    units: list[Id] = Field(default_factory=list, max_length=2000, description="指定单位的 id")
    note: str = Field("", max_length=200)


@router.get("/unit-sets", response=list[UnitSetOut], summary="单位分组列表", description="仅创建办。")
def unit_sets(request: AuthedRequest) -> QuerySet[UnitSet]:
    _require_name_editor(request)
    return unit_set_list()


def _save_set(request: AuthedRequest, payload: UnitSetIn, unit_set: UnitSet | None) -> UnitSet:
    units = list(Unit.objects.filter(pk__in=payload.units))
    if len(units) != len(set(payload.units)):
        raise DomainError(_("指定单位中有不存在的单位"))
    data = payload.dict(exclude={"units"})
    return unit_set_save(unit_set=unit_set, units=units, by=request.user, **data)


@router.post("/unit-sets", response=UnitSetOut, summary="新建单位分组", description="仅创建办。")
def unit_set_create(request: AuthedRequest, payload: UnitSetIn) -> UnitSet:
    _require_name_editor(request)
    return _save_set(request, payload, None)


@router.put("/unit-sets/{id}", response=UnitSetOut, summary="修改单位分组", description="仅创建办。")
def unit_set_update(request: AuthedRequest, id: Id, payload: UnitSetIn) -> UnitSet:
    _require_name_editor(request)
    return _save_set(request, payload, get_unit_set(id))


class NameResolutionOut(Schema):
    text: str = Field(description="写法（去掉“（牵头）”等标记）")
    lead: bool = Field(description="标了牵头")
    via: str = Field(
        description="怎么找到的：name、code、alias、short_name、county_prefix（加/去“县”字）、group（单位分组）；空为未找到"
    )
    units: list[NamedRef]
    suggestions: list[NamedRef] = Field(description="未找到时最接近的单位（您是不是要找）")

    @staticmethod
    def resolve_lead(obj: Any) -> bool:
        return bool(obj.written.lead)


@router.get(
    "/unit-names/resolve",
    response=list[NameResolutionOut],
    summary="解析责任单位写法",
    description="把一格责任单位（如“县住建局、县城管局，各乡镇（街道）”）拆成单位名，逐个给出对应的单位或建议。仅创建办。",
)
def units_resolve(request: AuthedRequest, text: str = Query(..., max_length=500)) -> list[Any]:
    _require_name_editor(request)
    return resolve_unit_names(text).names
