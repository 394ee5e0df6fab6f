"""Pages of the case loop: report, intake, dispatch, 待办, detail, handle, verify, list, export.

Views are thin: parse the input with a form, fetch the case through ``get_case_for_user``
(404 outside the user's scope), refuse with 403 an action the user's roles never allow on
this case (``access.role_actions``), call one service and redirect with a message. A
``DomainError`` from the service (wrong state, someone was quicker, a missing reason) is
shown as it is and nothing has changed: every service is atomic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core import transitions
from chuangcheng.core.downloads import private_photo, spooled_xlsx, stamp
from chuangcheng.core.errors import DomainError
from chuangcheng.core.offline import offline_page
from chuangcheng.core.registry import case_links
from chuangcheng.core.web import form_errors, map_context, next_or, paginate, render_page, run_service, with_filters
from chuangcheng.org.types import AuthedRequest
from chuangcheng.places.geojson import segment_feature

from . import services
from .access import STATES_FOR, available_actions, can_intake, can_report, role_actions
from .choices import STATUS_BADGES, Action, ExtensionStatus, Light, PhotoKind, Status
from .exports import CaseExporter
from .forms import (
    CaseFilterForm,
    DecisionForm,
    DispatchForm,
    ExtensionForm,
    HandleForm,
    MergeForm,
    NoteForm,
    ReportForm,
    SuspendForm,
    VerifyForm,
    first_error,
)
from .models import Case, CaseEvent, CasePhoto
from .routing import all_suggestions
from .selectors import (
    case_list_for_user,
    duplicate_candidates_for_user,
    get_case_for_user,
    get_photo_for_user,
    status_light,
    todo_for_user,
)

PAGE_SIZE = 50
TODO_PAGE_SIZE = 30
INTAKE_PAGE_SIZE = 20
# The map view of the list draws at most this many markers (newest first) and says so.
MAP_LIMIT = 2000


# ---- helpers -----------------------------------------------------------------------------


def _detail(case: Case) -> HttpResponse:
    return redirect("cases:detail", pk=case.pk)


def _case_for(request: AuthedRequest, pk: int, action: str) -> Case:
    """The case if the user may see it (else 404) and their roles allow ``action`` on it (else 403)."""
    case = get_case_for_user(request.user, pk)
    if action not in role_actions(request.user, case):
        raise PermissionDenied(_("您没有权限执行此操作"))
    return case


def _wrong_state(request: AuthedRequest, case: Case, action: str) -> HttpResponse | None:
    """On a form page opened in a state that no longer allows it: back to the case, saying why."""
    allowed = STATES_FOR.get(action, (case.status,))
    try:
        transitions.require_status(
            case, allowed_from=allowed, noun=services.CASE, action_label=str(Action(action).label)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(case)
    return None


def _with_lights(cases: Iterable[Case]) -> list[Case]:
    now = timezone.now()
    items = list(cases)
    for case in items:
        case.light = status_light(case, now)  # type: ignore[attr-defined]
    return items


def case_feature(case: Case, *, light: str | None = None, role: str = "") -> dict[str, Any]:
    """A case as a GeoJSON point for the maps (colour from its light, or its role on the map)."""
    light = light or getattr(case, "light", Light.NONE)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [case.lon, case.lat]},
        "properties": {
            "kind": "case",
            "id": case.pk,
            "name": f"{case.code} {case.category.name}",
            "status": case.get_status_display(),
            "light": light,
            "role": role,
            "url": reverse("cases:detail", args=[case.pk]),
        },
    }


def _collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _export_url(query: QueryDict) -> str:
    return with_filters(reverse("cases:export_xlsx"), query, drop=("page", "view"))


# ---- list, export, 待办 ---------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    """问题列表: filters, table or map view (markers coloured by light), Excel export of the same filter."""
    form = CaseFilterForm(request.GET, user=request.user)
    qs = case_list_for_user(user=request.user, filters=form.filters()).order_by("-created_at", "-pk")
    view = "map" if request.GET.get("view") == "map" else "table"
    context: dict[str, Any] = {"form": form, "view": view, "export_url": _export_url(request.GET), **map_context()}
    if view == "map":
        shown = _with_lights(qs[: MAP_LIMIT + 1])
        context["truncated"] = len(shown) > MAP_LIMIT
        context["features"] = _collection(case_feature(c) for c in shown[:MAP_LIMIT])
        context["count"] = len(shown[:MAP_LIMIT])
    else:
        page = paginate(request, qs, PAGE_SIZE)
        page.object_list = _with_lights(page.object_list)
        context["page"] = page
    return render_page(request, "cases/list.html", context)


@login_required
@require_GET
def export_xlsx(request: AuthedRequest) -> FileResponse:
    """The filtered list as .xlsx (only the cases the user may see)."""
    form = CaseFilterForm(request.GET, user=request.user)
    exporter = CaseExporter(case_list_for_user(user=request.user, filters=form.filters()).order_by("-created_at"))
    return spooled_xlsx(exporter.write_xlsx, f"{exporter.filename}-{stamp()}.xlsx")


@login_required
@require_GET
def todo(request: AuthedRequest) -> HttpResponse:
    """本单位待办: the cases the user's units hold, most urgent first, as phone cards."""
    qs = todo_for_user(user=request.user)
    page = paginate(request, qs, TODO_PAGE_SIZE)
    page.object_list = _with_lights(page.object_list)
    return render(request, "cases/todo.html", {"page": page})


