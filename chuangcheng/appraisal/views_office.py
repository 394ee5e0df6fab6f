"""The office's (创建办) pages and actions on the appraisal: the scheme, a draft's review
(recompute, 加减分, comments, publish, discard), 更正 of a published run, and the bulletin editor
and downloads.

Each view parses its form, fetches through the selectors (404 outside the user's sight) and
calls one service; the service checks the right (403) and the state (a Chinese message).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.cases.selectors import case_list_for_user
from chuangcheng.core.downloads import attachment
from chuangcheng.core.evidence import FILE_TYPES
from chuangcheng.core.officialdoc import docx_to_pdf, pdf_available
from chuangcheng.core.web import form_errors, run_service
from chuangcheng.org.types import AuthedRequest

from . import services
from .access import can_keep, reads_every_unit, require_keeper, sees_unit_detail
from .bulletin import bulletin_bytes
from .choices import ComponentKind, RunStatus
from .forms import (
    AdjustmentForm,
    BulletinTextForm,
    CommentForm,
    ComponentForm,
    CorrectForm,
    SchemeForm,
    TypicalCaseForm,
)
from .models import Adjustment, Run, TypicalCase
from .selectors import get_run_for_user, get_scheme_for_user
from .views import run_page

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@contextmanager
def model_errors(form: Any) -> Iterator[None]:
    """The model's own validation (``full_clean`` in the service) as the form's error, not a 500."""
    try:
        yield
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)


# ---- the scheme ----------------------------------------------------------------------------------


def _scheme_for(request: AuthedRequest, pk: int) -> Any:
    if not reads_every_unit(request.user):
        raise PermissionDenied(_("只有县级用户可以查看考核方案"))
    return get_scheme_for_user(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: AuthedRequest, pk: int) -> HttpResponse:
    """考核方案: settings and the components table; the office edits, county readers read."""
    item = _scheme_for(request, pk)
    keeper = can_keep(request.user)
    form = SchemeForm.for_scheme(item, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require_keeper(request.user)
        if form.is_valid():
            with form_errors(form), model_errors(form):
                services.scheme_update(scheme=item, by=request.user, **form.changes())
                messages.success(request, _("考核方案已保存"))
                return redirect("appraisal:scheme", item.pk)
    return _scheme_page(request, item, keeper, form, status=400 if form.errors else 200)


def _scheme_page(
    request: AuthedRequest, item: Any, keeper: bool, form: SchemeForm, *, status: int = 200, bound: Any = None
) -> HttpResponse:
    components = []
    for component in item.components.order_by("sort_order", "pk"):
        component_form = bound if bound is not None and bound.component.pk == component.pk else None
        components.append({"component": component, "form": component_form or ComponentForm(component=component)})
    context = {"scheme": item, "form": form, "keeper": keeper, "components": components, "kinds": ComponentKind}
    return render(request, "appraisal/scheme.html", context, status=status)


@login_required
@require_POST
def scheme_component(request: AuthedRequest, pk: int, component_pk: int) -> HttpResponse:
    """Save one component's weight, groups, on/off and parameters."""
    item = _scheme_for(request, pk)
    require_keeper(request.user)
    component = get_object_or_404(item.components, pk=component_pk)
    form = ComponentForm(request.POST, component=component)
    if form.is_valid():
        with form_errors(form), model_errors(form):
            services.component_save(component=form.apply(), by=request.user)
            messages.success(request, _("考核项“%(name)s”已保存") % {"name": component.name})
            return redirect("appraisal:scheme", item.pk)
    component.refresh_from_db()
    return _scheme_page(request, item, True, SchemeForm.for_scheme(item), status=400, bound=form)


# ---- a draft's review -----------------------------------------------------------------------------


def _keeper_run(request: AuthedRequest, pk: int) -> Run:
    run = get_run_for_user(request.user, pk)
    require_keeper(request.user)
    return run


