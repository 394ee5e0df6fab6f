"""Routing a point to its segment, grid and site, with geometries at known metric distances.

Reference distances come from pyproj's geodesic (not from the local projection the code
uses), so a wrong projection or a degrees-for-metres mix-up shows up as a failure.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pyproj import Geod

from chuangcheng.core.geo import haversine_m, wgs84_to_gcj02
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import unit_move
from chuangcheng.places import routing, selectors
from chuangcheng.places.models import Grid, MapRevision, RoadSegment, Site, SiteType
from chuangcheng.places.selectors import route_point
from chuangcheng.places.services import grid_save, segment_save, site_save

LON0, LAT0 = 114.30, 34.80
GEOD = Geod(ellps="WGS84")


def at(east_m: float = 0.0, north_m: float = 0.0, lon: float = LON0, lat: float = LAT0) -> tuple[float, float]:
    """The point ``east_m`` metres east and ``north_m`` metres north of (lon, lat)."""
    lon, lat, _ = GEOD.fwd(lon, lat, 90.0, east_m) if east_m else (lon, lat, 0)
    lon, lat, _ = GEOD.fwd(lon, lat, 0.0, north_m) if north_m else (lon, lat, 0)
    return lon, lat


def line(*points: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(p) for p in points]}


def square(centre: tuple[float, float], half_m: float) -> dict:
    corners = [at(-half_m, -half_m, *centre), at(half_m, -half_m, *centre), at(half_m, half_m, *centre)]
    corners += [at(-half_m, half_m, *centre)]
    return {"type": "Polygon", "coordinates": [[list(c) for c in [*corners, corners[0]]]]}


def make_segment(unit: Unit, code: str, geometry: dict) -> RoadSegment:
    return segment_save(segment=RoadSegment(code=code, name=f"路段{code}", unit=unit), geometry=geometry)


def make_grid(unit: Unit, code: str, geometry: dict) -> Grid:
    return grid_save(grid=Grid(code=code, name=f"网格{code}", street=unit), geometry=geometry)


def make_site(unit: Unit, code: str, geometry: dict) -> Site:
    site_type = SiteType.objects.get(code="market")
    return site_save(site=Site(code=code, name=f"点位{code}", site_type=site_type, unit=unit), geometry=geometry)


def responsibility_at(lon: float, lat: float, **kwargs):
    """As the office asks, which sees the whole map: routing is tested here, scope in test_selectors."""
    office = Person.objects.get(username="office")
    return selectors.responsibility_at(lon, lat, user=office, **kwargs)


# An east-west road 200 m long through the county centre.
EAST_WEST = line(at(-100), at(100))


@pytest.fixture(autouse=True)
def fresh_index():
    """The index is process-wide; each test's rows are rolled back, so start and end stale."""
    routing.holder.mark_stale()
    yield
    routing.holder.mark_stale()


def test_it_routes_to_the_nearest_segment_within_radius(world):
    near = make_segment(world.town_a, "S-NEAR", EAST_WEST)
    make_segment(world.town_b, "S-FAR", line(at(-100, 30), at(100, 30)))

    found = responsibility_at(*at(0, 10))

    assert found.segment == near
    assert found.units[0] == world.town_a


def test_it_finds_no_segment_60_m_away_with_a_50_m_radius(world):
    make_segment(world.town_a, "S1", EAST_WEST)

    found = responsibility_at(*at(0, 60), radius_m=50)

    assert found.segment is None
    assert found.segment_distance_m is None


def test_it_honours_the_radius_parameter(world):
    segment = make_segment(world.town_a, "S1", EAST_WEST)

    assert responsibility_at(*at(0, 60), radius_m=100).segment == segment
    assert responsibility_at(*at(0, 60), radius_m=59).segment is None


def test_it_uses_the_configured_default_radius(world, settings):
    segment = make_segment(world.town_a, "S1", EAST_WEST)
    settings.ROUTING_RADIUS_METERS = 80

    assert responsibility_at(*at(0, 60)).segment == segment


CROSSING_ROADS = [line(at(-100), at(0), at(100)), line(at(0, -100), at(0), at(0, 100))]


@pytest.mark.parametrize("first_road", [0, 1])
def test_a_point_on_a_crossing_goes_to_the_first_created_segment(world, first_road):
    # The first-created segment (lower id) gets the higher code, so neither code order nor
    # the spatial tree's order can produce the answer by accident in both cases.
    first = make_segment(world.town_a, "S-Z", CROSSING_ROADS[first_road])
    make_segment(world.town_b, "S-A", CROSSING_ROADS[1 - first_road])

    answers = {responsibility_at(*at(0, 0)).segment for _ in range(3)}

    assert answers == {first}


def test_it_returns_the_distance_in_metres_within_one_percent(world):
    make_segment(world.town_a, "S1", EAST_WEST)

    for metres in (5.0, 20.0, 45.0):
        found = responsibility_at(*at(30, metres))
        assert found.segment_distance_m == pytest.approx(metres, rel=0.01)


def test_a_point_inside_a_grid_polygon_routes_to_that_grid(world):
    grid = make_grid(world.town_a, "410221001001001", square(at(0, 0), 100))

    found = responsibility_at(*at(50, -50))

    assert found.grid == grid
    assert world.town_a in found.units


def test_a_point_outside_every_grid_routes_to_no_grid(world):
    make_grid(world.town_a, "410221001001001", square(at(0, 0), 100))

    assert responsibility_at(*at(0, 120)).grid is None


