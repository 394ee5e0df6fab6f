"""The samples of 周检查 and 模拟测评: which sites and road segments a plan visits. Random, but reproducible.

A plan's ``sample`` says how many places to draw::

    {"site_types": {"<SiteType.code>": n, ...},   # sites per type
     "road_classes": {"<RoadClass>": n, ...},     # road segments per road class
     "per_town": true,                            # 周检查: n per type *in each 乡镇/街道*; 模拟测评: county-wide
     "near_m": 300}                               # 模拟测评: plus the road each sampled site lies on

Every group (a type in a town, a road class…) is drawn with its own ``random.Random`` seeded by
the plan's seed and the group's name, from its candidates in primary-key order: the same seed
over the same map gives the same sample, and a site added in one town does not reshuffle the
sample of another. A group with fewer candidates than asked gives all it has.

模拟测评 follows the national method (实地考察): a number of points per type drawn county-wide
(``MOCK_DEFAULTS``, editable per plan), plus the roads the evaluators walk between them. We
take, for each sampled site, the one road segment nearest to it within ``near_m`` metres (300
by default: the street in front of the point, the one an evaluator walks to reach it), which
keeps the roads tied to the sampled points and their number bounded by the number of points;
the per-road-class counts then add 主次干道/背街小巷 drawn at random as the evaluators also do.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chuangcheng.core.errors import DomainError
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site, SiteType
from chuangcheng.places.selectors import route_point, town_of

from .choices import InspectionKind

MAX_PER_GROUP = 100
DEFAULT_NEAR_M = 300
MAX_NEAR_M = 2000

# 周检查: a few sites of the busiest types in every town, each week.
CHECK_DEFAULTS: dict[str, Any] = {
    "site_types": {"market": 1, "square": 1, "residential": 1, "community": 1, "public_toilet": 1},
    "road_classes": {},
    "per_town": True,
    "near_m": 0,
}

# 模拟测评: points per type as the national field check samples them (editable per plan).
MOCK_DEFAULTS: dict[str, Any] = {
    "site_types": {
        "market": 3,
        "square": 2,
        "community": 3,
        "residential": 3,
        "park": 2,
        "public_toilet": 3,
        "school": 2,
        "hospital": 2,
        "bus_stop": 2,
        "service_window": 2,
        "gov_hall": 1,
        "mall": 2,
        "culture": 1,
        "construction": 1,
        "civilization_center": 1,
    },
    "road_classes": {RoadClass.MAIN: 2, RoadClass.SECONDARY: 2, RoadClass.BACK_STREET: 3, RoadClass.COMMERCIAL: 1},
    "per_town": False,
    "near_m": DEFAULT_NEAR_M,
}


def defaults_for(kind: str) -> dict[str, Any]:
    source = MOCK_DEFAULTS if kind == InspectionKind.MOCK else CHECK_DEFAULTS
    return {
        "site_types": dict(source["site_types"]),
        "road_classes": dict(source["road_classes"]),
        "per_town": source["per_town"],
        "near_m": source["near_m"],
    }


def _count(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PER_GROUP:
        raise DomainError(
            _("“%(label)s”的抽样数量应为 0 到 %(max)d 之间的整数") % {"label": label, "max": MAX_PER_GROUP}
        )
    return value


def normalise(kind: str, sample: dict[str, Any] | None) -> dict[str, Any]:
    """A checked copy of ``sample`` (defaults of the kind when None); refuses unknown types and bad counts."""
    if sample is None:
        return defaults_for(kind)
    if not isinstance(sample, dict):
        raise DomainError(_("抽样规则格式不正确"))
    names = dict(SiteType.objects.values_list("code", "name"))
    site_types: dict[str, int] = {}
    for code, n in (sample.get("site_types") or {}).items():
        if code not in names:
            raise DomainError(_("未知的点位类型：%(code)s") % {"code": code})
        if count := _count(n, names[code]):
            site_types[code] = count
    labels = dict(RoadClass.choices)
    road_classes: dict[str, int] = {}
    for road_class, n in (sample.get("road_classes") or {}).items():
        if road_class not in labels:
            raise DomainError(_("未知的道路等级：%(code)s") % {"code": road_class})
        if count := _count(n, str(labels[road_class])):
            road_classes[road_class] = count
    near = sample.get("near_m", 0) or 0
    if isinstance(near, bool) or not isinstance(near, int) or not 0 <= near <= MAX_NEAR_M:
        raise DomainError(_("周边路段的距离应为 0 到 %(max)d 米之间的整数") % {"max": MAX_NEAR_M})
    if not site_types and not road_classes:
        raise DomainError(_("请至少为一种点位类型或道路等级填写抽样数量"))
    per_town = kind != InspectionKind.MOCK if "per_town" not in sample else bool(sample["per_town"])
    return {"site_types": site_types, "road_classes": road_classes, "per_town": per_town, "near_m": near}


@dataclass(frozen=True)
class Draw:
    """One place of the sample, with the town it lies in; ``near`` when it joined as a sampled site's road."""

    site_id: int | None
    segment_id: int | None
    town_id: int | None
    near: bool = False


