"""Reads of the street roles' phone pages: today's visits, places near the phone, one place to inspect.

Who may inspect where (``access.FIELD_ROLES``): the county-wide roles and the inspectors may
inspect any site or segment of the county (they walk all of it); a road chief inspects the
places the map gives them (their segments and what lies along them) and the places of the
visits planned for them. A visit is seen by its assignee, by the members and leader of its
team, and by the office and the supervision office.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chuangcheng.core.geo import haversine_m
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person
from chuangcheng.places.models import RoadSegment, Site
from chuangcheng.places.selectors import segment_list_for_user, site_list_for_user

from .choices import PlanStatus, VisitState
from .models import Inspection, Visit
from .selectors import visits_with_state

NEARBY_RADIUS_M = 500
NEARBY_LIMIT = 30
# Metres per degree of latitude; a degree of longitude is this times cos(latitude).
_M_PER_DEG = 111_320.0


def _sees_all_places(user: Person) -> bool:
    return scope_for(user).acts_as(Role.OFFICE, Role.SUPERVISOR, Role.INSPECTOR)


def _own_visits_q(user: Person, prefix: str = "") -> Q:
    """Visits (or, with a prefix, rows pointing at visits) that are ``user``'s: assigned, or of a team they are in."""
    p = prefix
    return Q(**{f"{p}assignee": user}) | Q(**{f"{p}team__members": user}) | Q(**{f"{p}team__leader": user})


def field_site_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Site]:
    """The sites ``user`` may inspect."""
    qs = Site.objects.select_related("site_type", "unit")
    if _sees_all_places(user):
        return qs
    planned = Visit.objects.filter(_own_visits_q(user), site__isnull=False).values("site_id")
    return qs.filter(Q(pk__in=site_list_for_user(user=user).values("pk")) | Q(pk__in=planned))


def field_segment_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[RoadSegment]:
    """The road segments ``user`` may inspect."""
    qs = RoadSegment.objects.select_related("unit")
    if _sees_all_places(user):
        return qs
    planned = Visit.objects.filter(_own_visits_q(user), segment__isnull=False).values("segment_id")
    return qs.filter(Q(pk__in=segment_list_for_user(user=user).values("pk")) | Q(pk__in=planned))


def get_field_site_for_user(user: Person, pk: int) -> Site:
    site = field_site_list_for_user(user=user).filter(pk=pk).first()
    if site is None:
        raise Http404(_("点位不存在或不在您的检查范围内"))
    return site


def get_field_segment_for_user(user: Person, pk: int) -> RoadSegment:
    segment = field_segment_list_for_user(user=user).filter(pk=pk).first()
    if segment is None:
        raise Http404(_("路段不存在或不在您的检查范围内"))
    return segment


def visit_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Visit]:
    """The visits ``user`` sees: their own (assigned or their team's); every visit for the office and 督查室."""
    qs = Visit.objects.select_related("site", "site__site_type", "segment", "plan", "team")
    if scope_for(user).acts_as(Role.OFFICE, Role.SUPERVISOR):
        return qs
    return qs.filter(_own_visits_q(user)).distinct()


def get_visit_for_user(user: Person, pk: int) -> Visit:
    visit = visit_list_for_user(user=user).filter(pk=pk).first()
    if visit is None:
        raise Http404(_("计划点位不存在或不是您的"))
    return visit


def today_visits_for_user(*, user: Person, today: dt.date) -> list[Visit]:
    """今日任务: the user's own 日巡查 visits of today, and the open visits of active plans they inspect for.

    Only the user's own visits, whatever their role: the list is what *they* must walk. Pending
    visits first, then those done; each carries ``state`` (the one rule, ``visit_state_expression``).
    """
    own = Visit.objects.filter(_own_visits_q(user)).filter(starts_on__lte=today, due_on__gte=today)
    patrol = Q(plan__isnull=True, due_on=today)
    planned = Q(plan__status=PlanStatus.ACTIVE)
    qs = visits_with_state(own.filter(patrol | planned), today)
    visits = list(qs.select_related("site", "site__site_type", "segment", "plan").distinct().order_by("due_on", "pk"))
    return sorted(visits, key=lambda v: v.state != VisitState.PENDING)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class NearPlace:
    """A site or segment near the phone, and how far it is (metres)."""

    place: Site | RoadSegment
    distance_m: float

    @property
    def is_site(self) -> bool:
        return isinstance(self.place, Site)


def place_point(place: Site | RoadSegment) -> tuple[float, float]:
    """(lon, lat) the list measures distance to: the site's point, the middle of the segment's box."""
    if isinstance(place, Site):
        return place.lon, place.lat
    return (place.min_lon + place.max_lon) / 2, (place.min_lat + place.max_lat) / 2


def distance_to(place: Site | RoadSegment, lon: float, lat: float) -> float:
    """Metres from (lon, lat) to a site's point, or to the nearest point of a segment's bounding box."""
    if isinstance(place, Site):
        return haversine_m(lon, lat, place.lon, place.lat)
    near_lon = min(max(lon, place.min_lon), place.max_lon)
    near_lat = min(max(lat, place.min_lat), place.max_lat)
    return haversine_m(lon, lat, near_lon, near_lat)


def _box(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = radius_m / _M_PER_DEG
    dlon = radius_m / (_M_PER_DEG * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def places_near_for_user(
    *, user: Person, lon: float, lat: float, radius_m: float = NEARBY_RADIUS_M, limit: int = NEARBY_LIMIT
) -> list[NearPlace]:
    """附近点位: the sites and segments ``user`` may inspect within ``radius_m`` of the phone, nearest first."""
    west, south, east, north = _box(lon, lat, radius_m)
    overlap = Q(min_lon__lte=east, max_lon__gte=west, min_lat__lte=north, max_lat__gte=south)
    candidates: list[Any] = [
        *field_site_list_for_user(user=user).filter(overlap)[: limit * 4],
        *field_segment_list_for_user(user=user).filter(overlap)[: limit * 4],
    ]
    near = [NearPlace(p, distance_to(p, lon, lat)) for p in candidates]
    near = [n for n in near if n.distance_m <= radius_m]
    return sorted(near, key=lambda n: (n.distance_m, not n.is_site, n.place.pk))[:limit]


def sort_by_distance(visits: list[Visit], lon: float | None, lat: float | None) -> list[Visit]:
    """Pending visits nearest first (done ones stay last), when the phone's position is known."""
    if lon is None or lat is None:
        return visits

    def key(visit: Visit) -> tuple[bool, float]:
        place = visit.site or visit.segment
        assert place is not None
        return getattr(visit, "state", VisitState.PENDING) != VisitState.PENDING, distance_to(place, lon, lat)

    return sorted(visits, key=key)


def inspection_by_key_for_user(*, user: Person, key: str) -> Inspection | None:
    """The inspection ``user`` submitted with this idempotency key (the done page of the phone form)."""
    if not key:
        return None
    return (
        Inspection.objects.filter(inspector=user, idempotency_key=key)
        .select_related("site", "segment", "checklist")
        .first()
    )