def test_a_polygon_site_containing_the_point_beats_a_nearer_point_site(world):
    market = make_site(world.town_a, "P-MARKET", square(at(0, 0), 50))
    make_site(world.town_b, "P-KIOSK", {"type": "Point", "coordinates": list(at(10, 0))})

    found = responsibility_at(*at(9, 0))

    assert found.site == market
    assert found.site_distance_m == 0.0


def test_a_point_site_within_radius_is_found_with_its_distance(world):
    kiosk = make_site(world.town_b, "P-KIOSK", {"type": "Point", "coordinates": list(at(0, 0))})

    found = responsibility_at(*at(0, 30))
    missed = responsibility_at(*at(0, 70))

    assert found.site == kiosk
    assert found.site_distance_m == pytest.approx(30.0, rel=0.01)
    assert missed.site is None


def test_gcj02_input_routes_like_the_wgs84_point_and_returns_wgs84(world):
    segment = make_segment(world.town_a, "S1", EAST_WEST)
    make_segment(world.town_b, "S-OFFSET", line(at(-100, 300), at(100, 300), at(100, 600)))
    wgs = at(20, 12)
    gcj = wgs84_to_gcj02(*wgs)
    assert haversine_m(*gcj, *wgs) > 200  # the offset is large enough to land on the wrong road

    found = responsibility_at(*gcj, crs="gcj02")

    assert found.segment == segment
    assert haversine_m(found.lon, found.lat, *wgs) < 1.0
    assert found.segment_distance_m == pytest.approx(12.0, rel=0.01)


def test_the_index_sees_a_segment_created_after_the_first_lookup(world, django_capture_on_commit_callbacks):
    assert responsibility_at(*at(0, 5)).segment is None

    with django_capture_on_commit_callbacks(execute=True):
        segment = make_segment(world.town_a, "S-NEW", EAST_WEST)

    assert responsibility_at(*at(0, 5)).segment == segment


def test_the_index_drops_a_deleted_segment(world, django_capture_on_commit_callbacks):
    segment = make_segment(world.town_a, "S1", EAST_WEST)
    assert responsibility_at(*at(0, 5)).segment == segment

    with django_capture_on_commit_callbacks(execute=True):
        segment.delete()

    assert responsibility_at(*at(0, 5)).segment is None


def test_the_index_is_built_once_not_per_lookup(transactional_db, world, monkeypatch):
    # Real commits: each save's on_commit bump runs as it would in production.
    builds: list[int] = []
    real_build = routing.build_index

    def counting_build(revision: int) -> routing.MapIndex:
        builds.append(revision)
        return real_build(revision)

    monkeypatch.setattr(routing, "build_index", counting_build)
    make_segment(world.town_a, "S1", EAST_WEST)

    for metres in range(20):
        responsibility_at(*at(metres, 5))
    assert len(builds) == 1

    second = make_segment(world.town_a, "S2", line(at(-100, 1), at(100, 1)))
    for metres in range(20):
        assert responsibility_at(*at(metres, 5)).segment == second
    assert len(builds) == 2


def test_a_change_made_by_another_process_is_seen_after_the_check_interval(world, monkeypatch, settings):
    settings.ROUTING_INDEX_CHECK_SECONDS = 2.0
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(routing, "time", SimpleNamespace(monotonic=lambda: clock.now))
    assert responsibility_at(*at(0, 5)).segment is None

    # Another process: its rows are committed and it bumps the shared revision, but it
    # cannot mark this process's index stale.
    segment = make_segment(world.town_a, "S1", EAST_WEST)
    MapRevision.objects.update_or_create(pk=1, defaults={"revision": routing.current_revision() + 1})

    clock.now += settings.ROUTING_INDEX_CHECK_SECONDS / 2
    assert responsibility_at(*at(0, 5)).segment is None

    clock.now += settings.ROUTING_INDEX_CHECK_SECONDS
    assert responsibility_at(*at(0, 5)).segment == segment


def test_an_empty_map_routes_to_nothing(world):
    found = responsibility_at(*at(0, 0))

    assert (found.segment, found.grid, found.site) == (None, None, None)
    assert found.units == [] and found.people == []


def test_route_point_names_the_town_without_a_query(world, django_assert_num_queries):
    community = Unit.objects.get(code="T01C01")
    segment = make_segment(community, "S1", EAST_WEST)
    responsibility_at(*at(0, 5))  # builds the index

    with django_assert_num_queries(0):
        routed = route_point(*at(0, 5))

    assert routed.segment_id == segment.pk
    assert routed.town_id == world.town_a.pk  # the community's town, found from the unit tree


def test_a_grid_files_the_point_under_its_street_before_the_road_units_town(world):
    make_segment(world.town_a, "S1", EAST_WEST)
    make_grid(world.town_b, "410221001001001", square(at(0, 0), 50))

    assert route_point(*at(0, 5)).town_id == world.town_b.pk


def test_a_department_road_outside_any_town_has_no_town(world):
    make_segment(world.housing, "S1", EAST_WEST)

    assert route_point(*at(0, 5)).town_id is None


@pytest.mark.django_db(transaction=True)  # real commits: the index hears of unit changes on commit
def test_moving_a_unit_to_another_town_refiles_its_roads(world):
    community = Unit.objects.get(code="T01C01")
    make_segment(community, "S1", EAST_WEST)
    assert route_point(*at(0, 5)).town_id == world.town_a.pk

    unit_move(unit=community, parent=world.town_b)

    assert route_point(*at(0, 5)).town_id == world.town_b.pk
