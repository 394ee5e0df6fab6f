"""Pages of the monthly appraisal that read: the run list, a run, a unit's figures, the traced
lists, 我的考核 and the .xlsx export. The office's writes are in ``views_office.py``.

Who sees what is ``selectors.py``: drafts are a 404 for units and leaders; a unit sees the
ranking tables of a published run and its own detail only (another unit's page is a 404).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chuangcheng.core.downloads import xlsx_download
from chuangcheng.core.web import form_errors, paginate
from chuangcheng.org.types import AuthedRequest

from . import services
from .access import can_keep, reads_every_unit, require_keeper, require_reader
from .choices import AdjustmentKind, Board, RunStatus
from .exports import RunExport, movement_text
from .forms import AdjustmentForm, CommentForm, CorrectForm, RunCreateForm
from .models import Run, Scheme, UnitResult
from .scoring import GRADE_COLOURS
from .selectors import (
    components_for_group,
    county_trend,
    figure_of,
    get_result_for_user,
    get_run_for_user,
    other_revisions,
    own_results_for_user,
    results_by_group,
    runs_list_for_user,
    trace_list,
    unit_trend,
)

PAGE_SIZE = 30
TRACE_PAGE_SIZE = 50


def chart_text() -> dict[str, str]:
    return {
        "total": _("总分"),
        "county": _("全县平均"),
        "empty": _("暂无数据"),
        "rank": _("名次"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request: AuthedRequest) -> HttpResponse:
    """考核列表: the runs, newest first; the office creates a month's draft here."""
    require_reader(request.user)
    keeper = can_keep(request.user)
    form = RunCreateForm(request.POST or None) if keeper else None
    if request.method == "POST":
        require_keeper(request.user)
        assert form is not None
        if form.is_valid():
            with form_errors(form):
                run = services.month_run_create(
                    scheme=form.cleaned_data["scheme"],
                    by=request.user,
                    year=form.cleaned_data["year"],
                    month=form.cleaned_data["month"],
                )
                return redirect("appraisal:run", run.pk)
    page = paginate(request, runs_list_for_user(user=request.user), PAGE_SIZE)
    schemes = Scheme.objects.order_by("-is_active", "-year", "pk") if reads_every_unit(request.user) else []
    context = {"page": page, "form": form, "keeper": keeper, "schemes": schemes}
    return render(request, "appraisal/run_list.html", context, status=400 if form is not None and form.errors else 200)


def board_label(board: str) -> str:
    return str(dict(Board.choices).get(board, "")) if board else ""


def _row(result: UnitResult, components: list[dict[str, Any]], detail: bool) -> dict[str, Any]:
    return {
        "result": result,
        "movement": movement_text(result.movement),
        "moved": "" if result.movement in (None, 0) else "up" if (result.movement or 0) > 0 else "down",
        "cells": [figure_of(result, c) for c in components] if detail else [],
        "board": board_label(result.board),
        "two_black": result.black_streak >= 2,
    }


def _tables(run: Run, detail: bool, own_units: set[int]) -> list[dict[str, Any]]:
    tables = []
    for table in results_by_group(run):
        components = components_for_group(run, table.group) if detail else []
        rows = [_row(r, components, detail) for r in table.results]
        for row in rows:
            row["own"] = row["result"].unit_id in own_units
            row["linked"] = detail or row["own"]
        tables.append({"group": table.group, "label": table.label, "components": components, "rows": rows})
    return tables


def _breakdown(run: Run, results: list[UnitResult]) -> dict[str, Any]:
    """Each unit's base score split into its components' shares (weight × score / Σ weights scored)."""
    components = list(run.scheme_snapshot.get("components") or [])
    names = [c["name"] for c in components]
    series: list[list[float]] = [[] for _c in components]
    for result in results:
        scored = [(i, figure_of(result, c)) for i, c in enumerate(components)]
        weights = sum(
            (Decimal(f["weight"]) for _i, f in scored if f and f.get("score") is not None and Decimal(f["weight"]) > 0),
            Decimal("0"),
        )
        for i, figure in scored:
            share = 0.0
            if figure and figure.get("score") is not None and weights:
                share = round(float(Decimal(figure["weight"]) * Decimal(figure["score"]) / weights), 2)
            series[i].append(share)
    keep = [i for i, values in enumerate(series) if any(values)]
    return {
        "units": [r.unit_name for r in results],
        "series": [{"name": names[i], "data": series[i]} for i in keep],
    }


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _charts(run: Run, tables: list[dict[str, Any]], detail: bool, unit_pk: int | None = None) -> dict[str, Any]:
    trend = county_trend(run)
    data: dict[str, Any] = {
        "text": chart_text(),
        "groups": [
            {
                "label": t["label"],
                "units": [row["result"].unit_name for row in t["rows"] if row["result"].total is not None],
                "totals": [_num(row["result"].total) for row in t["rows"] if row["result"].total is not None],
                "boards": [row["result"].board for row in t["rows"] if row["result"].total is not None],
            }
            for t in tables
        ],
        "trend": {"labels": [p.label for p in trend], "county": [_num(p.value) for p in trend]},
    }
    if unit_pk is not None:
        points = unit_trend(run, unit_pk)
        data["trend"]["unit"] = [_num(p.value) for p in points]
    if detail:
        results = [row["result"] for t in tables for row in t["rows"] if row["result"].total is not None]
        data["breakdown"] = _breakdown(run, results)
    return data


