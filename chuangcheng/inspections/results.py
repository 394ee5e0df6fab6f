"""Reads of submitted inspections: the scoped list, one inspection, its photos, and the results.

Access (``access.py``): county roles see all, a unit the inspections of its places, everyone
their own. The results over a period are a constant number of grouped queries whatever the
number of inspections:

- ``scores_by(inspections, key)``: per place / checklist (site type or road class) / unit /
  town: number of inspections, mean score, total deductions, failed items (two grouped queries
  and the names come with the first);
- ``indicator_results(inspections, campaign)``: per indicator node the pass rate of its items
  (``scoring.indicator_pass_rates``, the one definition) and the score it predicts;
- ``failing_places(inspections)``: the places with failed items, for the map.

``readiness_source`` hands readiness (``indicators.readiness``, a lower layer) the pass rate of
every node inspected in the campaign's window and the failures behind it, through
``core.registry.register_readiness_source``; ``case_links`` adds "来自检查" to a case's page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core.registry import FieldEvidence, FieldFailure
from chuangcheng.org.models import Unit
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site

from .access import inspection_scope_q
from .choices import ItemFamily, Outcome
from .models import ChecklistItem, Inspection, InspectionPhoto, InspectionResult
from .scoring import PassRate, indicator_pass_rates, inspections_in_window

ZERO = Decimal(0)
TENTH = Decimal("0.1")
CENT = Decimal("0.01")


# ---- the scoped list ---------------------------------------------------------------------------


def _day_start(day: dt.date | str, *, plus_days: int = 0) -> dt.datetime:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=plus_days), dt.time()))


def inspection_list_for_user(*, user: Any, filters: dict | None = None) -> QuerySet[Inspection]:
    """The inspections ``user`` may see, newest first, narrowed by ``filters``.

    Filters (empty values ignored): ``date_from``/``date_to`` (days, inclusive, local time),
    ``kind``, ``checklist`` (the site type's or road class's checklist), ``town``, ``unit`` (the
    unit and below), ``inspector``, ``site``, ``segment``.
    """
    filters = filters or {}
    qs = Inspection.objects.filter(inspection_scope_q(user))
    simple = {
        "kind": "kind",
        "checklist": "checklist_id",
        "town": "town_id",
        "inspector": "inspector_id",
        "site": "site_id",
        "segment": "segment_id",
    }
    for key, name in simple.items():
        if value := filters.get(key):
            qs = qs.filter(**{name: getattr(value, "pk", value)})
    if unit := filters.get("unit"):
        if not isinstance(unit, Unit):
            unit = Unit.objects.filter(pk=unit).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit is not None and unit.path else qs.none()
    if date_from := filters.get("date_from"):
        qs = qs.filter(submitted_at__gte=_day_start(date_from))
    if date_to := filters.get("date_to"):
        qs = qs.filter(submitted_at__lt=_day_start(date_to, plus_days=1))
    return qs


def with_names(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """What a list row shows, in the same query."""
    return qs.select_related("inspector", "checklist", "site", "segment", "unit", "town")


def get_inspection_for_user(user: Any, pk: int) -> Inspection:
    """One inspection the user may see, with its results (by family), photos and place; else 404."""
    results = InspectionResult.objects.select_related("item_version", "case").prefetch_related("photos")
    inspection = (
        with_names(Inspection.objects.filter(inspection_scope_q(user), pk=pk))
        .prefetch_related(Prefetch("results", queryset=results.order_by("item_version__item__sort_order", "pk")))
        .first()
    )
    if inspection is None:
        raise Http404(_("检查记录不存在"))
    return inspection


def get_inspection_photo_for_user(user: Any, pk: int) -> InspectionPhoto:
    """A failure's photo, only if the user may see its inspection (photos are never public files)."""
    photo = InspectionPhoto.objects.filter(
        pk=pk, result__inspection__in=Inspection.objects.filter(inspection_scope_q(user)).values("pk")
    ).first()
    if photo is None:
        raise Http404(_("照片不存在"))
    return photo