def _pick(seed: int, group: str, candidates: list[int], n: int) -> list[int]:
    """``n`` of ``candidates`` (sorted ids) drawn by the group's own generator, in id order."""
    if n >= len(candidates):
        return list(candidates)
    return sorted(random.Random(f"{seed}/{group}").sample(candidates, n))


def _grouped(rows: Iterable[tuple[int, str, int | None]], per_town: bool) -> dict[tuple[str, int | None], list[int]]:
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for pk, key, town in rows:
        groups[(key, town if per_town else None)].append(pk)
    return {group: sorted(ids) for group, ids in groups.items()}


def draw(*, kind: str, seed: int, sample: dict[str, Any]) -> list[Draw]:
    """The places of a plan's sample (see the module doc), sites first, each group in id order."""
    per_town = bool(sample.get("per_town"))
    wanted_types: dict[str, int] = sample.get("site_types") or {}
    wanted_roads: dict[str, int] = sample.get("road_classes") or {}
    sites = {
        site.pk: site
        for site in Site.objects.filter(site_type__code__in=list(wanted_types))
        .select_related("site_type")
        .only("pk", "lon", "lat", "unit_id", "site_type__code")
    }
    site_towns = {pk: town_of(site) for pk, site in sites.items()}
    draws: list[Draw] = []
    site_groups = _grouped(((pk, s.site_type.code, site_towns[pk]) for pk, s in sites.items()), per_town)
    for (code, town), ids in sorted(site_groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        for pk in _pick(seed, f"site/{code}/{town or '-'}", ids, wanted_types[code]):
            draws.append(Draw(site_id=pk, segment_id=None, town_id=site_towns[pk]))
    taken: set[int] = set()
    segments = {
        segment.pk: segment
        for segment in RoadSegment.objects.filter(road_class__in=list(wanted_roads)).only(
            "pk", "grid_id", "unit_id", "road_class"
        )
    }
    segment_towns = {pk: town_of(segment) for pk, segment in segments.items()}
    road_groups = _grouped(((pk, s.road_class, segment_towns[pk]) for pk, s in segments.items()), per_town)
    for (road_class, town), ids in sorted(road_groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        for pk in _pick(seed, f"road/{road_class}/{town or '-'}", ids, wanted_roads[road_class]):
            taken.add(pk)
            draws.append(Draw(site_id=None, segment_id=pk, town_id=segment_towns[pk]))
    near_m = int(sample.get("near_m") or 0)
    if near_m:
        draws.extend(_roads_near(draws, sites, near_m, taken))
    return draws


def _roads_near(draws: list[Draw], sites: dict[int, Site], near_m: int, taken: set[int]) -> list[Draw]:
    """The segment nearest to each sampled site within ``near_m`` metres, once each, not already drawn."""
    found: list[Draw] = []
    for d in draws:
        if d.site_id is None:
            continue
        site = sites[d.site_id]
        segment_id = route_point(site.lon, site.lat, radius_m=near_m).segment_id
        if segment_id is None or segment_id in taken:
            continue
        taken.add(segment_id)
        segment = RoadSegment.objects.only("pk", "grid_id", "unit_id").get(pk=segment_id)
        found.append(Draw(site_id=None, segment_id=segment_id, town_id=town_of(segment), near=True))
    return found
