"""Reads of the responsibility map, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db.models import Count, Max, Min, Model, Q, QuerySet
from django.http import Http404

from chuangcheng.core.errors import DomainError
from chuangcheng.core.geo import to_wgs84
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

from .choices import PledgeStatus, RoadClass
from .models import Grid, RoadSegment, Shop, Site
from .routing import current_revision, holder, project_point


@dataclass
class Responsibility:
    """Who answers for a point: the nearest segment in radius, the grid and site containing it."""

    lon: float
    lat: float
    segment: RoadSegment | None
    segment_distance_m: float | None
    grid: Grid | None
    site: Site | None
    site_distance_m: float | None

    @property
    def units(self) -> list:
        found = []
        for unit in (
            self.segment and self.segment.unit,
            self.grid and self.grid.street,
            self.grid and self.grid.community,
            self.site and self.site.unit,
        ):
            if unit is not None and unit not in found:
                found.append(unit)
        return found

    @property
    def people(self) -> list:
        found = []
        for person in (
            self.segment and self.segment.chief,
            self.segment and self.segment.section_chief,
            self.grid and self.grid.grid_worker,
            self.site and self.site.person,
        ):
            if person and person not in found:
                found.append(person)
        return found


@dataclass(frozen=True)
class RoutedPoint:
    """Where a point falls, as primary keys only: what intake stores, with no query made."""

    lon: float
    lat: float
    segment_id: int | None
    segment_distance_m: float | None
    grid_id: int | None
    site_id: int | None
    site_distance_m: float | None
    town_id: int | None


def route_point(lon: float, lat: float, *, crs: str = "wgs84", radius_m: float | None = None) -> RoutedPoint:
    """The segment, grid, site and 乡镇/街道 at a point, from the in-memory index alone.

    The town is the grid's street when a grid contains the point, else the town above the
    segment's unit, else the site's.
    """
    try:
        lon, lat = to_wgs84(lon, lat, crs)
    except ValueError as exc:  # an unknown crs is the caller's mistake, not a server error
        raise DomainError(str(exc), code="crs") from None
    radius = settings.ROUTING_RADIUS_METERS if radius_m is None else radius_m
    index = holder.get()
    point = project_point(lon, lat)
    seg_hit = index.nearest_segment(point, radius)
    grid_id = index.containing_grid(point)
    site_hit = index.site_at(point, radius)
    segment_id = seg_hit[0] if seg_hit else None
    site_id = site_hit[0] if site_hit else None
    if grid_id is not None:
        town_id = index.grid_towns.get(grid_id)
    else:
        town_id = index.segment_towns.get(segment_id or 0) or index.site_towns.get(site_id or 0)
    return RoutedPoint(
        lon=lon,
        lat=lat,
        segment_id=segment_id,
        segment_distance_m=seg_hit[1] if seg_hit else None,
        grid_id=grid_id,
        site_id=site_id,
        site_distance_m=site_hit[1] if site_hit else None,
        town_id=town_id,
    )


def town_of(place: Site | RoadSegment) -> int | None:
    """The 乡镇/街道 a site or segment lies in: the street of the grid holding it, else the town above its unit."""
    index = holder.get()
    if isinstance(place, Site):
        grid_id = index.containing_grid(project_point(place.lon, place.lat))
        return index.grid_towns.get(grid_id) if grid_id is not None else index.site_towns.get(place.pk)
    if place.grid_id is not None:
        return index.grid_towns.get(place.grid_id)
    return index.segment_towns.get(place.pk)


def responsibility_at(
    lon: float, lat: float, *, user: Person, crs: str = "wgs84", radius_m: float | None = None
) -> Responsibility:
    """Route a point to its responsible segment, grid and site (GCJ-02 input is converted).

    Only what ``user`` may see is named: a segment, grid or site outside their scope is left
    out, with its unit and people, as if the point fell on none.
    """
    routed = route_point(lon, lat, crs=crs, radius_m=radius_m)
    segments = segment_list_for_user(user=user).select_related("unit", "chief", "section_chief").defer("geometry")
    grids = grid_list_for_user(user=user).defer("geometry")
    sites = site_list_for_user(user=user).defer("geometry")
    return Responsibility(
        lon=routed.lon,
        lat=routed.lat,
        segment=(segment := segments.filter(pk=routed.segment_id).first() if routed.segment_id else None),
        segment_distance_m=routed.segment_distance_m if segment else None,
        grid=grids.filter(pk=routed.grid_id).first() if routed.grid_id else None,
        site=(site := sites.filter(pk=routed.site_id).first() if routed.site_id else None),
        site_distance_m=routed.site_distance_m if site else None,
    )


def _segment_scope_q(user: Person) -> Q:
    """Road chiefs see their own segments; unit roles their units'; county roles all."""
    scope = scope_for(user)
    if scope.all_units:
        return Q()
    q = scope.unit_q("unit") if scope.has_unit_role else Q(pk__in=[])
    if scope.has(Role.ROAD_CHIEF):
        q |= _chief_q(user)
    return q