# ---- report and intake ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@offline_page
def report(request: AuthedRequest) -> HttpResponse:
    """上报 from a phone: photos are checked first; a retried submission returns the first case."""
    if not can_report(request.user):
        raise PermissionDenied(_("您没有上报问题的权限"))
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            case, _created = services.case_report(
                by=request.user,
                source=form.source_value(),
                category=data["category"],
                description=data["description"],
                address=data["address"],
                lon=data["lon"],
                lat=data["lat"],
                crs="wgs84",  # the browser's geolocation is WGS84
                photos=data["photos"],
                # Per user, so a key seen elsewhere cannot fetch somebody else's case.
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}",
            )
            messages.success(request, _("已上报，案卷编号 %(code)s") % {"code": case.code})
            return _detail(case)
    return render(request, "cases/report.html", {"form": form, **map_context()})


@login_required
@require_GET
def intake(request: AuthedRequest) -> HttpResponse:
    """受理: reported cases (oldest first) with duplicate candidates, and cases waiting to be dispatched."""
    if not can_intake(request.user):
        raise PermissionDenied(_("只有创建办可以受理案卷"))
    reported = (
        case_list_for_user(user=request.user, filters={"status": Status.REPORTED})
        .prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.filter(kind=PhotoKind.BEFORE)))
        .order_by("created_at", "pk")
    )
    page = paginate(request, reported, INTAKE_PAGE_SIZE)
    items = []
    for case in page:
        candidates = duplicate_candidates_for_user(
            user=request.user, category=case.category, lon=case.lon, lat=case.lat, exclude=case.pk
        )
        features = [case_feature(case, role="self")] + [case_feature(c, role="candidate") for c, _d in candidates]
        items.append({"case": case, "candidates": candidates, "features": _collection(features)})
    waiting = (
        case_list_for_user(user=request.user)
        .filter(status__in=STATES_FOR[Action.DISPATCH])
        .order_by("created_at", "pk")[:PAGE_SIZE]
    )
    context = {"page": page, "items": items, "waiting": list(waiting), **map_context()}
    return render(request, "cases/intake.html", context)


@login_required
@require_POST
def accept(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.ACCEPT)
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if run_service(request, lambda: services.case_accept(case=case, by=request.user, note=note), _("已立案，请派遣")):
        return redirect("cases:dispatch", pk=case.pk)
    return redirect(next_or(request, reverse("cases:detail", args=[case.pk])))


