"""Reads of the appraisal, scoped to the user (``access.py`` says who may see what).

A run list shows drafts only to the office and the supervision office; a unit role reads the
published (and superseded) runs' ranking tables, and only its own unit's figures and traced
lists: another unit's detail is a 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from chuangcheng.cases.models import Case
from chuangcheng.indicators.models import SupervisionNotice, Task
from chuangcheng.inspections.models import Inspection
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import UnitGroup

from .access import can_read_drafts, can_read_runs, reads_every_unit, sees_unit_detail
from .choices import RunStatus
from .models import Run, Scheme, UnitResult

TREND_MONTHS = 12
TRACE_PARTS = ("num", "den")


def runs_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Run]:
    """The runs ``user`` may open, newest period first (drafts only for the office and 督查室)."""
    if not can_read_runs(user):
        return Run.objects.none()
    qs = Run.objects.select_related("scheme", "correction_of").order_by("-period_start", "-revision", "-pk")
    if not can_read_drafts(user):
        qs = qs.exclude(status=RunStatus.DRAFT)
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if "status" in filters:
        qs = qs.filter(status=filters["status"])
    if "year" in filters:
        qs = qs.filter(period_start__year=filters["year"])
    if "scheme" in filters:
        qs = qs.filter(scheme_id=filters["scheme"])
    return qs


def get_run_for_user(user: Any, pk: int) -> Run:
    """One run; 404 when missing or a draft the user may not read."""
    return get_object_or_404(runs_list_for_user(user=user), pk=pk)


def scheme_list_for_user(*, user: Any) -> QuerySet[Scheme]:
    """The schemes (the county's settings): county readers only."""
    if not reads_every_unit(user):
        return Scheme.objects.none()
    return Scheme.objects.order_by("-is_active", "-year", "pk")


def get_scheme_for_user(user: Any, pk: int) -> Scheme:
    return get_object_or_404(scheme_list_for_user(user=user), pk=pk)


@dataclass
class GroupTable:
    """One ranking group of a run: its label and its results in rank order."""

    group: str
    label: str
    results: list[UnitResult]


def results_by_group(run: Run) -> list[GroupTable]:
    """The run's results per ranking group, in the scheme's group order; unranked units last."""
    order = list(run.scheme_snapshot.get("groups") or run.scheme.groups)
    results = sorted(run.results.all(), key=lambda r: (r.rank is None, r.rank or 0, r.unit_name))
    tables: dict[str, list[UnitResult]] = {}
    for result in results:
        tables.setdefault(result.group, []).append(result)
    labels = dict(UnitGroup.choices)
    keys = [g for g in order if g in tables] + [g for g in tables if g not in order]
    return [GroupTable(g, str(labels.get(g, g)), tables[g]) for g in keys]


def get_result_for_user(user: Any, run: Run, unit_pk: int) -> UnitResult:
    """A unit's result in ``run``; 404 for another unit's detail unless the user reads every unit."""
    result = get_object_or_404(run.results.select_related("unit"), unit_id=unit_pk)
    if not sees_unit_detail(user, result.unit):
        raise Http404(_("没有找到该单位的考核结果"))
    return result


def own_results_for_user(*, user: Any) -> QuerySet[UnitResult]:
    """The published results of the units ``user`` acts for (我的考核), newest first."""
    scope = scope_for(user)
    if not scope.has_unit_role:
        return UnitResult.objects.none()
    return (
        UnitResult.objects.filter(run__status=RunStatus.PUBLISHED)
        .filter(scope.covered_q("unit"))
        .select_related("run", "unit")
        .order_by("-run__period_start", "unit__sort_order", "unit_name")
    )


def _trace_models() -> dict[str, QuerySet[Any]]:
    return {
        "case": Case.objects.select_related("category", "unit"),
        "task": Task.objects.select_related("lead_unit"),
        "notice": SupervisionNotice.objects.select_related("unit", "task"),
        "inspection": Inspection.objects.select_related("site", "segment", "unit", "checklist"),
    }


@dataclass
class Trace:
    """The objects behind one number: which model, which ids, and the queryset that lists them."""

    kind: str
    part: str
    model: str
    ids: list[int]
    items: QuerySet[Any]


def trace_list(result: UnitResult, kind: str, part: str) -> Trace:
    """The cases, tasks, 督办单 or inspections counted in a figure's numerator or denominator."""
    entry = result.trace.get(kind)
    if part not in TRACE_PARTS or not isinstance(entry, dict) or entry.get("model") not in _trace_models():
        raise Http404(_("该指标没有可追溯的明细"))
    ids = [int(pk) for pk in entry.get(part) or []]
    model = entry["model"]
    qs = _trace_models()[model].filter(pk__in=ids)
    order = {"case": "code", "task": "code", "notice": "code", "inspection": "-submitted_at"}[model]
    return Trace(kind, part, model, ids, qs.order_by(order, "pk"))


def published_runs_up_to(run: Run, months: int = TREND_MONTHS) -> list[Run]:
    """The last ``months`` published runs of the run's scheme up to its period, oldest first."""
    qs = Run.objects.filter(
        scheme_id=run.scheme_id, status=RunStatus.PUBLISHED, period_start__lte=run.period_start
    ).order_by("-period_start")
    return list(reversed(qs[:months]))


@dataclass
class TrendPoint:
    label: str
    run_id: int
    value: Decimal | None
    rank: int | None = None


def county_trend(run: Run) -> list[TrendPoint]:
    """The county's average total over the last 12 published months."""
    runs = published_runs_up_to(run)
    means = dict(
        UnitResult.objects.filter(run__in=runs, total__isnull=False)
        .values("run_id")
        .annotate(mean=Avg("total"))
        .values_list("run_id", "mean")
    )
    return [TrendPoint(r.label, r.pk, _q(means.get(r.pk))) for r in runs]


def unit_trend(run: Run, unit_pk: int) -> list[TrendPoint]:
    """One unit's total and rank over the last 12 published months."""
    runs = published_runs_up_to(run)
    rows = {
        r.run_id: r for r in UnitResult.objects.filter(run__in=runs, unit_id=unit_pk).only("run_id", "total", "rank")
    }
    return [
        TrendPoint(r.label, r.pk, rows[r.pk].total if r.pk in rows else None, rows[r.pk].rank if r.pk in rows else None)
        for r in runs
    ]


def _q(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def other_revisions(user: Any, run: Run) -> QuerySet[Run]:
    """The other versions of the same period the user may open (a correction and what it corrected)."""
    return (
        runs_list_for_user(user=user)
        .filter(scheme_id=run.scheme_id, period_start=run.period_start)
        .exclude(pk=run.pk)
        .order_by("revision")
    )


def figure_of(result: UnitResult, component: dict[str, Any]) -> dict[str, Any] | None:
    """The result's figure for one component of the snapshot (two 立案数 components share a kind:
    the one that applies to the unit's group holds it)."""
    figure = result.figures.get(component["kind"])
    if figure is None or figure.get("name") != component["name"]:
        return None
    return figure


def components_for_group(run: Run, group: str) -> list[dict[str, Any]]:
    """The snapshot's components that apply to ``group`` (the columns of its table), each with its
    ``share``: the weight as a percentage of the group's weights (base = Σ weight × score / Σ weight,
    so weights are relative; a component that is not scored for a unit gives its share to the others)."""
    chosen = [c for c in run.scheme_snapshot.get("components") or [] if not c.get("groups") or group in c["groups"]]
    total = sum((Decimal(str(c.get("weight") or 0)) for c in chosen), Decimal(0))
    return [
        {**c, "share": (Decimal(str(c.get("weight") or 0)) * 100 / total).quantize(Decimal("0.1")) if total else None}
        for c in chosen
    ]
