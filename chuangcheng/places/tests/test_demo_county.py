"""The demo county: deterministic, complete (every kind and role), and routable."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate

from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.demo import ADMIN_USERNAME, DEMO_LOGINS, DEMO_PASSWORD
from chuangcheng.org.models import Membership, Unit
from chuangcheng.places.choices import DEFAULT_SITE_TYPES, PledgeStatus
from chuangcheng.places.demo import DemoCountyBuilder, DemoSummary, tile_offsets, wipe_map_and_org
from chuangcheng.places.models import Grid, RoadSegment, Shop, Site

# Every test reads the committed module county; the marker makes sure a test database exists
# even when this file runs alone (the module fixture alone would not ask for one).
pytestmark = pytest.mark.django_db

SEED = 7


def _segment_fingerprint() -> list[tuple]:
    return list(RoadSegment.objects.order_by("code").values_list("code", "geometry", "unit__code", "chief__username"))


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """One county for the whole module (building it takes about a second); removed afterwards."""
    with django_db_blocker.unblock():
        summary = DemoCountyBuilder(seed=SEED).build()
        yield summary
        wipe_map_and_org()


@pytest.fixture
def reads(county, django_db_blocker):
    with django_db_blocker.unblock():
        yield county


def test_it_builds_a_county_of_the_promised_size(reads: DemoSummary) -> None:
    assert 500 <= reads.segments <= 800
    assert 150 <= reads.grids <= 250
    assert 180 <= reads.sites <= 260
    assert 2500 <= reads.shops <= 3500
    assert 120 <= reads.people <= 200
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 25
    assert Unit.objects.filter(kind=UnitKind.TOWN).count() == 12
    assert 70 <= Unit.objects.filter(kind=UnitKind.COMMUNITY).count() <= 90


def test_it_has_units_of_every_kind_with_paths(reads: DemoSummary) -> None:
    assert set(Unit.objects.values_list("kind", flat=True)) == set(UnitKind.values)
    for unit in Unit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert unit.path == expected


def test_its_road_network_base_map_is_light_enough_for_a_phone(reads: DemoSummary, client) -> None:
    """The base layer every map without tiles loads: under 100 kB before gzip (about 45 kB), named roads."""
    inspector = next(login for login in DEMO_LOGINS if login.role == Role.INSPECTOR)
    client.force_login(Membership.objects.filter(person__username=inspector.username).first().person)
    response = client.get("/places/roads.geojson")
    assert response.status_code == 200
    roads = response.json()["features"]
    assert len(response.content) < 100_000
    assert len(roads) < reads.segments  # segments of one road are joined
    assert all(road["properties"]["name"] for road in roads)


def test_it_has_people_in_every_role(reads: DemoSummary) -> None:
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)


def test_the_fixed_demo_logins_authenticate_with_their_role(reads: DemoSummary, settings) -> None:
    # The module's county was hashed before the suite's fast-hasher fixture switched to MD5.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    for login in DEMO_LOGINS:
        person = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert person is not None, login.username
        assert person.memberships.filter(role=login.role).exists()
    admin = authenticate(username=ADMIN_USERNAME, password=DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser


def test_the_liaison_is_in_chengguan_street(reads: DemoSummary) -> None:
    membership = Membership.objects.select_related("unit").get(person__username="liaison")
    assert (membership.role, membership.unit.name) == (Role.UNIT_ADMIN, "城关街道")


def test_the_road_chief_has_several_segments_with_shops(reads: DemoSummary) -> None:
    segments = RoadSegment.objects.filter(chief__username="luzhang")
    assert segments.count() >= 5
    assert Shop.objects.filter(segment__in=segments).count() >= 50


def test_every_segment_has_a_unit_a_length_and_descriptions(reads: DemoSummary) -> None:
    assert not RoadSegment.objects.filter(unit__isnull=True).exists()
    assert not RoadSegment.objects.filter(length_m__lte=0).exists()
    assert not RoadSegment.objects.filter(from_desc="").exists()
    assert not RoadSegment.objects.filter(chief__isnull=True).exists()
    # Departments and streets share the roads.
    kinds = set(RoadSegment.objects.values_list("unit__kind", flat=True))
    assert {UnitKind.DEPARTMENT, UnitKind.TOWN} <= kinds


def test_every_grid_code_is_15_digits_and_starts_with_its_community(reads: DemoSummary) -> None:
    for code, community_code in Grid.objects.values_list("code", "community__code"):
        assert re.fullmatch(r"\d{15}", code)
        assert code.startswith(community_code)


def test_sites_cover_every_type_with_points_and_areas(reads: DemoSummary) -> None:
    assert set(Site.objects.values_list("site_type__code", flat=True)) == {code for code, _ in DEFAULT_SITE_TYPES}
    types = {geometry["type"] for geometry in Site.objects.values_list("geometry", flat=True)}
    assert types == {"Point", "Polygon"}


def test_shops_have_segments_mobiles_and_pledges(reads: DemoSummary) -> None:
    assert not Shop.objects.filter(segment__isnull=True).exists()
    assert all(re.fullmatch(r"1\d{10}", m) for m in Shop.objects.values_list("operator_mobile", flat=True))
    signed = Shop.objects.filter(pledge_status=PledgeStatus.SIGNED)
    assert signed.count() > Shop.objects.count() // 2
    assert not signed.filter(pledge_items__isnull=True).exists()
    assert {d.year for d in signed.values_list("pledge_signed_on", flat=True)} == {2026}
    assert Shop.objects.filter(pledge_status=PledgeStatus.UNSIGNED).exists()


def test_the_map_lies_around_the_configured_centre(reads: DemoSummary, settings) -> None:
    for lon, lat in RoadSegment.objects.values_list("min_lon", "min_lat"):
        assert abs(lon - settings.MAP_CENTER_LON) < 0.3 and abs(lat - settings.MAP_CENTER_LAT) < 0.3


def test_the_same_seed_gives_the_same_map_and_scale_2_doubles_it(county, django_db_blocker) -> None:
    with django_db_blocker.unblock():
        first = _segment_fingerprint()
        wipe_map_and_org()
        DemoCountyBuilder(seed=SEED).build()
        assert _segment_fingerprint() == first
        wipe_map_and_org()
        doubled = DemoCountyBuilder(seed=SEED, scale=2).build()
        assert doubled.segments == 2 * len(first)
        assert Grid.objects.count() == 2 * county.grids
        assert RoadSegment.objects.values("code").distinct().count() == doubled.segments
        # Leave the module's county as it was for any later test.
        wipe_map_and_org()
        DemoCountyBuilder(seed=SEED).build()


def test_tiles_spiral_out_from_the_seat_without_repeats() -> None:
    offsets = tile_offsets(170)
    assert offsets[0] == (0, 0)
    assert len(set(offsets)) == 170
    assert max(max(abs(a), abs(b)) for a, b in offsets) == 7