def _chief_q(user: Person, prefix: str = "") -> Q:
    """Segments (or, with a prefix, rows of segments) where ``user`` is 路长 or 段长."""
    return Q(**{f"{prefix}chief": user}) | Q(**{f"{prefix}section_chief": user})


def segment_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[RoadSegment]:
    filters = filters or {}
    qs = RoadSegment.objects.filter(_segment_scope_q(user)).select_related("unit", "chief", "section_chief", "grid")
    if search := filters.get("q"):
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(road_name__icontains=search))
    if unit := filters.get("unit"):
        qs = qs.filter(unit_id=unit)
    if road_class := filters.get("road_class"):
        qs = qs.filter(road_class=road_class)
    if chief := filters.get("chief"):
        qs = qs.filter(Q(chief_id=chief) | Q(section_chief_id=chief))
    if grid := filters.get("grid"):
        qs = qs.filter(grid_id=grid)
    return qs.annotate(shop_count=Count("shops")).order_by("code")


def grid_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Grid]:
    filters = filters or {}
    scope = scope_for(user)
    qs = Grid.objects.select_related("street", "community", "grid_worker")
    if not scope.all_units:
        q = scope.unit_q("street") | scope.unit_q("community") | Q(grid_worker=user)
        if scope.has(Role.ROAD_CHIEF):  # the grids their segments lie in
            q |= Q(pk__in=RoadSegment.objects.filter(_chief_q(user)).values("grid_id"))
        qs = qs.filter(q)
    if search := filters.get("q"):
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if street := filters.get("street"):
        qs = qs.filter(street_id=street)
    if unit := filters.get("unit"):
        qs = qs.filter(Q(street_id=unit) | Q(community_id=unit))
    return qs.order_by("code")


def site_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Site]:
    filters = filters or {}
    scope = scope_for(user)
    qs = Site.objects.select_related("site_type", "unit", "person")
    if not scope.all_units:
        qs = qs.filter(scope.unit_q("unit") | Q(person=user))
    if search := filters.get("q"):
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(address__icontains=search))
    if site_type := filters.get("site_type"):
        qs = qs.filter(site_type_id=site_type)
    if unit := filters.get("unit"):
        qs = qs.filter(unit_id=unit)
    return qs.order_by("code")


def shop_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Shop]:
    filters = filters or {}
    qs = Shop.objects.filter(
        Q(segment__in=segment_list_for_user(user=user).values("pk")) if not scope_for(user).all_units else Q()
    ).select_related("segment", "segment__unit")
    if search := filters.get("q"):
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(operator_name__icontains=search))
    if segment := filters.get("segment"):
        qs = qs.filter(segment_id=segment)
    if status := filters.get("pledge_status"):
        qs = qs.filter(pledge_status=status)
    if unit := filters.get("unit"):
        qs = qs.filter(segment__unit_id=unit)
    if chief := filters.get("chief"):
        qs = qs.filter(Q(segment__chief_id=chief) | Q(segment__section_chief_id=chief))
    return qs.prefetch_related("pledge_items").order_by("code")


