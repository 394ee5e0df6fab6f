"""日巡查 routes: which places are due on a day under the office's patrol rules, and who visits them.

The algorithm, in three steps, each deterministic (same rules, map, people and history → same routes):

1. **Due places.** Every active rule names the sites of a type or the segments of a road class,
   optionally in one town. A town's own rule for a target overrides the county-wide one for the
   places in that town; two rules for the same target and town give the higher frequency. A place
   with ``n`` visits a week is due on the weekdays ``(offset + k * 7 // n) % 7`` for ``k < n``, where
   ``offset`` is its id modulo 7: a weekly place keeps its weekday, and the county's weekly places
   spread over the week.
2. **Pools.** A segment whose 路长 (``chief``) holds the road chief role goes to them. Any other
   place goes to the inspectors (``Role.INSPECTOR``) whose membership unit is its 乡镇/街道 or below
   (``places.selectors.town_of``); a place in a town without inspectors, or in none, goes to the
   county's inspectors (those whose membership lies in no town); with nobody at all it stays unassigned.
3. **Balance.** In each pool, places in order (segments, then sites, by id) first stay with the
   inspector who had them last (within ``HISTORY_DAYS``) while that inspector holds fewer than
   ``max(places // inspectors, 1)``; the rest go one by one to the least loaded (then lowest id).
   Counts in a pool differ by at most one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import Membership, Unit
from chuangcheng.places.models import RoadSegment, Site
from chuangcheng.places.selectors import town_of

from .choices import InspectionKind
from .models import PatrolRule, Visit

HISTORY_DAYS = 14

# A place: ("segment", id) or ("site", id); segments sort before sites.
PlaceKey = tuple[str, int]


def week_slots(times_per_week: int) -> frozenset[int]:
    """The day offsets (0–6) of ``times_per_week`` visits spread evenly over a week."""
    n = min(max(times_per_week, 1), 7)
    return frozenset(k * 7 // n for k in range(n))


def is_due(place_id: int, times_per_week: int, day: dt.date) -> bool:
    """Whether a place visited ``times_per_week`` times a week is due on ``day``."""
    return (day.weekday() - place_id % 7) % 7 in week_slots(times_per_week)


@dataclass(frozen=True)
class Target:
    """One place due on the day, with its town and the person it goes to (None: not yet assigned)."""

    key: PlaceKey
    town_id: int | None
    chief_id: int | None = None


@dataclass
class Routes:
    """A day's routes: place → (assignee id or None, town id)."""

    day: dt.date
    assigned: dict[PlaceKey, tuple[int | None, int | None]] = field(default_factory=dict)


def _frequencies(rules: Iterable[PatrolRule]) -> dict[tuple[str, str | int], dict[int | None, int]]:
    """(kind, site type id or road class) → {town id or None (county-wide): times per week}."""
    found: dict[tuple[str, str | int], dict[int | None, int]] = defaultdict(dict)
    for rule in rules:
        target: tuple[str, str | int] = (
            ("site", rule.site_type_id) if rule.site_type_id else ("segment", rule.road_class)
        )
        towns = found[target]
        towns[rule.town_id] = max(towns.get(rule.town_id, 0), rule.times_per_week)
    return found


def _due_places(day: dt.date, rules: list[PatrolRule]) -> list[Target]:
    """The places due on ``day`` under the active ``rules``, in order (segments, then sites, by id)."""
    frequencies = _frequencies(rules)
    classes = [target for kind, target in frequencies if kind == "segment"]
    types = [target for kind, target in frequencies if kind == "site"]
    due: list[Target] = []
    segments = RoadSegment.objects.filter(road_class__in=classes).only("pk", "road_class", "grid_id", "chief_id")
    for segment in segments.order_by("pk"):
        times = _times(frequencies[("segment", segment.road_class)], town := town_of(segment))
        if times and is_due(segment.pk, times, day):
            due.append(Target(("segment", segment.pk), town, segment.chief_id))
    for site in Site.objects.filter(site_type_id__in=types).only("pk", "site_type_id", "lon", "lat").order_by("pk"):
        times = _times(frequencies[("site", site.site_type_id)], town := town_of(site))
        if times and is_due(site.pk, times, day):
            due.append(Target(("site", site.pk), town))
    return due


def _times(by_town: dict[int | None, int], town_id: int | None) -> int:
    """The frequency for a place in ``town_id``: its town's rule, else the county-wide one, else 0."""
    if town_id is not None and town_id in by_town:
        return by_town[town_id]
    return by_town.get(None, 0)


@dataclass(frozen=True)
class People:
    """Who patrols: the inspectors of each town, the county's, and who holds the road chief role."""

    by_town: dict[int, list[int]]
    county: list[int]
    chiefs: frozenset[int]