@dataclass
class FamilyResults:
    family: str
    label: str
    results: list[InspectionResult]

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.outcome == Outcome.FAIL)


def results_by_family(inspection: Inspection) -> list[FamilyResults]:
    """The inspection's results in the evaluation's family order (from its prefetched results)."""
    groups: dict[str, list[InspectionResult]] = defaultdict(list)
    for result in inspection.results.all():
        groups[result.item_version.family].append(result)
    labels = dict(ItemFamily.choices)
    order = list(labels)
    return [
        FamilyResults(family, str(labels.get(family, family)), rows)
        for family, rows in sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else 99)
    ]


# ---- the results over a period -----------------------------------------------------------------

GROUP_KEYS = ("place", "type", "unit", "town")


@dataclass
class ScoreRow:
    """One group of inspections: how many, their mean score, total deductions and failed items."""

    key: Any
    label: str
    inspections: int
    mean_score: Decimal
    deductions: Decimal
    failed_items: int = 0
    place: dict[str, Any] = field(default_factory=dict)  # site / segment id of a place row (for links)


def _rounded(value: Any, step: Decimal = TENTH) -> Decimal:
    return Decimal(str(value or 0)).quantize(step, rounding=ROUND_HALF_UP)


_ROAD_LABELS = dict(RoadClass.choices)


def _group(key: str) -> tuple[list[str], list[str]]:
    """(values of an inspection that identify the group, values that name it) for a group key."""
    if key == "place":
        return ["site_id", "segment_id"], ["site__name", "segment__name"]
    if key == "type":
        return ["checklist_id"], ["checklist__site_type__name", "checklist__road_class"]
    if key == "unit":
        return ["unit_id"], ["unit__name"]
    if key == "town":
        return ["town_id"], ["town__name"]
    raise ValueError(key)


def _label(key: str, row: dict[str, Any]) -> str:
    if key == "place":
        return row["site__name"] or row["segment__name"] or "—"
    if key == "type":
        name = row["checklist__site_type__name"]
        return name or str(_ROAD_LABELS.get(row["checklist__road_class"], row["checklist__road_class"]))
    value = row[f"{key}__name"]
    return value or str(_("（未确定）"))


def scores_by(inspections: QuerySet[Inspection], key: str) -> list[ScoreRow]:
    """Inspections grouped by place, type, unit or town: two grouped queries, lowest mean score first."""
    ids, names = _group(key)
    rows = (
        inspections.order_by()
        .values(*ids, *names)
        .annotate(n=Count("pk"), mean=Avg("score"), deducted=Sum("deductions"))
    )
    failed_rows = (
        InspectionResult.objects.filter(inspection__in=inspections.order_by().values("pk"), outcome=Outcome.FAIL)
        .order_by()
        .values(*[f"inspection__{name}" for name in ids])
        .annotate(n=Count("pk"))
    )
    failed = {tuple(r[f"inspection__{name}"] for name in ids): r["n"] for r in failed_rows}
    out = []
    for row in rows:
        group = tuple(row[name] for name in ids)
        out.append(
            ScoreRow(
                key=group if len(group) > 1 else group[0],
                label=_label(key, row),
                inspections=row["n"],
                mean_score=_rounded(row["mean"]),
                deductions=_rounded(row["deducted"]),
                failed_items=failed.get(group, 0),
                place={"site": row["site_id"], "segment": row["segment_id"]} if key == "place" else {},
            )
        )
    return sorted(out, key=lambda r: (r.mean_score, -r.inspections, r.label))


@dataclass
class Totals:
    inspections: int
    mean_score: Decimal
    deductions: Decimal
    failed_items: int


def totals(inspections: QuerySet[Inspection]) -> Totals:
    """The period's figures over all the inspections (two queries)."""
    agg = inspections.order_by().aggregate(n=Count("pk"), mean=Avg("score"), deducted=Sum("deductions"))
    failed = InspectionResult.objects.filter(
        inspection__in=inspections.order_by().values("pk"), outcome=Outcome.FAIL
    ).count()
    return Totals(agg["n"], _rounded(agg["mean"]), _rounded(agg["deducted"]), failed)