@login_required
@require_POST
def recompute(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _keeper_run(request, pk)
    run_service(request, lambda: services.run_recompute(run=run, by=request.user), _("已按最新数据重新计算"))
    return redirect("appraisal:run", run.pk)


def _run_form(
    request: AuthedRequest, run: Run, form: Any, name: str, act: Callable[[dict[str, Any]], Any], done: str
) -> HttpResponse:
    """One office form on the run page: valid → the service (whose ``DomainError`` lands on the
    form) → the message and the page of the run it returns; otherwise the run page again, with this
    form and its errors (400)."""
    if form.is_valid():
        with form_errors(form):
            target = act(form.cleaned_data)
            messages.success(request, done)
            return redirect("appraisal:run", target.pk)
    run.refresh_from_db()
    return run_page(request, run, status=400, **{name: form})


@login_required
@require_POST
def adjustment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """加分/扣分 with a reason and optional evidence; the ranking follows at once."""
    run = _keeper_run(request, pk)
    form = AdjustmentForm(request.POST, request.FILES, run=run)

    def act(data: dict[str, Any]) -> Run:
        upload = data["evidence"]
        services.adjustment_add(
            run=run,
            unit=form.units[data["unit"]],
            kind=data["kind"],
            points=data["points"],
            reason=data["reason"],
            by=request.user,
            evidence=ContentFile(upload.data) if upload else None,
            evidence_name=upload.name if upload else "",
            idempotency_key=data["idempotency_key"] or None,
        )
        return run

    return _run_form(request, run, form, "adjustment_form", act, _("加减分已录入，排名已更新"))


@login_required
@require_POST
def adjustment_remove(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    run = _keeper_run(request, pk)
    item = get_object_or_404(Adjustment, run=run, pk=item_pk)
    run_service(request, lambda: services.adjustment_remove(item=item, by=request.user), _("加减分已删除"))
    return redirect("appraisal:run", run.pk)


@login_required
@require_GET
def adjustment_evidence(request: AuthedRequest, pk: int, item_pk: int) -> FileResponse:
    """A 加减分 item's evidence: for whoever sees that unit's detail in the run."""
    run = get_run_for_user(request.user, pk)
    item = get_object_or_404(Adjustment.objects.select_related("unit"), run=run, pk=item_pk)
    if not sees_unit_detail(request.user, item.unit) or not item.evidence:
        raise Http404(_("没有找到该佐证材料"))
    extension = item.evidence.name.rsplit(".", 1)[-1].lower()
    content_type = next((ct for ext, ct in FILE_TYPES.values() if ext == extension), "application/octet-stream")
    try:
        handle = default_storage.open(item.evidence.name, "rb")
    except OSError:
        raise Http404(_("佐证材料文件不存在")) from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = attachment(item.evidence_name or f"evidence.{extension}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def comment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _keeper_run(request, pk)
    form = CommentForm(request.POST, run=run)

    def act(data: dict[str, Any]) -> Run:
        unit = run.results.select_related("unit").get(unit_id=data["unit"]).unit if data["unit"] else None
        services.comment_add(run=run, by=request.user, text=data["text"], unit=unit)
        return run

    return _run_form(request, run, form, "comment_form", act, _("审核意见已保存"))


@login_required
@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _keeper_run(request, pk)
    run_service(request, lambda: services.run_publish(run=run, by=request.user), _("已发布，各单位已收到通知"))
    return redirect("appraisal:run", run.pk)


@login_required
@require_POST
def correct(request: AuthedRequest, pk: int) -> HttpResponse:
    """更正 a published run: a new draft revision with the reason (required)."""
    run = _keeper_run(request, pk)
    form = CorrectForm(request.POST)

    def act(data: dict[str, Any]) -> Run:
        return services.run_correct(run=run, by=request.user, reason=data["reason"])

    return _run_form(request, run, form, "correct_form", act, _("已生成更正草稿，请复核后重新发布"))


@login_required
@require_POST
def discard(request: AuthedRequest, pk: int) -> HttpResponse:
    run = _keeper_run(request, pk)
    if run_service(request, lambda: services.run_discard(run=run, by=request.user), _("草稿已删除")):
        return redirect("appraisal:runs")
    return redirect("appraisal:run", run.pk)


# ---- the bulletin ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bulletin(request: AuthedRequest, pk: int) -> HttpResponse:
    """通报: the office edits its text parts and picks 典型问题 on a draft; a published run's 文号,
    hash and downloads."""
    run = get_run_for_user(request.user, pk)
    editable = can_keep(request.user) and run.status == RunStatus.DRAFT
    form = BulletinTextForm(request.POST if request.method == "POST" else None, initial=run.bulletin_text)
    if request.method == "POST":
        require_keeper(request.user)
        if form.is_valid():
            with form_errors(form):
                services.bulletin_text_save(run=run, by=request.user, texts=form.cleaned_data)
                messages.success(request, _("通报文字已保存"))
                return redirect("appraisal:bulletin", run.pk)
    return _bulletin_page(request, run, editable, form, TypicalCaseForm(), status=400 if form.errors else 200)


def _bulletin_page(
    request: AuthedRequest, run: Run, editable: bool, form: Any, case_form: Any, *, status: int = 200
) -> HttpResponse:
    picks = []
    chosen = list(run.typical_cases.select_related("case", "case__category", "case__unit"))
    # The 通报 goes to every unit, but a case link or photo only to those who may open the case.
    visible = set(
        case_list_for_user(user=request.user).filter(pk__in=[p.case_id for p in chosen]).values_list("pk", flat=True)
    )
    for pick in chosen:
        photos = list(pick.case.photos.order_by("pk"))
        picks.append(
            {
                "pick": pick,
                "visible": pick.case_id in visible,
                "before": next((p for p in photos if p.kind == "before"), None),
                "after": next((p for p in reversed(photos) if p.kind == "after"), None),
            }
        )
    context = {
        "run": run,
        "editable": editable,
        "form": form,
        "case_form": case_form,
        "picks": picks,
        "pdf_ready": pdf_available(),
        "published": run.status != RunStatus.DRAFT,
    }
    return render(request, "appraisal/bulletin.html", context, status=status)


def _pdf_of(run: Run) -> bytes | None:
    """The bulletin as PDF (LibreOffice); None where it cannot be made on this machine."""
    if not pdf_available():
        return None
    return docx_to_pdf(bulletin_bytes(run))


@login_required
@require_POST
def typical_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Pick a case for 典型问题 by its code (among the cases the office may see)."""
    run = _keeper_run(request, pk)
    form = TypicalCaseForm(request.POST)
    if form.is_valid():
        case = case_list_for_user(user=request.user).filter(code=form.cleaned_data["code"].strip()).first()
        if case is None:
            form.add_error("code", _("没有找到该编号的案卷"))
        else:
            with form_errors(form):
                services.typical_case_add(run=run, case=case, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("已加入典型问题"))
                return redirect("appraisal:bulletin", run.pk)
    text_form = BulletinTextForm(initial=run.bulletin_text)
    return _bulletin_page(request, run, True, text_form, form, status=400)


@login_required
@require_POST
def typical_remove(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    run = _keeper_run(request, pk)
    item = get_object_or_404(TypicalCase, run=run, pk=item_pk)
    run_service(request, lambda: services.typical_case_remove(item=item, by=request.user), _("已移出典型问题"))
    return redirect("appraisal:bulletin", run.pk)


def _bulletin_name(run: Run, extension: str) -> str:
    suffix = "" if run.status != RunStatus.DRAFT else _("（预览）")
    return f"{_('月度考核通报')}-{run.label}{suffix}.{extension}"


@login_required
@require_GET
def bulletin_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    response = HttpResponse(bulletin_bytes(run), content_type=DOCX_TYPE)
    response["Content-Disposition"] = attachment(_bulletin_name(run, "docx"))
    return response


@login_required
@require_GET
def bulletin_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk)
    pdf = _pdf_of(run)
    if pdf is None:
        messages.error(request, _("本机未安装 LibreOffice，暂不能生成 PDF"))
        return redirect("appraisal:bulletin", run.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = attachment(_bulletin_name(run, "pdf"))
    return response