@login_required
@require_GET
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A run: header, 总体情况, one ranking table per group, 红黑榜, charts; the office's tools on a draft."""
    return run_page(request, get_run_for_user(request.user, pk))


def run_page(request: AuthedRequest, run: Run, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The run page; a refused office form comes back bound (with its errors) in ``forms``."""
    detail = reads_every_unit(request.user)
    own = set(own_results_for_user(user=request.user).values_list("unit_id", flat=True)) if not detail else set()
    tables = _tables(run, detail, own)
    keeper = can_keep(request.user)
    draft = run.status == RunStatus.DRAFT
    all_results = [row["result"] for t in tables for row in t["rows"]]
    context: dict[str, Any] = {
        "run": run,
        "tables": tables,
        "detail": detail,
        "keeper": keeper,
        "draft": draft,
        "overview": run.overview,
        "red": [r for r in all_results if r.board == Board.RED],
        "black": [r for r in all_results if r.board == Board.BLACK],
        "revisions": other_revisions(request.user, run),
        "charts": _charts(run, tables, detail),
        "adjustments": run.adjustments.select_related("unit", "created_by") if detail else [],
        "comments": run.comments.select_related("unit", "by") if detail else [],
        "grade_colours": GRADE_COLOURS,
    }
    if keeper and draft:
        context["adjustment_form"] = forms.get("adjustment_form") or AdjustmentForm(
            run=run, initial={"kind": AdjustmentKind.OTHER}
        )
        context["comment_form"] = forms.get("comment_form") or CommentForm(run=run)
    if keeper and run.status == RunStatus.PUBLISHED:
        context["correct_form"] = forms.get("correct_form") or CorrectForm()
    return render(request, "appraisal/run_detail.html", context, status=status)


@login_required
@require_GET
def unit_detail(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's figures in a run: each component's 分子/分母 (linked to the traced lists), value,
    score and state; its 加减分, the office's comments on it, its 12-month trend."""
    run = get_run_for_user(request.user, pk)
    result = get_result_for_user(request.user, run, unit_pk)
    components = components_for_group(run, result.group)
    rows = [{"component": c, "figure": figure_of(result, c), "traced": c["kind"] in result.trace} for c in components]
    context = {
        "run": run,
        "result": result,
        "rows": rows,
        "movement": movement_text(result.movement),
        "board": board_label(result.board),
        "adjustments": run.adjustments.filter(unit_id=unit_pk),
        "comments": run.comments.filter(unit_id=unit_pk).select_related("by"),
        "trend": unit_trend(run, unit_pk),
        "charts": {**_charts(run, [], False, unit_pk), "unit_name": result.unit_name, "groups": []},
        "detail": reads_every_unit(request.user),
    }
    return render(request, "appraisal/unit_detail.html", context)


@login_required
@require_GET
def trace(request: AuthedRequest, pk: int, unit_pk: int, kind: str, part: str) -> HttpResponse:
    """The cases, tasks, 督办单 or inspections behind one figure's numerator or denominator."""
    run = get_run_for_user(request.user, pk)
    result = get_result_for_user(request.user, run, unit_pk)
    traced = trace_list(result, kind, part)
    figure = result.figures.get(kind) or {}
    context = {
        "run": run,
        "result": result,
        "trace": traced,
        "figure": figure,
        "part_label": _("分子") if part == "num" else _("分母"),
        "page": paginate(request, traced.items, TRACE_PAGE_SIZE),
    }
    return render(request, "appraisal/trace.html", context)


@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    """我的考核: the unit's latest published result and its past months; the county goes to the list."""
    require_reader(request.user)
    if reads_every_unit(request.user):
        return redirect("appraisal:runs")
    results = list(own_results_for_user(user=request.user)[:60])
    latest = results[0] if results else None
    context: dict[str, Any] = {"results": results, "latest": latest}
    if latest is not None:
        components = components_for_group(latest.run, latest.group)
        context["rows"] = [{"component": c, "figure": figure_of(latest, c)} for c in components]
        context["movement"] = movement_text(latest.movement)
        context["board"] = board_label(latest.board)
        context["history"] = [(r, movement_text(r.movement)) for r in results]
    return render(request, "appraisal/mine.html", context)


@login_required
@require_GET
def run_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The run's full table (county readers; a unit reads its own detail on its page)."""
    run = get_run_for_user(request.user, pk)
    if not reads_every_unit(request.user):
        raise PermissionDenied(_("只有县级用户可以导出完整考核表"))
    name = f"{_('月度考核')}-{run.label}-{_('第%(n)d版') % {'n': run.revision}}.xlsx"
    return xlsx_download(RunExport(run).to_bytes(), name)


def run_url(run: Run) -> str:
    return reverse("appraisal:run", args=[run.pk])
