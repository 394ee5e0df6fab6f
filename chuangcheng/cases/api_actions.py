"""The case loop's transitions as ``POST /cases/{id}/<action>``: one service call each.

Every endpoint fetches the case through ``get_case_for_user`` (404 outside the user's scope),
calls the one service function and answers with the case's detail. The services decide the
rest: a wrong role or unit is a 403, a case someone else just moved is a 409, any other broken
rule a 400, each with the Chinese message of the ``DomainError``.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.types import TCallable

from chuangcheng.core.errors import DomainError
from chuangcheng.core.photos import process_photo
from chuangcheng.core.schemas import ErrorOut, Id
from chuangcheng.org.selectors import get_person_for_user, get_unit_for_user
from chuangcheng.org.types import AuthedRequest

from . import services
from .choices import ExtensionStatus
from .models import Case, ExtensionRequest
from .schemas import (
    CaseDetailOut,
    DispatchIn,
    ExtensionDecideIn,
    ExtensionIn,
    ExtensionOut,
    MergeIn,
    NoteIn,
    ReasonIn,
    SuspendIn,
    VerifyIn,
)
from .selectors import get_case_for_user

router = Router(tags=["案卷：办理"])

MAX_PHOTOS = 9
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _action(
    path: str, summary: str, description: str = "", response: type = CaseDetailOut
) -> Callable[[TCallable], TCallable]:
    """``POST /{case_id}/<path>`` documented with its error answers."""
    return router.post(
        f"/{{int:case_id}}/{path}",
        response={200: response, **ERRORS},
        summary=summary,
        description=description,
        url_name=f"cases_{path.replace('/', '_').replace('-', '_')}",
    )


def _case(request: AuthedRequest, case_id: int) -> Case:
    return get_case_for_user(request.user, case_id)


@_action("accept", "立案", "创建办受理上报的问题。")
def accept(request: AuthedRequest, case_id: Id, payload: NoteIn) -> Case:
    return services.case_accept(case=_case(request, case_id), by=request.user, note=payload.note)


@_action("reject", "不予立案", "需填写理由（上报人可见）。")
def reject(request: AuthedRequest, case_id: Id, payload: ReasonIn) -> Case:
    return services.case_reject(case=_case(request, case_id), by=request.user, reason=payload.reason)


@_action("merge", "合并到已有案卷", "重复上报并入一个尚未结束的案卷。")
def merge(request: AuthedRequest, case_id: Id, payload: MergeIn) -> Case:
    into = _case(request, payload.into)
    return services.case_merge(case=_case(request, case_id), by=request.user, into=into, note=payload.note)


@_action("dispatch", "派遣", "派给处置单位（可指定处置人）；处置计时从派遣开始。")
def dispatch(request: AuthedRequest, case_id: Id, payload: DispatchIn) -> Case:
    unit = get_unit_for_user(request.user, payload.unit)
    handler = get_person_for_user(request.user, payload.handler) if payload.handler else None
    case = _case(request, case_id)
    return services.case_dispatch(
        case=case, by=request.user, unit=unit, handler=handler, note=payload.note, urgent=payload.urgent
    )


@_action("return", "退回", "处置单位认为不属于本单位，填写理由退回创建办重新派遣（不扣分）。")
def return_case(request: AuthedRequest, case_id: Id, payload: ReasonIn) -> Case:
    return services.case_return(case=_case(request, case_id), by=request.user, reason=payload.reason)


@_action("handle", "提交处置", "multipart/form-data：note（处置说明）和至少一张处置后照片 photos。")
def handle(
    request: AuthedRequest,
    case_id: Id,
    note: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Case:
    if len(photos or []) > MAX_PHOTOS:
        raise DomainError(_("一次最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    processed = [process_photo(photo) for photo in photos or []]
    case = _case(request, case_id)
    services.case_handle(case=case, by=request.user, note=note, photos=processed)
    return case


@_action("verify", "核查", "创建办或督查室核查（处置单位不能核查自己办理的）：通过即结案，不通过返工。")
def verify(request: AuthedRequest, case_id: Id, payload: VerifyIn) -> Case:
    case = _case(request, case_id)
    return services.case_verify(case=case, by=request.user, passed=payload.passed, note=payload.note)


@_action("extension", "申请延期", "处置单位申请延长时限；创建办批准后期限才改变。", response=ExtensionOut)
def extension_request(request: AuthedRequest, case_id: Id, payload: ExtensionIn) -> ExtensionRequest:
    case = _case(request, case_id)
    return services.extension_request(
        case=case, by=request.user, amount=payload.amount, time_unit=payload.time_unit, reason=payload.reason
    )


@_action("extension/decide", "审批延期", "创建办批准（期限顺延）或驳回待审批的延期申请。", response=ExtensionOut)
def extension_decide(request: AuthedRequest, case_id: Id, payload: ExtensionDecideIn) -> ExtensionRequest:
    pending = _pending_extension(_case(request, case_id))
    return services.extension_decide(request=pending, by=request.user, approve=payload.approve, note=payload.note)


def _pending_extension(case: Case) -> ExtensionRequest:
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).select_related("case").first()
    if pending is None:
        raise DomainError(_("没有待审批的延期申请"))
    return pending


@_action("suspend", "挂账", "需要工程项目才能解决的问题：填写项目和理由；挂账期间不计时。")
def suspend(request: AuthedRequest, case_id: Id, payload: SuspendIn) -> Case:
    case = _case(request, case_id)
    return services.case_suspend(case=case, by=request.user, project=payload.project, reason=payload.reason)


@_action("resume", "恢复办理", "挂账案卷恢复办理，期限顺延挂账的时间。")
def resume(request: AuthedRequest, case_id: Id, payload: NoteIn) -> Case:
    return services.case_resume(case=_case(request, case_id), by=request.user, note=payload.note)


@_action("reopen", "重新打开", "结案后在设定天数内，创建办可重新打开，回到待派遣。")
def reopen(request: AuthedRequest, case_id: Id, payload: ReasonIn) -> Case:
    return services.case_reopen(case=_case(request, case_id), by=request.user, reason=payload.reason)
