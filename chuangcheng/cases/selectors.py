"""Reads of the case loop, scoped to the user in the query."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from chuangcheng.core.geo import haversine_m
from chuangcheng.core.workcalendar import elapsed_seconds, limit_seconds
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

from .choices import Light, Status
from .models import Case, CasePhoto, Category

YELLOW_AT = 0.8


def _scope_q(user: Person) -> Q:
    """County roles see all; units their subtree's cases; road chiefs their segments'; reporters their own."""
    scope = scope_for(user)
    if scope.all_units:
        return Q()
    q = Q(reporter=user)
    if scope.has_unit_role:
        q |= scope.unit_q("unit") | Q(handler=user)
    if scope.has(Role.ROAD_CHIEF):
        q |= Q(segment__chief=user) | Q(segment__section_chief=user)
    return q


def case_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Case]:
    filters = filters or {}
    qs = Case.objects.filter(_scope_q(user)).select_related("category", "category__parent", "unit", "town")
    return _apply_filters(qs, filters)


def _apply_filters(qs: QuerySet[Case], filters: dict) -> QuerySet[Case]:
    simple = {
        "status": "status",
        "category": "category_id",
        "unit": "unit_id",
        "source": "source",
        "town": "town_id",
        "escalation": "escalation",
    }
    for key, field in simple.items():
        if value := filters.get(key):
            qs = qs.filter(**{field: value})
    if big := filters.get("parent_category"):
        qs = qs.filter(category__parent_id=big)
    # Day bounds as a created_at range, not created_at__date: a per-row date cast cannot use
    # case_town_created_idx and made the filtered list 20× slower at 1 M cases.
    if date_from := filters.get("date_from"):
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to := filters.get("date_to"):
        qs = qs.filter(created_at__lt=_day_start(date_to, plus_days=1))
    if search := filters.get("q"):
        qs = qs.filter(Q(code__icontains=search) | Q(description__icontains=search) | Q(address__icontains=search))
    if filters.get("open") in {"1", True}:
        qs = qs.filter(status__in=Status.open())
    if light := filters.get("light"):
        qs = qs.filter(_light_q(light, timezone.now()))
    return qs


def _day_start(day: dt.date | str, *, plus_days: int = 0) -> dt.datetime:
    """Local midnight starting ``day`` (a date or ISO text), ``plus_days`` later."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=plus_days), dt.time()))


def _light_q(light: str, now: dt.datetime) -> Q:
    """Lights as a query on the stored moments, the same comparisons as ``status_light``."""
    running = Q(status__in=Status.with_unit(), deadline__isnull=False)
    if light == Light.RED:
        return running & Q(deadline__lte=now)
    if light == Light.YELLOW:
        return running & Q(yellow_at__lte=now, deadline__gt=now)
    if light == Light.GREEN:
        return running & Q(deadline__gt=now) & (Q(yellow_at__gt=now) | Q(yellow_at__isnull=True))
    return ~running


