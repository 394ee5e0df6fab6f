"""The street roles' phone pages: 今日任务, 附近点位, a place's checklist (the form), the done page.

The pages are kept by the service worker for use without a signal (``core.offline``). With
JavaScript the form is sent through the offline queue to the API (``api_field``), photos
downscaled in the browser; without it the form posts here and the server does the same.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chuangcheng.core.errors import DomainError
from chuangcheng.core.offline import offline_page
from chuangcheng.org.types import AuthedRequest
from chuangcheng.places.models import RoadSegment, Site

from . import forms_field, selectors_field, services
from .access import can_inspect
from .choices import InspectionKind, ItemFamily, Outcome, VisitState
from .models import ChecklistItem, Inspection, InspectionResult, Visit
from .selectors import active_items, checklist_for_segment, checklist_for_site


def _require_inspector(request: AuthedRequest) -> None:
    if not can_inspect(request.user):
        raise PermissionDenied(_("只有巡查员、路长、督查室和创建办使用现场检查"))


def _point(request: AuthedRequest) -> tuple[float | None, float | None]:
    return forms_field.point_from_post(request.GET)


def place_url(place: Site | RoadSegment, visit: Visit | None = None) -> str:
    name = "inspections:field_site" if isinstance(place, Site) else "inspections:field_segment"
    url = reverse(name, args=[place.pk])
    return f"{url}?{urlencode({'visit': visit.pk})}" if visit is not None else url


@login_required
@require_GET
@offline_page
def today(request: AuthedRequest) -> HttpResponse:
    """今日任务: my visits of today, nearest first once the phone knows where it is."""
    _require_inspector(request)
    lon, lat = _point(request)
    visits = selectors_field.sort_by_distance(
        selectors_field.today_visits_for_user(user=request.user, today=timezone.localdate()), lon, lat
    )
    rows = [_visit_row(visit) for visit in visits]
    context = {"rows": rows, "pending": sum(1 for row in rows if row["pending"]), "today": timezone.localdate()}
    return render(request, "inspections/field/today.html", context)


def _visit_row(visit: Visit) -> dict[str, Any]:
    place = visit.site or visit.segment
    assert place is not None
    lon, lat = selectors_field.place_point(place)
    return {
        "visit": visit,
        "place": place,
        "is_site": visit.site_id is not None,
        "url": place_url(place, visit),
        "lon": lon,
        "lat": lat,
        "pending": getattr(visit, "state", "") == VisitState.PENDING,
        "state_label": VisitState(getattr(visit, "state", VisitState.PENDING)).label,
    }


@login_required
@require_GET
@offline_page
def nearby(request: AuthedRequest) -> HttpResponse:
    """附近点位 (off-plan): what lies within reach of the phone's position, nearest first."""
    _require_inspector(request)
    lon, lat = _point(request)
    near = []
    if lon is not None and lat is not None:
        near = selectors_field.places_near_for_user(user=request.user, lon=lon, lat=lat)
    rows = [{"near": n, "place": n.place, "url": place_url(n.place)} for n in near]
    context = {"rows": rows, "located": lon is not None, "radius": selectors_field.NEARBY_RADIUS_M}
    return render(request, "inspections/field/nearby.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@offline_page
def site_form(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_inspector(request)
    site = selectors_field.get_field_site_for_user(request.user, pk)
    return _form(request, site)


@login_required
@require_http_methods(["GET", "POST"])
@offline_page
def segment_form(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_inspector(request)
    segment = selectors_field.get_field_segment_for_user(request.user, pk)
    return _form(request, segment)


def _visit_of(request: AuthedRequest) -> Visit | None:
    raw = request.GET.get("visit") or request.POST.get("visit") or ""
    if not raw.isdigit() or len(raw) > 18:
        return None
    return selectors_field.get_visit_for_user(request.user, int(raw))


def _form(request: AuthedRequest, place: Site | RoadSegment) -> HttpResponse:
    visit = _visit_of(request)
    checklist = checklist_for_site(place) if isinstance(place, Site) else checklist_for_segment(place)
    items = list(active_items(checklist)) if checklist is not None else []
    error = ""
    if request.method == "POST":
        try:
            key = forms_field.clean_key(request.POST.get("idempotency_key"))
            raw = forms_field.raw_from_post(request.POST, request.FILES, items)
            inspection = _submit(request, place, visit, raw, key)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(f"{reverse('inspections:field_done')}?{urlencode({'key': inspection.idempotency_key})}")
    context = {
        "place": place,
        "is_site": isinstance(place, Site),
        "visit": visit,
        "checklist": checklist,
        "families": _by_family(items, request.POST if request.method == "POST" else None),
        "count": len(items),
        "error": error,
        "outcomes": Outcome.choices,
        "key": request.POST.get("idempotency_key", "") if error else uuid.uuid4().hex,
    }
    return render(request, "inspections/field/form.html", context, status=400 if error else 200)


def _submit(
    request: AuthedRequest,
    place: Site | RoadSegment,
    visit: Visit | None,
    raw: list[forms_field.RawAnswer],
    key: str,
) -> Inspection:
    answers = forms_field.answers_with_photos(raw)
    lon, lat = forms_field.point_from_post(request.POST)
    inspection, _created = services.inspection_submit(
        by=request.user,
        kind=visit.kind if visit is not None else InspectionKind.PATROL,
        answers=answers,
        site=place if isinstance(place, Site) else None,
        segment=place if isinstance(place, RoadSegment) else None,
        lon=lon,
        lat=lat,
        note=request.POST.get("note", "")[:500],
        idempotency_key=key,
        visit=visit,
    )
    return inspection


def _by_family(items: list[ChecklistItem], post: QueryDict | None) -> list[tuple[str, list[dict[str, Any]]]]:
    """The items in the families of the national field check, each with what a refused post had chosen."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        chosen = post.get(f"outcome_{item.pk}", "") if post is not None else ""
        note = post.get(f"note_{item.pk}", "") if post is not None else ""
        groups[item.family].append({"item": item, "outcome": chosen, "note": note})
    return [(str(label), groups[value]) for value, label in ItemFamily.choices if groups.get(value)]


@login_required
@require_GET
def done(request: AuthedRequest) -> HttpResponse:
    """After a submission: the score, what failed and the cases opened or joined."""
    _require_inspector(request)
    inspection = selectors_field.inspection_by_key_for_user(user=request.user, key=request.GET.get("key", "")[:64])
    failed: list[InspectionResult] = []
    if inspection is not None:
        failed = list(
            inspection.results.filter(outcome=Outcome.FAIL)
            .select_related("item_version", "case")
            .prefetch_related("photos")
            .order_by("pk")
        )
    context = {"inspection": inspection, "failed": failed, "opened": sum(1 for r in failed if r.case_opened)}
    return render(request, "inspections/field/done.html", context)