def patrol_people() -> People:
    """Inspectors by the town their membership lies in (one query), and the road chiefs."""
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).exclude(path="").values_list("pk", "path"))
    by_town: dict[int, set[int]] = defaultdict(set)
    county: set[int] = set()
    chiefs: set[int] = set()
    rows = Membership.objects.filter(
        Q(role=Role.INSPECTOR) | Q(role=Role.ROAD_CHIEF), person__is_active=True
    ).values_list("person_id", "role", "unit__path")
    placed: set[int] = set()
    inspectors: set[int] = set()
    for person, role, path in rows:
        if role == Role.ROAD_CHIEF:
            chiefs.add(person)
            continue
        inspectors.add(person)
        for town, town_path in towns:
            if path.startswith(town_path):
                by_town[town].add(person)
                placed.add(person)
    county = inspectors - placed
    return People(
        by_town={town: sorted(people) for town, people in by_town.items()},
        county=sorted(county),
        chiefs=frozenset(chiefs),
    )


def _last_assignees(day: dt.date) -> dict[PlaceKey, int]:
    """Who had each place on its latest patrol visit in the ``HISTORY_DAYS`` before ``day``."""
    rows = (
        Visit.objects.filter(
            kind=InspectionKind.PATROL,
            due_on__lt=day,
            due_on__gte=day - dt.timedelta(days=HISTORY_DAYS),
            assignee__isnull=False,
        )
        .order_by("due_on", "pk")
        .values_list("site_id", "segment_id", "assignee_id")
    )
    last: dict[PlaceKey, int] = {}
    for site_id, segment_id, assignee_id in rows:
        last[("site", site_id) if site_id else ("segment", segment_id)] = assignee_id
    return last


def _balance(places: list[PlaceKey], pool: list[int], last: dict[PlaceKey, int]) -> dict[PlaceKey, int]:
    """Places spread over the pool: kept with last time's inspector up to the fair share, then least loaded."""
    load = dict.fromkeys(pool, 0)
    cap = max(len(places) // len(pool), 1)
    assigned: dict[PlaceKey, int] = {}
    for place in places:
        previous = last.get(place)
        if previous in load and load[previous] < cap:
            assigned[place] = previous
            load[previous] += 1
    for place in places:
        if place not in assigned:
            person = min(pool, key=lambda p: (load[p], p))
            assigned[place] = person
            load[person] += 1
    return assigned


def routes_for(day: dt.date) -> Routes:
    """The day's routes under the active rules, from the people and the last two weeks' visits."""
    rules = list(PatrolRule.objects.filter(is_active=True))
    due = _due_places(day, rules)
    people = patrol_people()
    last = _last_assignees(day)
    routes = Routes(day=day)
    pools: dict[tuple[int, ...], list[Target]] = defaultdict(list)
    for target in due:
        if target.chief_id is not None and target.chief_id in people.chiefs:
            routes.assigned[target.key] = (target.chief_id, target.town_id)
            continue
        town_pool = people.by_town.get(target.town_id) if target.town_id is not None else None
        pools[tuple(town_pool or people.county)].append(target)
    for pool, targets in pools.items():
        if not pool:
            routes.assigned.update({t.key: (None, t.town_id) for t in targets})
            continue
        shares = _balance([t.key for t in targets], list(pool), last)
        routes.assigned.update({t.key: (shares[t.key], t.town_id) for t in targets})
    return routes


@dataclass(frozen=True)
class Generated:
    """What writing a day's routes changed."""

    day: dt.date
    created: int
    reassigned: int
    removed: int
    kept_done: int

    @property
    def total(self) -> int:
        return self.created + self.reassigned + self.removed


def write_routes(routes: Routes) -> Generated:
    """Make the day's patrol visits match ``routes``: done visits stay as they are, undone ones
    no longer due go, undone ones change hands if the routes say so, missing ones are created."""
    day = routes.day
    existing = list(Visit.objects.filter(kind=InspectionKind.PATROL, due_on=day))
    wanted = dict(routes.assigned)
    reassign: list[Visit] = []
    remove: list[int] = []
    kept_done = 0
    for visit in existing:
        key: PlaceKey = ("site", visit.site_id) if visit.site_id else ("segment", visit.segment_id)  # type: ignore[assignment]
        target = wanted.pop(key, None)
        if visit.done_at is not None:
            kept_done += 1
        elif target is None:
            remove.append(visit.pk)
        elif (visit.assignee_id, visit.town_id) != target:
            visit.assignee_id, visit.town_id = target
            reassign.append(visit)
    Visit.objects.filter(pk__in=remove).delete()
    Visit.objects.bulk_update(reassign, ["assignee", "town"])
    Visit.objects.bulk_create(
        Visit(
            kind=InspectionKind.PATROL,
            assignee_id=assignee,
            town_id=town,
            site_id=pk if kind == "site" else None,
            segment_id=pk if kind == "segment" else None,
            starts_on=day,
            due_on=day,
        )
        for (kind, pk), (assignee, town) in sorted(wanted.items())
    )
    return Generated(day=day, created=len(wanted), reassigned=len(reassign), removed=len(remove), kept_done=kept_done)