def get_case_for_user(user: Person, pk: int) -> Case:
    case = (
        case_list_for_user(user=user)
        .select_related("segment", "grid", "site", "handler", "reporter")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("案卷不存在")
    return case


def status_light(case: Case, now: dt.datetime | None = None) -> str:
    """Green below 80 % of the limit used, yellow to 100 %, red overdue; none when no clock runs.

    Read from the stored deadline and ``yellow_at`` (the 80 % moment, see services), so the
    list's light filter — the same comparisons in SQL — always shows the cases with this light.
    A running case without ``yellow_at`` (its calendar was unknown when it was filled in) is
    green until its deadline.
    """
    if case.status not in Status.with_unit() or case.deadline is None:
        return Light.NONE
    now = now or timezone.now()
    if now >= case.deadline:
        return Light.RED
    return Light.YELLOW if case.yellow_at is not None and now >= case.yellow_at else Light.GREEN


def used_fraction(case: Case, now: dt.datetime) -> float | None:
    """The share of the case's limit used by ``now``: 1 at the deadline, 2 at twice the limit.

    The limit is the one its clock started with (kept on the case), so editing the category
    changes no running case. Counted back from the deadline in that limit's own clock (working
    or natural time), so what moved the deadline counts as it should: suspended time (挂账) is
    excluded because resuming moved the deadline by it, and an approved extension gives time back.
    """
    if case.deadline is None or case.dispatched_at is None or case.time_limit is None:
        return None
    unit = case.time_unit
    limit = limit_seconds(float(case.time_limit), unit)
    if limit <= 0:
        return math.inf
    if now < case.deadline:
        return max(1 - elapsed_seconds(now, case.deadline, unit) / limit, 0.0)
    return 1 + elapsed_seconds(case.deadline, now, unit) / limit


def duplicate_candidates_for_user(
    *,
    user: Person,
    category: Category,
    lon: float,
    lat: float,
    exclude: int | None = None,
    radius_m: float | None = None,
) -> list[tuple[Case, float]]:
    """Open cases of the same 小类 within the radius that ``user`` may see, nearest first (a bbox query, then metres).

    Scoped like every other read: a reporter is offered their own earlier reports, a unit the
    cases it may see, and nobody a case of another unit through this side door.
    """
    return _open_cases_near(Case.objects.filter(_scope_q(user)), category, lon, lat, exclude, radius_m)


def open_cases_near(
    *, category: Category, lon: float, lat: float, radius_m: float | None = None
) -> list[tuple[Case, float]]:
    """Every open case of the same 小类 within the radius, nearest first: for the system's own decisions
    (an inspection failure joins an open case instead of opening a second), never shown as a list."""
    return _open_cases_near(Case.objects.all(), category, lon, lat, None, radius_m)


def _open_cases_near(
    qs: QuerySet[Case], category: Category, lon: float, lat: float, exclude: int | None, radius_m: float | None
) -> list[tuple[Case, float]]:
    radius = settings.CASE_DUPLICATE_RADIUS_METERS if radius_m is None else radius_m
    d_lat = radius / 111_000
    d_lon = radius / (111_000 * max(math.cos(math.radians(lat)), 0.01))
    qs = qs.filter(
        category=category,
        status__in=Status.open(),
        lon__range=(lon - d_lon, lon + d_lon),
        lat__range=(lat - d_lat, lat + d_lat),
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    # Sorted by distance below, so the model's ORDER BY would only cost a sort.
    found = [(c, haversine_m(lon, lat, c.lon, c.lat)) for c in qs.select_related("category").order_by()]
    return sorted([(c, d) for c, d in found if d <= radius], key=lambda item: item[1])


def todo_for_user(*, user: Person) -> QuerySet[Case]:
    """A unit's 待办: cases it holds, most urgent first (escalation, then deadline)."""
    scope = scope_for(user)
    mine = scope.unit_q("unit")
    if not scope.all_units and scope.has_unit_role:
        mine |= Q(handler=user)  # the handler named at dispatch, even for his parent unit's case
    qs = Case.objects.filter(status__in=Status.with_unit()).filter(mine)
    return qs.select_related("category", "category__parent", "unit").order_by("-escalation", "deadline")


def category_tree() -> list[Category]:
    return list(Category.objects.filter(is_active=True).select_related("parent").order_by("kind", "code"))


def subcategories_by_name() -> dict[str, Category]:
    """Active 小类 by name (the first by code where a name is used twice), for seeds that name them."""
    found: dict[str, Category] = {}
    for category in Category.objects.filter(is_active=True, parent__isnull=False).order_by("code"):
        found.setdefault(category.name, category)
    return found


def get_photo_for_user(user: Person, pk: int) -> CasePhoto:
    """A case photo, only if the user may see its case (photos are never public files)."""
    photo = CasePhoto.objects.filter(pk=pk, case__in=case_list_for_user(user=user).values("pk")).first()
    if photo is None:
        raise Http404("照片不存在")
    return photo


# ---- open cases by category (read by the indicators' readiness) --------------------------------


@dataclasses.dataclass
class CategoryOpenCases:
    """Open and overdue cases of one 小类 (or a requested 大类 with no cases of its own), per holding unit."""

    category_id: int
    parent_id: int | None
    name: str
    open: int = 0
    overdue: int = 0
    # holding unit id (None: not yet dispatched) → [open, overdue]
    by_unit: dict[int | None, list[int]] = dataclasses.field(default_factory=dict)


def open_case_counts_by_category(
    *, category_ids: Iterable[int], as_of: dt.datetime | None = None
) -> dict[int, CategoryOpenCases]:
    """Open cases of the given categories (a 大类 brings its 小类) by category and holding unit.

    One grouped query. "Overdue" is a case a unit holds past its deadline. With ``as_of`` (an
    instant in the past) a case counts as open if it was created before it and not closed
    (结案/不予立案/合并) by then; overdue if its deadline had passed by then and it is held by a
    unit now or was closed later — the state at that instant is approximated from today's row,
    a reopened case counts from its creation.
    """
    ids = set(category_ids)
    result = {
        row["id"]: CategoryOpenCases(category_id=row["id"], parent_id=row["parent_id"], name=row["name"])
        for row in Category.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).values("id", "parent_id", "name")
    }
    if not result:
        return result
    if as_of is None:
        moment = timezone.now()
        open_q = Q(status__in=Status.open())
        overdue_q = Q(status__in=Status.with_unit(), deadline__lt=moment)
    else:
        moment = as_of
        still_open = Q(closed_at__isnull=True, status__in=Status.open()) | Q(closed_at__gte=moment)
        open_q = Q(created_at__lt=moment) & still_open
        held = Q(status__in=Status.with_unit()) | Q(status=Status.CLOSED)
        overdue_q = held & Q(deadline__lt=moment)
    rows = (
        Case.objects.filter(open_q, category_id__in=list(result))
        .order_by()
        .values("category_id", "unit_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue_q))
    )
    for row in rows:
        entry = result[row["category_id"]]
        entry.open += row["n"]
        entry.overdue += row["late"]
        counts = entry.by_unit.setdefault(row["unit_id"], [0, 0])
        counts[0] += row["n"]
        counts[1] += row["late"]
    return result