def bbox_q(bbox: tuple[float, float, float, float]) -> Q:
    """Objects whose bounding box overlaps ``bbox`` = (min_lon, min_lat, max_lon, max_lat)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    return Q(min_lon__lte=max_lon, max_lon__gte=min_lon, min_lat__lte=max_lat, max_lat__gte=min_lat)


def map_extent_for_user(*, user: Person) -> tuple[float, float, float, float] | None:
    """The bounding box of every segment, grid and site the user may see (None when empty)."""
    boxes = []
    for qs in (segment_list_for_user(user=user), grid_list_for_user(user=user), site_list_for_user(user=user)):
        box = qs.order_by().aggregate(a=Min("min_lon"), b=Min("min_lat"), c=Max("max_lon"), d=Max("max_lat"))
        if box["a"] is not None:
            boxes.append((box["a"], box["b"], box["c"], box["d"]))
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def pledge_status_counts(shops: QuerySet[Shop]) -> list[tuple[str, str, int]]:
    """(status, label, shops) for every pledge status, zero included, for summaries."""
    rows = shops.prefetch_related(None).order_by().values("pledge_status").annotate(n=Count("pk"))
    counts = {row["pledge_status"]: row["n"] for row in rows}
    return [(status, str(label), counts.get(status, 0)) for status, label in PledgeStatus.choices]


def road_class_counts(segments: QuerySet[RoadSegment]) -> list[tuple[str, str, int]]:
    """(road class, label, segments) for every road class, zero included, for summaries."""
    rows = segments.order_by().values("road_class").annotate(n=Count("pk", distinct=True))
    counts = {row["road_class"]: row["n"] for row in rows}
    return [(value, str(label), counts.get(value, 0)) for value, label in RoadClass.choices]


@dataclass
class ChiefArea:
    """A road chief's 责任区: the segments they lead and the shops along them."""

    segments: list[RoadSegment]
    shops: list[Shop]
    length_m: float
    pledge_counts: list[tuple[str, str, int]]


def chief_area_for_user(*, user: Person) -> ChiefArea:
    """The segments where ``user`` is 路长 or 段长, with the shops along them."""
    segments = list(segment_list_for_user(user=user, filters={"chief": user.pk}))
    shops = shop_list_for_user(user=user, filters={"chief": user.pk}).select_related("segment")
    return ChiefArea(
        segments=segments,
        shops=list(shops),
        length_m=sum(s.length_m for s in segments),
        pledge_counts=pledge_status_counts(shops),
    )


def chief_contact_facts(person_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """For the contact policy (``org.contacts``): the segments a road chief leads and the people named on them."""
    rows = RoadSegment.objects.filter(Q(chief_id=person_id) | Q(section_chief_id=person_id))
    found = list(rows.values_list("pk", "chief_id", "section_chief_id"))
    people = {pk for _seg, *named in found for pk in named if pk is not None}
    return frozenset(seg for seg, *_named in found), frozenset(people)


M = TypeVar("M", bound=Model)


def _get_or_404(qs: QuerySet[M], pk: int, message: str) -> M:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404(message)
    return obj


def get_segment_for_user(user: Person, pk: int) -> RoadSegment:
    return _get_or_404(segment_list_for_user(user=user), pk, "路段不存在")


def get_grid_for_user(user: Person, pk: int) -> Grid:
    return _get_or_404(grid_list_for_user(user=user), pk, "网格不存在")


def get_site_for_user(user: Person, pk: int) -> Site:
    return _get_or_404(site_list_for_user(user=user), pk, "点位不存在")


def get_shop_for_user(user: Person, pk: int) -> Shop:
    return _get_or_404(shop_list_for_user(user=user), pk, "门店不存在")


def road_network_rows() -> list[tuple[str, str, str, dict]]:
    """Every road segment's name, road name, class and geometry, for the maps' base layer.

    Not scoped to the user: the base map shows the whole county's roads to everybody who
    sees a map (road names are what an inspector finds his way by, not a responsibility).
    """
    return list(RoadSegment.objects.order_by("pk").values_list("name", "road_name", "road_class", "geometry"))


def road_network_version() -> str:
    """Changes whenever the road network may have: the map revision (bulk writes bump it) and the
    segments' count, newest change and highest id (a single save or delete, also in the admin)."""

    facts = RoadSegment.objects.aggregate(n=Count("pk"), changed=Max("updated_at"), top=Max("pk"))
    changed = facts["changed"].timestamp() if facts["changed"] else 0
    return f"{current_revision()}-{facts['n']}-{facts['top'] or 0}-{changed:.6f}"
