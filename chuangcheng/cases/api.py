"""JSON API of the case loop: categories, lists, detail, intake; transitions in ``api_actions``.

Reads go through the same selectors as the pages (a case outside the user's scope is a 404,
as if it did not exist). Intake takes an ``Idempotency-Key`` header: a phone on a bad network
retries with the same key and gets the first case back (200) instead of a second one (201).
Keys are per user: another user sending the same key simply makes their own case.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router
from ninja import Status as Answer
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chuangcheng.core.errors import DomainError
from chuangcheng.core.photos import ProcessedPhoto, process_photo
from chuangcheng.core.schemas import Id, Pagination, idempotency_key_header, require_idempotency_key
from chuangcheng.org.types import AuthedRequest

from . import routing, selectors, services
from .access import can_intake, can_report
from .api_actions import router as actions_router
from .models import Case, Category
from .schemas import (
    CaseCreatedOut,
    CaseDetailOut,
    CaseFilters,
    CaseIn,
    CaseOut,
    CategoryGroupOut,
    DuplicateOut,
    SuggestionOut,
)

router = Router(tags=["案卷"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_PHOTOS = 9
KEY_HELP = "客户端生成的唯一键（对当前用户唯一即可），最长 64 字符"


@router.get("/categories", response=list[CategoryGroupOut], summary="问题类别树", url_name="cases_categories")
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    """部件 then 事件 大类, each with its active 小类 and their handling rules."""
    rows = selectors.category_tree()
    leaves: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            leaves.setdefault(row.parent_id, []).append(row)
    return [_group(row, leaves.get(row.pk, [])) for row in rows if row.parent_id is None]


def _group(parent: Category, children: list[Category]) -> dict[str, Any]:
    return {
        "id": parent.pk,
        "code": parent.code,
        "name": parent.name,
        "kind": parent.kind,
        "kind_label": parent.get_kind_display(),
        "children": children,
    }


@router.get(
    "/",
    response=list[CaseOut],
    summary="案卷列表",
    description=(
        "当前用户可见的案卷，新的在前；筛选参数与列表页相同。"
        f"分页：page 从 1 起，page_size 默认 {PAGE_SIZE}、最大 {MAX_PAGE_SIZE}，返回 {{count, items}}。"
    ),
    url_name="cases_list",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def case_list(request: AuthedRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    return selectors.case_list_for_user(user=request.user, filters=filters.dict(exclude_none=True)).order_by(
        "-created_at", "-pk"
    )


@router.get(
    "/todo",
    response=list[CaseOut],
    summary="本单位待办",
    description="本单位（含下级）正在办理的案卷，督办等级高的在前，再按期限先后。分页同案卷列表。",
    url_name="cases_todo",
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def todo(request: AuthedRequest) -> QuerySet[Case]:
    return selectors.todo_for_user(user=request.user)


@router.get(
    "/duplicates",
    response=list[DuplicateOut],
    summary="疑似重复案卷",
    description="同一小类、在设定距离（默认 50 米）内、尚未结束且当前用户可见的案卷，近的在前。上报前和受理时用。",
    url_name="cases_duplicates",
)
def duplicates(
    request: AuthedRequest, category: Id, lon: float, lat: float, exclude: Id | None = None
) -> list[dict[str, Any]]:
    found = selectors.duplicate_candidates_for_user(
        user=request.user, category=_leaf(category), lon=lon, lat=lat, exclude=exclude
    )
    return [{"case": case, "distance_m": round(distance, 1)} for case, distance in found]


@router.get(
    "/{int:case_id}",
    response=CaseDetailOut,
    summary="案卷详情",
    description="含全部事件（时间线）、照片地址和延期申请；不在当前用户范围内的案卷返回 404。",
    url_name="cases_detail",
)
def detail(request: AuthedRequest, case_id: Id) -> Case:
    return selectors.get_case_for_user(request.user, case_id)


@router.get(
    "/{int:case_id}/suggestions",
    response=list[SuggestionOut],
    summary="派遣建议",
    description="按小类的派遣规则（先属地或先属主）排序的候选处置单位及其责任人。仅创建办可用，其他角色 403。",
    url_name="cases_suggestions",
)
def suggestions(request: AuthedRequest, case_id: Id) -> list[dict[str, Any]]:
    case = selectors.get_case_for_user(request.user, case_id)
    # Dispatching is the office's: the candidates name other units' people, which a reporter or
    # the holding unit has no need to see (a visible case, read-only here: 403, not 404).
    if not can_intake(request.user):
        raise HttpError(403, _("只有创建办可以查看派遣建议"))
    return [{"unit": s.unit, "reason": s.reason, "people": list(s.people)} for s in routing.all_suggestions(case)]


@router.post(
    "/",
    response={200: CaseCreatedOut, 201: CaseCreatedOut},
    summary="上报案卷",
    description=(
        "multipart/form-data：表单字段 + 照片文件 photos（可多张，JPEG/PNG/HEIC）。"
        "必须带 Idempotency-Key 请求头（每次新上报生成一个，如 UUID）；"
        "网络不好重试时带同一个键，返回第一次建立的案卷（200），新建时返回 201。"
        "键按上报人区分：别的用户用了同一个键不影响你，各自建立自己的案卷。"
        "返回案卷概要和照片；事件时间线见案卷详情。"
    ),
    url_name="cases_create",
    openapi_extra=idempotency_key_header(KEY_HELP),
)
def create(
    request: AuthedRequest,
    payload: Form[CaseIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", include_in_schema=False),
) -> Answer[Case]:
    # The same roles as the report page: the service also serves anonymous citizens, so it cannot ask.
    if not can_report(request.user):
        raise DomainError(_("您没有上报问题的权限"), code="forbidden")
    key = require_idempotency_key(idempotency_key, _("上报"))
    processed = _process_all(photos or [])
    case, created = services.case_report(
        by=request.user,
        category=_leaf(payload.category),
        photos=processed,
        idempotency_key=key,
        **payload.dict(exclude={"category"}),
    )
    # created False: a retry, and the service returned the case this user's first submission made.
    return Answer(201 if created else 200, case)  # the reporter's own case, with its relations already loaded


def _process_all(photos: list[UploadedFile]) -> list[ProcessedPhoto]:
    """Check every photo before anything is written: one bad file refuses the whole report."""
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("一次最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    return [process_photo(photo) for photo in photos]


def _leaf(pk: int) -> Category:
    try:
        return Category.objects.select_related("parent").get(pk=pk, is_active=True, parent__isnull=False)
    except Category.DoesNotExist:
        raise DomainError(_("请选择具体的问题小类")) from None


router.add_router("", actions_router)