@login_required
@require_POST
def reject(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.REJECT)
    reason = request.POST.get("reason", "")
    run_service(request, lambda: services.case_reject(case=case, by=request.user, reason=reason), _("已不予立案"))
    return redirect(next_or(request, reverse("cases:detail", args=[case.pk])))


@login_required
@require_POST
def merge(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.MERGE)
    form = MergeForm(request.POST)
    back = next_or(request, reverse("cases:detail", args=[case.pk]))
    if not form.is_valid():
        messages.error(request, _("请选择要合并到的案卷"))
        return redirect(back)
    # Only a case the user can see, and one offered as a duplicate of this one.
    offered = {
        c.pk: c
        for c, _d in duplicate_candidates_for_user(
            user=request.user, category=case.category, lon=case.lon, lat=case.lat
        )
    }
    into = offered.get(form.cleaned_data["into"])
    if into is None or into.pk == case.pk:
        messages.error(request, _("只能合并到附近同类的未结案卷"))
        return redirect(back)
    note = form.cleaned_data.get("note", "")
    run_service(
        request,
        lambda: services.case_merge(case=case, by=request.user, into=into, note=note),
        _("已合并到案卷 %(code)s") % {"code": into.code},
    )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request: AuthedRequest, pk: int) -> HttpResponse:
    """派遣: the routing suggestions with their reasons and people; any unit may be chosen instead."""
    case = _case_for(request, pk, Action.DISPATCH)
    if request.method == "GET" and (moved := _wrong_state(request, case, Action.DISPATCH)):
        return moved
    suggestions = all_suggestions(case)
    form = DispatchForm(
        request.POST or None, suggested=[s.unit for s in suggestions], user=request.user, urgent=case.urgent
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            services.case_dispatch(
                case=case,
                by=request.user,
                unit=data["unit"],
                handler=data["handler"],
                note=data["note"],
                urgent=data["urgent"],
            )
            messages.success(request, _("已派遣给 %(unit)s") % {"unit": data["unit"]})
            return _detail(case)
    features = [case_feature(case, role="self")]
    if case.segment is not None:
        features.insert(0, segment_feature(case.segment))
    context = {
        "case": case,
        "form": form,
        "suggestions": suggestions,
        "features": _collection(features),
        **map_context(),
    }
    return render(request, "cases/dispatch.html", context)


# ---- the case page and the actions on it ------------------------------------------------------


def _timeline(case: Case) -> list[CaseEvent]:
    return list(case.events.select_related("actor", "unit").prefetch_related("photos").order_by("at", "pk"))


def _after_photos(events: list[CaseEvent]) -> list[CasePhoto]:
    """The after-photos of the latest 处置 (what a verifier judges)."""
    handles = [e for e in events if e.action == Action.HANDLE]
    return list(handles[-1].photos.all()) if handles else []


@login_required
@require_GET
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    events = _timeline(case)
    actions = available_actions(request.user, case)
    features = [case_feature(case, light=status_light(case))]
    if case.segment is not None:
        features.insert(0, segment_feature(case.segment))
    context: dict[str, Any] = {
        "case": case,
        "light": status_light(case),
        "status_badge": STATUS_BADGES.get(Status(case.status), ""),
        "events": events,
        "before": [p for p in case.photos.all() if p.kind == PhotoKind.BEFORE],
        "after": _after_photos(events),
        "can": {a: a in actions for a in Action.values},
        "has_actions": bool(actions),
        "pending_extension": case.extensions.filter(status=ExtensionStatus.PENDING).first(),
        "extension_form": ExtensionForm(),
        "suspend_form": SuspendForm(),
        "features": _collection(features),
        # Links from the apps above (an inspection whose failure opened or joined this case).
        "links": case_links(request.user, case),
        **map_context(),
    }
    if actions & {Action.MERGE}:
        context["candidates"] = duplicate_candidates_for_user(
            user=request.user, category=case.category, lon=case.lon, lat=case.lat, exclude=case.pk
        )
    return render(request, "cases/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def handle(request: AuthedRequest, pk: int) -> HttpResponse:
    """处置: the note and the after-photos (checked before the service runs)."""
    case = _case_for(request, pk, Action.HANDLE)
    if request.method == "GET" and (moved := _wrong_state(request, case, Action.HANDLE)):
        return moved
    form = HandleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form_errors(form):
            services.case_handle(case=case, by=request.user, note=data["note"], photos=data["photos"])
            messages.success(request, _("已提交处置结果，等待核查"))
            return _detail(case)
    before = list(case.photos.filter(kind=PhotoKind.BEFORE))
    return render(request, "cases/handle.html", {"case": case, "form": form, "before": before})


@login_required
@require_POST
def return_case(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.RETURN)
    reason = request.POST.get("reason", "")
    run_service(request, lambda: services.case_return(case=case, by=request.user, reason=reason), _("已退回创建办"))
    return _detail(case)


@login_required
@require_POST
def extension_request(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.EXTENSION_REQUEST)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _detail(case)
    data = form.cleaned_data
    run_service(
        request,
        lambda: services.extension_request(
            case=case, by=request.user, amount=data["amount"], time_unit=data["time_unit"], reason=data["reason"]
        ),
        _("已提交延期申请，等待创建办审批"),
    )
    return _detail(case)


@login_required
@require_POST
def extension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.EXTENSION_APPROVE)
    form = DecisionForm(request.POST)
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
    if not form.is_valid() or pending is None:
        messages.error(request, _("没有待审批的延期申请") if pending is None else first_error(form))
        return _detail(case)
    approve = form.cleaned_data["decision"] == "approve"
    note = form.cleaned_data["note"]
    run_service(
        request,
        lambda: services.extension_decide(request=pending, by=request.user, approve=approve, note=note),
        _("已批准延期") if approve else _("已驳回延期申请"),
    )
    return _detail(case)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest, pk: int) -> HttpResponse:
    """核查: before and after side by side; pass closes the case, fail (with the reason) is 返工."""
    case = _case_for(request, pk, Action.VERIFY_PASS)
    if request.method == "GET" and (moved := _wrong_state(request, case, Action.VERIFY_PASS)):
        return moved
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passed = form.cleaned_data["result"] == "pass"
        with form_errors(form):
            services.case_verify(case=case, by=request.user, passed=passed, note=form.cleaned_data["note"])
            messages.success(request, _("核查通过，已结案") if passed else _("核查不通过，已退回处置单位返工"))
            return _detail(case)
    events = _timeline(case)
    before = [p for p in case.photos.all() if p.kind == PhotoKind.BEFORE]
    handle_event = next((e for e in reversed(events) if e.action == Action.HANDLE), None)
    context = {"case": case, "form": form, "before": before, "after": _after_photos(events), "handled": handle_event}
    return render(request, "cases/verify.html", context)


@login_required
@require_POST
def suspend(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.SUSPEND)
    project, reason = request.POST.get("project", ""), request.POST.get("reason", "")
    run_service(
        request,
        lambda: services.case_suspend(case=case, by=request.user, project=project, reason=reason),
        _("已挂账"),
    )
    return _detail(case)


@login_required
@require_POST
def resume(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.RESUME)
    note = request.POST.get("note", "")
    run_service(request, lambda: services.case_resume(case=case, by=request.user, note=note), _("已恢复办理"))
    return _detail(case)


@login_required
@require_POST
def reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk, Action.REOPEN)
    reason = request.POST.get("reason", "")
    run_service(
        request, lambda: services.case_reopen(case=case, by=request.user, reason=reason), _("已重新打开，请重新派遣")
    )
    return _detail(case)


# ---- photos ---------------------------------------------------------------------------------


@login_required
@require_GET
def photo(request: AuthedRequest, pk: int) -> FileResponse:
    return private_photo(get_photo_for_user(request.user, pk).image)


@login_required
@require_GET
def photo_thumb(request: AuthedRequest, pk: int) -> FileResponse:
    return private_photo(get_photo_for_user(request.user, pk).thumbnail)
