"""Pages of submitted inspections: the list, one inspection's detail (with its photos and the cases it
opened), the results by type / unit / town / indicator with a map of failing places, and their export.

Every role with inspection pages (``access.RESULT_ROLES``) opens them; what they show is scoped:
the county sees all, a unit the inspections of its places, an inspector or road chief their own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chuangcheng.cases.selectors import case_list_for_user
from chuangcheng.core.downloads import private_photo, spooled_xlsx, stamp
from chuangcheng.core.web import map_context, paginate, render_page, with_filters
from chuangcheng.org.types import AuthedRequest

from .access import can_see_inspections
from .choices import Outcome
from .exports_results import ResultsExport
from .forms_results import InspectionFilterForm, ResultsFilterForm
from .results import (
    ScoreRow,
    failing_geojson,
    failing_places,
    get_inspection_for_user,
    get_inspection_photo_for_user,
    indicator_results,
    inspection_list_for_user,
    results_by_family,
    scores_by,
    totals,
    with_names,
)

PAGE_SIZE = 30
CHART_ROWS = 20
SECTIONS = ("type", "unit", "town", "place", "indicator")


def _require(request: AuthedRequest) -> None:
    if not can_see_inspections(request.user):
        raise PermissionDenied(_("您没有查看检查记录的权限"))


@login_required
@require_GET
def inspection_list(request: AuthedRequest) -> HttpResponse:
    """检查记录: filters (period, kind, type, town, unit, inspector), newest first, paged."""
    _require(request)
    form = InspectionFilterForm(request.GET, user=request.user)
    qs = with_names(inspection_list_for_user(user=request.user, filters=form.filters()))
    page = paginate(request, qs, PAGE_SIZE)
    context = {"form": form, "page": page, "export_url": _export_url(request.GET)}
    return render_page(request, "inspections/results/list.html", context)


@login_required
@require_GET
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One inspection: its items by family (outcome, deduction, note, photos), the cases, its plan or visit."""
    _require(request)
    inspection = get_inspection_for_user(request.user, pk)
    case_ids = {r.case_id for r in inspection.results.all() if r.case_id}
    visible_cases = set(case_list_for_user(user=request.user).filter(pk__in=case_ids).values_list("pk", flat=True))
    visits = list(inspection.visits.select_related("plan", "team", "assignee"))
    context: dict[str, Any] = {
        "inspection": inspection,
        "place": inspection.site or inspection.segment,
        "families": results_by_family(inspection),
        "visible_cases": visible_cases,
        "visits": visits,
        "failed": sum(1 for r in inspection.results.all() if r.outcome == Outcome.FAIL),
    }
    return render(request, "inspections/results/detail.html", context)


@login_required
@require_GET
def photo(request: AuthedRequest, pk: int) -> FileResponse:
    return private_photo(get_inspection_photo_for_user(request.user, pk).image)


@login_required
@require_GET
def photo_thumb(request: AuthedRequest, pk: int) -> FileResponse:
    return private_photo(get_inspection_photo_for_user(request.user, pk).thumbnail)


def _export_url(query: QueryDict) -> str:
    return with_filters(reverse("inspections:results_export"), query)


def _chart(rows: list[ScoreRow]) -> dict[str, Any]:
    shown = rows[:CHART_ROWS]
    return {
        "labels": [r.label for r in shown],
        "mean": [float(r.mean_score) for r in shown],
        "failed": [r.failed_items for r in shown],
    }


@login_required
@require_GET
def results(request: AuthedRequest) -> HttpResponse:
    """检查结果 over a period: by type, unit, town, place and indicator, charts and a map of failing places."""
    _require(request)
    form = ResultsFilterForm(request.GET, user=request.user)
    inspections = inspection_list_for_user(user=request.user, filters=form.filters())
    campaign = form.chosen_campaign()
    by = {key: scores_by(inspections, key) for key in ("type", "unit", "town", "place")}
    places = failing_places(inspections)
    date_from, date_to = form.period()
    context: dict[str, Any] = {
        "form": form,
        "totals": totals(inspections),
        "by": by,
        "indicators": indicator_results(inspections, campaign) if campaign else [],
        "campaign": campaign,
        "places": places,
        "failing": failing_geojson(places),
        "charts": {
            **{key: _chart(rows) for key, rows in by.items() if key != "place"},
            "text": {"mean": _("平均得分"), "failed": _("不合格项"), "empty": _("暂无数据")},
        },
        "date_from": date_from,
        "date_to": date_to,
        "export_url": _export_url(request.GET),
        "list_url": with_filters(reverse("inspections:list"), form_query(form)),
        **map_context(),
    }
    return render_page(request, "inspections/results/results.html", context)


def form_query(form: ResultsFilterForm) -> QueryDict:
    """The results' filters as the list's query (the default period made explicit)."""
    query = QueryDict(mutable=True)
    for name, value in form.filters().items():
        query[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return query


@login_required
@require_GET
def results_export(request: AuthedRequest) -> FileResponse:
    """The results page's tables as .xlsx: one sheet per section, plus the inspections themselves."""
    _require(request)
    form = ResultsFilterForm(request.GET, user=request.user)
    export = ResultsExport(inspection_list_for_user(user=request.user, filters=form.filters()), form.chosen_campaign())
    return spooled_xlsx(export.write_xlsx, f"{_('检查结果')}-{stamp()}.xlsx")