@dataclass
class IndicatorRow:
    """One indicator node's field result: pass rate of its items and the score it predicts."""

    id: int
    code: str
    name: str
    max_score: Decimal
    rate: PassRate

    @property
    def percent(self) -> Decimal | None:
        rate = self.rate.rate
        return (rate * 100).quantize(TENTH, rounding=ROUND_HALF_UP) if rate is not None else None

    @property
    def predicted(self) -> Decimal | None:
        return self.rate.predicted(self.max_score)

    @property
    def lost(self) -> Decimal:
        predicted = self.predicted
        return self.max_score - predicted if predicted is not None else ZERO


def indicator_results(inspections: QuerySet[Inspection], campaign: Any) -> list[IndicatorRow]:
    """Per indicator node of ``campaign`` linked to checked items: the pass rate (scoring), most points lost first."""
    from chuangcheng.indicators.models import IndicatorNode

    nodes = {
        n["id"]: n
        for n in IndicatorNode.objects.filter(campaign=campaign, checklist_items__isnull=False)
        .values("id", "code", "name", "max_score")
        .distinct()
    }
    if not nodes:
        return []
    rates = indicator_pass_rates(inspections, campaign_id=campaign.pk)
    rows = [
        IndicatorRow(pk, nodes[pk]["code"], nodes[pk]["name"], nodes[pk]["max_score"], rate)
        for pk, rate in rates.items()
        if pk in nodes
    ]
    return sorted(rows, key=lambda r: (-r.lost, r.code))


@dataclass
class FailingPlace:
    """A place where items failed in the period: how many failures over how many inspections."""

    kind: str  # "site" or "segment"
    id: int
    name: str
    lon: float
    lat: float
    failures: int
    inspections: int
    items: list[tuple[str, int]] = field(default_factory=list)  # (item text, failures), most first


def _points(site_ids: Iterable[int], segment_ids: Iterable[int]) -> dict[tuple[str, int], tuple[str, float, float]]:
    """(kind, id) → (name, lon, lat): a site's point, a segment's bounding-box centre (two queries)."""
    found: dict[tuple[str, int], tuple[str, float, float]] = {}
    for pk, name, lon, lat in Site.objects.filter(pk__in=set(site_ids)).values_list("pk", "name", "lon", "lat"):
        found[("site", pk)] = (name, lon, lat)
    segments = RoadSegment.objects.filter(pk__in=set(segment_ids)).values_list(
        "pk", "name", "min_lon", "max_lon", "min_lat", "max_lat"
    )
    for pk, name, x0, x1, y0, y1 in segments:
        found[("segment", pk)] = (name, (x0 + x1) / 2, (y0 + y1) / 2)
    return found


def failing_places(inspections: QuerySet[Inspection], *, limit: int = 500) -> list[FailingPlace]:
    """The places with failed items over ``inspections``, most failures first (three grouped queries)."""
    failed = InspectionResult.objects.filter(
        inspection__in=inspections.order_by().values("pk"), outcome=Outcome.FAIL
    ).order_by()
    by_place = {"site": F("inspection__site_id"), "segment": F("inspection__segment_id")}
    per_item = failed.values(**by_place, text=F("item_version__text")).annotate(n=Count("pk"))
    places: dict[tuple[str, int], dict[str, Any]] = {}
    for row in per_item:
        place = ("site", row["site"]) if row["site"] else ("segment", row["segment"])
        entry = places.setdefault(place, {"failures": 0, "items": []})
        entry["failures"] += row["n"]
        entry["items"].append((row["text"], row["n"]))
    visits = failed.values(**by_place).annotate(v=Count("inspection_id", distinct=True))
    for row in visits:
        place = ("site", row["site"]) if row["site"] else ("segment", row["segment"])
        places[place]["inspections"] = row["v"]
    top = sorted(places.items(), key=lambda kv: (-kv[1]["failures"], kv[0]))[:limit]
    where = _points(
        (pk for (kind, pk), _e in top if kind == "site"), (pk for (kind, pk), _e in top if kind == "segment")
    )
    out = []
    for (kind, pk), entry in top:
        if (kind, pk) not in where:
            continue
        name, lon, lat = where[(kind, pk)]
        items = sorted(entry["items"], key=lambda i: (-i[1], i[0]))
        out.append(FailingPlace(kind, pk, name, lon, lat, entry["failures"], entry.get("inspections", 0), items))
    return out


