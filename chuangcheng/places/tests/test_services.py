from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from chuangcheng.core.errors import DomainError
from chuangcheng.places import routing
from chuangcheng.places.choices import DEFAULT_PLEDGE_ITEMS, DEFAULT_SITE_TYPES, PledgeStatus
from chuangcheng.places.models import Grid, MapRevision, PledgeItem, RoadSegment, Shop, Site, SiteType
from chuangcheng.places.services import grid_save, map_changed, seed_reference_lists, shop_save, site_save

from .test_routing import EAST_WEST, at, line, make_segment, square


def pending_bumps() -> int:
    return sum(1 for _, func, _ in connection.run_on_commit if func is routing.bump_revision)


def test_segment_save_computes_length_and_bounding_box(world):
    segment = make_segment(world.town_a, "S1", EAST_WEST)

    assert segment.length_m == pytest.approx(200.0, abs=0.5)
    west, east = at(-100), at(100)
    assert (segment.min_lon, segment.max_lon) == pytest.approx((west[0], east[0]))
    assert segment.min_lat == pytest.approx(34.80) and segment.max_lat == pytest.approx(34.80)


def test_a_multilinestring_segment_gets_the_length_of_all_its_parts(world):
    geometry = {
        "type": "MultiLineString",
        "coordinates": [[list(at(-100)), list(at(0))], [list(at(0, 50)), list(at(100, 50))]],
    }

    segment = make_segment(world.town_a, "S-MULTI", geometry)

    assert segment.length_m == pytest.approx(200.0, abs=0.5)


def test_segment_save_refuses_a_geometry_that_is_not_a_line(world):
    with pytest.raises(DomainError, match="路段"):
        make_segment(world.town_a, "S-PT", {"type": "Point", "coordinates": list(at(0))})

    assert not RoadSegment.objects.exists()


def test_grid_save_computes_area_in_square_metres(world):
    grid = grid_save(
        grid=Grid(code="410221001001001", name="一网格", street=world.town_a), geometry=square(at(0, 0), 100)
    )

    assert grid.area_m2 == pytest.approx(40_000, rel=0.005)


def test_grid_save_rejects_a_self_intersecting_polygon(world):
    bowtie = {"type": "Polygon", "coordinates": [[list(p) for p in [at(0), at(100, 100), at(100), at(0, 100), at(0)]]]}

    with pytest.raises(DomainError, match="自相交"):
        grid_save(grid=Grid(code="410221001001001", name="坏网格", street=world.town_a), geometry=bowtie)


def test_grid_save_rejects_a_bad_grid_code(world):
    with pytest.raises(ValidationError) as excinfo:
        grid_save(grid=Grid(code="41022100100", name="短码", street=world.town_a), geometry=square(at(0, 0), 50))

    assert "15 位数字" in str(excinfo.value.message_dict["code"])


def test_site_save_puts_an_area_site_point_inside_its_polygon(world):
    site_type = SiteType.objects.get(code="park")
    site = site_save(
        site=Site(code="P1", name="人民公园", site_type=site_type, unit=world.town_a), geometry=square(at(0, 0), 80)
    )

    assert site.is_area
    assert at(-80, -80)[0] < site.lon < at(80, 80)[0]
    assert at(-80, -80)[1] < site.lat < at(80, 80)[1]


def test_site_save_refuses_a_line_that_routing_could_never_find(world):
    site_type = SiteType.objects.get(code="market")

    with pytest.raises(DomainError, match="点位"):
        site_save(site=Site(code="P1", name="线状点位", site_type=site_type, unit=world.town_a), geometry=EAST_WEST)


def test_an_empty_geometry_is_refused(world):
    with pytest.raises(DomainError, match="为空"):
        make_segment(world.town_a, "S0", {"type": "LineString", "coordinates": []})


def test_shop_save_stores_the_pledge_items(world):
    items = list(PledgeItem.objects.filter(code__in=["hygiene", "order"]))
    shop = Shop(
        code="M1",
        name="老王烩面馆",
        lon=at(0)[0],
        lat=at(0)[1],
        pledge_status=PledgeStatus.SIGNED,
        pledge_signed_on=datetime.date(2026, 3, 1),
    )

    shop_save(shop=shop, pledge_items=items)

    assert set(shop.pledge_items.values_list("code", flat=True)) == {"hygiene", "order"}


def test_a_signed_pledge_needs_a_signing_date(world):
    shop = Shop(code="M1", name="老王烩面馆", lon=114.3, lat=34.8, pledge_status=PledgeStatus.SIGNED)

    with pytest.raises(ValidationError):
        shop_save(shop=shop)

    assert not Shop.objects.exists()


def test_seeding_reference_lists_twice_keeps_one_of_each_and_the_office_edits(world):
    SiteType.objects.filter(code="market").update(name="农贸市场")

    seed_reference_lists()

    assert SiteType.objects.count() == len(DEFAULT_SITE_TYPES)
    assert PledgeItem.objects.count() == len(DEFAULT_PLEDGE_ITEMS)
    assert SiteType.objects.get(code="market").name == "农贸市场"


def test_several_map_saves_in_one_transaction_bump_the_revision_once(world):
    make_segment(world.town_a, "S1", EAST_WEST)
    make_segment(world.town_a, "S2", line(at(-100, 40), at(100, 40)))
    grid_save(grid=Grid(code="410221001001001", name="一网格", street=world.town_a), geometry=square(at(0, 0), 100))

    assert pending_bumps() == 1


def test_saving_and_deleting_a_segment_each_move_the_revision_after_commit(transactional_db, world):
    before = routing.current_revision()
    segment = make_segment(world.town_a, "S1", EAST_WEST)
    assert routing.current_revision() == before + 1

    segment.delete()

    assert routing.current_revision() == before + 2
    routing.holder.mark_stale()


def test_a_rolled_back_save_does_not_move_the_revision(transactional_db, world):
    before = routing.current_revision()

    with pytest.raises(ValidationError), transaction.atomic():
        make_segment(world.town_a, "S1", EAST_WEST)
        make_segment(world.town_a, "S1", EAST_WEST)  # duplicate code

    assert routing.current_revision() == before


def test_map_changed_bumps_the_revision_on_commit(world, django_capture_on_commit_callbacks):
    before = routing.current_revision()

    with django_capture_on_commit_callbacks(execute=True):
        map_changed()

    assert routing.current_revision() == before + 1


def test_bump_revision_creates_then_increments_the_counter(db):
    MapRevision.objects.all().delete()  # module fixtures elsewhere commit demo counties, and their bumps

    routing.bump_revision()
    routing.bump_revision()

    assert routing.current_revision() == 2
    routing.holder.mark_stale()
