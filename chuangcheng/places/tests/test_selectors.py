"""Who sees which part of the map, and what responsibility_at reports for a point."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.http import Http404

from chuangcheng.core.errors import DomainError
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person
from chuangcheng.org.selectors import person_list_for_user, unit_list_for_user
from chuangcheng.org.services import membership_grant, person_create
from chuangcheng.places import routing
from chuangcheng.places.models import Grid, RoadSegment, Shop, Site, SiteType
from chuangcheng.places.selectors import (
    get_grid_for_user,
    get_segment_for_user,
    get_shop_for_user,
    get_site_for_user,
    grid_list_for_user,
    responsibility_at,
    segment_list_for_user,
    shop_list_for_user,
    site_list_for_user,
)
from chuangcheng.places.services import grid_save, segment_save, shop_save, site_save

from .test_routing import at, line, square


@dataclass
class Map:
    seg_a: RoadSegment  # town A's, 路长 chief_a
    seg_a1: RoadSegment  # community A1's, no chief
    seg_b: RoadSegment  # town B's, 路长 chief_b
    seg_housing: RoadSegment  # housing bureau's, 段长 chief_a
    grid_a: Grid
    grid_b: Grid
    site_a: Site
    site_b: Site
    shop_a: Shop
    shop_b: Shop


@pytest.fixture
def county_map(world) -> Map:
    def segment(code: str, unit, north_m: float, **people) -> RoadSegment:
        return segment_save(
            segment=RoadSegment(code=code, name=f"路段{code}", unit=unit, **people),
            geometry=line(at(-100, north_m), at(100, north_m)),
        )

    def site(code: str, unit, east_m: float) -> Site:
        return site_save(
            site=Site(code=code, name=f"点位{code}", site_type=SiteType.objects.get(code="market"), unit=unit),
            geometry={"type": "Point", "coordinates": list(at(east_m, 5))},
        )

    def shop(code: str, on: RoadSegment) -> Shop:
        return shop_save(shop=Shop(code=code, name=f"门店{code}", lon=LON, lat=LAT, segment=on))

    LON, LAT = at(0, 0)
    seg_a = segment("A-01", world.town_a, 0, chief=world.chief_a)
    seg_b = segment("B-01", world.town_b, 300, chief=world.chief_b)
    return Map(
        seg_a=seg_a,
        seg_a1=segment("A-02", world.community_a1, 600),
        seg_b=seg_b,
        seg_housing=segment("H-01", world.housing, 900, section_chief=world.chief_a),
        grid_a=grid_save(
            grid=Grid(code="410221001001001", name="东关一网格", street=world.town_a, community=world.community_a1),
            geometry=square(at(0, 0), 150),
        ),
        grid_b=grid_save(
            grid=Grid(code="410221002001001", name="城南一网格", street=world.town_b), geometry=square(at(0, 300), 140)
        ),
        site_a=site("P-A", world.town_a, 0),
        site_b=site("P-B", world.town_b, 5000),
        shop_a=shop("M-A", seg_a),
        shop_b=shop("M-B", seg_b),
    )


def codes(qs) -> set[str]:
    return {obj.code for obj in qs}


@pytest.mark.parametrize("persona", ["office", "supervisor", "leader"])
def test_county_roles_see_the_whole_map(world, county_map, persona):
    user = getattr(world, persona)

    assert codes(segment_list_for_user(user=user)) == {"A-01", "A-02", "B-01", "H-01"}
    assert len(grid_list_for_user(user=user)) == 2
    assert len(site_list_for_user(user=user)) == 2
    assert len(shop_list_for_user(user=user)) == 2


def test_a_road_chief_sees_only_the_segments_they_answer_for(world, county_map):
    # chief_a belongs to town A but A-02 (community A1, in town A's subtree) is not theirs;
    # H-01 belongs to another unit but they are its 段长.
    assert codes(segment_list_for_user(user=world.chief_a)) == {"A-01", "H-01"}
    assert codes(segment_list_for_user(user=world.chief_b)) == {"B-01"}


def test_a_road_chief_sees_the_shops_along_their_segments_only(world, county_map):
    assert codes(shop_list_for_user(user=world.chief_a)) == {"M-A"}


def test_a_unit_admin_sees_their_subtree_segments(world, county_map):
    assert codes(segment_list_for_user(user=world.admin_a)) == {"A-01", "A-02"}


def test_a_unit_admin_of_town_b_sees_nothing_of_town_a(world, county_map):
    user = world.admin_b

    assert codes(segment_list_for_user(user=user)) == {"B-01"}
    assert codes(grid_list_for_user(user=user)) == {"410221002001001"}
    assert codes(site_list_for_user(user=user)) == {"P-B"}
    assert codes(shop_list_for_user(user=user)) == {"M-B"}


def test_a_handler_in_a_community_sees_only_that_communitys_part(world, county_map):
    user = world.handler_a

    assert codes(segment_list_for_user(user=user)) == {"A-02"}
    assert codes(grid_list_for_user(user=user)) == {"410221001001001"}  # its community's grid
    assert codes(site_list_for_user(user=user)) == set()  # P-A is the town's, above the community
    assert codes(shop_list_for_user(user=user)) == set()


def test_a_responsible_person_sees_their_site_and_grid_worker_their_grid(world, county_map):
    county_map.site_b.person = world.admin_a
    county_map.site_b.save()
    county_map.grid_b.grid_worker = world.handler_a
    county_map.grid_b.save()

    assert "P-B" in codes(site_list_for_user(user=world.admin_a))
    assert "410221002001001" in codes(grid_list_for_user(user=world.handler_a))


def test_an_inactive_unit_admin_sees_nothing(world, county_map):
    world.admin_a.is_active = False
    world.admin_a.save()
    user = Person.objects.get(pk=world.admin_a.pk)

    assert not segment_list_for_user(user=user).exists()
    assert not grid_list_for_user(user=user).exists()
    assert not shop_list_for_user(user=user).exists()


@pytest.mark.parametrize(
    ("getter", "attr"),
    [
        (get_segment_for_user, "seg_a"),
        (get_grid_for_user, "grid_a"),
        (get_site_for_user, "site_a"),
        (get_shop_for_user, "shop_a"),
    ],
)
def test_another_units_object_is_a_404_and_ones_own_opens(world, county_map, getter, attr):
    obj = getattr(county_map, attr)

    with pytest.raises(Http404):
        getter(world.admin_b, obj.pk)
    assert getter(world.admin_a, obj.pk) == obj
    assert getter(world.office, obj.pk) == obj


def test_a_road_chief_cannot_open_a_segment_of_their_own_unit_that_is_not_theirs(world, county_map):
    with pytest.raises(Http404):
        get_segment_for_user(world.chief_a, county_map.seg_a1.pk)


def test_list_filters_narrow_the_visible_rows(world, county_map):
    assert codes(segment_list_for_user(user=world.office, filters={"chief": world.chief_a.pk})) == {"A-01", "H-01"}
    assert codes(segment_list_for_user(user=world.office, filters={"q": "B-0"})) == {"B-01"}
    assert codes(shop_list_for_user(user=world.office, filters={"segment": county_map.seg_b.pk})) == {"M-B"}
    # A filter never widens the scope.
    assert codes(segment_list_for_user(user=world.admin_b, filters={"unit": world.town_a.pk})) == set()


def test_segment_list_counts_shops(world, county_map):
    counts = {s.code: s.shop_count for s in segment_list_for_user(user=world.office)}

    assert counts == {"A-01": 1, "A-02": 0, "B-01": 1, "H-01": 0}


class TestResponsibilityAt:
    @pytest.fixture(autouse=True)
    def fresh_index(self):
        routing.holder.mark_stale()
        yield
        routing.holder.mark_stale()

    def test_it_names_every_unit_and_person_once(self, world, county_map):
        county_map.grid_a.grid_worker = world.chief_a  # also the segment's 路长: listed once
        county_map.grid_a.save()
        county_map.site_a.person = world.handler_a
        county_map.site_a.save()

        found = responsibility_at(*at(0, 3), user=world.office)

        assert found.segment == county_map.seg_a
        assert found.grid == county_map.grid_a
        assert found.site == county_map.site_a
        assert found.units == [world.town_a, world.community_a1]
        assert found.people == [world.chief_a, world.handler_a]

    def test_an_unknown_coordinate_system_is_a_domain_error_in_chinese(self, world):
        with pytest.raises(DomainError, match="坐标系"):
            responsibility_at(114.3, 34.8, user=world.office, crs="bd09")


# ---- a road chief's scope is their segments, whatever unit their membership is on -------------


@pytest.fixture
def chief_on_root(world, county_map) -> Person:
    """段长 of A-01 (which lies in 东关一网格), with the road-chief membership on the county root."""
    chief = person_create(username="chief_root", real_name="钱段长", unit=world.county, password="x")
    membership_grant(person=chief, unit=world.county, role=Role.ROAD_CHIEF)
    county_map.seg_a.section_chief = chief
    county_map.seg_a.grid = county_map.grid_a
    county_map.seg_a.save(update_fields=["section_chief", "grid"])
    return chief


def test_a_road_chief_on_the_county_root_sees_their_segment_and_what_lies_along_it(world, county_map, chief_on_root):
    user = chief_on_root

    assert codes(segment_list_for_user(user=user)) == {"A-01"}
    assert codes(shop_list_for_user(user=user)) == {"M-A"}
    assert codes(grid_list_for_user(user=user)) == {"410221001001001"}  # the grid A-01 lies in
    assert codes(site_list_for_user(user=user)) == set()


def test_a_road_chief_on_the_county_root_sees_no_units_or_people_through_the_membership(
    world, county_map, chief_on_root
):
    assert list(unit_list_for_user(user=chief_on_root)) == []
    assert list(person_list_for_user(user=chief_on_root)) == []


@pytest.mark.parametrize("persona", ["inspector", "volunteer"])
def test_street_reporters_see_nothing_of_the_map_through_their_membership(world, county_map, persona):
    user = getattr(world, persona)  # the volunteer's membership is on 东关社区, the grid's community

    assert codes(grid_list_for_user(user=user)) == set()
    assert codes(site_list_for_user(user=user)) == set()
    assert list(person_list_for_user(user=user)) == []


@pytest.mark.parametrize("persona", ["inspector", "volunteer", "admin_b", "chief_b"])
def test_the_responsibility_answer_names_nothing_the_caller_may_not_see(client, world, county_map, persona):
    client.force_login(getattr(world, persona))
    lon, lat = at(0, 3)  # on A-01, in 东关一网格, beside 点位 P-A: all 城关街道's

    found = client.get("/api/places/responsibility", {"lon": lon, "lat": lat}).json()

    assert (found["segment"], found["grid"], found["site"]) == (None, None, None)
    assert (found["units"], found["people"]) == ([], [])


def test_the_responsibility_answer_names_what_the_caller_sees(client, world, county_map):
    client.force_login(world.chief_a)
    lon, lat = at(0, 3)

    found = client.get("/api/places/responsibility", {"lon": lon, "lat": lat}).json()

    assert found["segment"]["name"] == "路段A-01"
    assert found["grid"] is None  # chief_a's segment is in no grid here, and P-A is not theirs
    assert [p["name"] for p in found["people"]] == ["孙路长"]