def failing_geojson(places: list[FailingPlace]) -> dict[str, Any]:
    """The failing places as GeoJSON points for the map (names are shown as text by the map script)."""
    features = []
    for place in places:
        items = "；".join(f"{text}×{n}" for text, n in place.items[:3])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "kind": place.kind,
                    "id": place.id,
                    "name": place.name,
                    "failures": place.failures,
                    "label": _("%(name)s：不合格 %(n)d 项（%(items)s）")
                    % {"name": place.name, "n": place.failures, "items": items},
                    "url": reverse("inspections:list") + f"?{place.kind}={place.id}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# ---- readiness reads inspections (registered in apps.py) ---------------------------------------


def readiness_source(campaign: Any, as_of: dt.date | None) -> dict[int, FieldEvidence]:
    """Per node of ``campaign`` inspected in its window: pass rate (scoring) and the failures behind it.

    One query when no checklist item is linked to the campaign, six otherwise.
    """
    through = ChecklistItem.indicators.through
    node_ids = set(
        through.objects.filter(indicatornode__campaign=campaign).values_list("indicatornode_id", flat=True).distinct()
    )
    if not node_ids:
        return {}
    window = inspections_in_window(campaign.pk, as_of=as_of)
    rates = indicator_pass_rates(window, campaign_id=campaign.pk)
    if not rates:
        return {}
    failed = (
        InspectionResult.objects.filter(
            inspection__in=window.order_by().values("pk"),
            outcome=Outcome.FAIL,
            item_version__item__indicators__campaign_id=campaign.pk,
        )
        .order_by()
        .values(
            node=F("item_version__item__indicators"),
            text=F("item_version__text"),
            site=F("inspection__site_id"),
            segment=F("inspection__segment_id"),
        )
        .annotate(n=Count("pk"))
    )
    rows = list(failed)
    where = _points((r["site"] for r in rows if r["site"]), (r["segment"] for r in rows if r["segment"]))
    failures: dict[int, list[FieldFailure]] = defaultdict(list)
    base = reverse("inspections:list")
    for row in rows:
        kind, pk = ("site", row["site"]) if row["site"] else ("segment", row["segment"])
        name, lon, lat = where.get((kind, pk), ("—", None, None))
        failures[row["node"]].append(FieldFailure(row["text"], name, row["n"], lon, lat, f"{base}?{kind}={pk}"))
    return {
        node: FieldEvidence(
            rate.passed,
            rate.failed,
            rate.rate,
            tuple(sorted(failures.get(node, []), key=lambda f: (-f.count, f.item, f.place))),
        )
        for node, rate in rates.items()
    }


# ---- the case's page links back (registered in apps.py) ----------------------------------------


def case_links(user: Any, case: Any) -> list[tuple[str, str]]:
    """ "来自检查：<inspection>" for every inspection the user may see whose failure opened or joined ``case``."""
    inspections = (
        Inspection.objects.filter(inspection_scope_q(user), results__case=case)
        .select_related("checklist", "site", "segment")
        .distinct()
        .order_by("submitted_at", "pk")
    )
    links = []
    for inspection in inspections:
        place = inspection.site or inspection.segment
        when = timezone.localtime(inspection.submitted_at).strftime("%Y-%m-%d %H:%M")
        label = _("来自检查：%(place)s %(kind)s（%(when)s）") % {
            "place": place,
            "kind": inspection.get_kind_display(),
            "when": when,
        }
        links.append((label, reverse("inspections:detail", args=[inspection.pk])))
    return links
