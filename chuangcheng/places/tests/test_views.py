"""Pages of the responsibility map: scope, 404s outside it, filters, htmx partials."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chuangcheng.places import views
from chuangcheng.places.choices import RoadClass

from .view_helpers import make_grid, make_segment, make_shop, make_site

LIST_NAMES = ["places:segment_list", "places:grid_list", "places:site_list", "places:shop_list"]


@pytest.fixture
def town_map(world):
    """Two towns' worth of map: town A's objects belong to chief_a, town B's to chief_b."""
    grid_a = make_grid("001", world.town_a)
    grid_b = make_grid("002", world.town_b, dlon=0.05)
    seg_a = make_segment("A1", world.town_a, chief=world.chief_a, grid=grid_a)
    seg_a2 = make_segment("A2", world.town_a, section_chief=world.chief_a, dlat=0.001, road_class=RoadClass.BACK_STREET)
    seg_a3 = make_segment("A3", world.town_a, dlat=0.002)
    seg_b = make_segment("B1", world.town_b, chief=world.chief_b, dlon=0.05)
    return {
        "grid_a": grid_a,
        "grid_b": grid_b,
        "seg_a": seg_a,
        "seg_a2": seg_a2,
        "seg_a3": seg_a3,
        "seg_b": seg_b,
        "site_a": make_site("SA", world.town_a),
        "site_b": make_site("SB", world.town_b, dlon=0.05),
        "shop_a": make_shop("SHA", seg_a),
        "shop_a_unsigned": make_shop("SHA2", seg_a, signed=False),
        "shop_b": make_shop("SHB", seg_b),
    }


def rows(response) -> set[int]:
    return {obj.pk for obj in response.context["page"]}


@pytest.mark.parametrize(
    "name", [*LIST_NAMES, "places:map", "places:mine", "home:home", "org:unit_tree", "org:person_list"]
)
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


@pytest.mark.parametrize("name", LIST_NAMES)
def test_lists_render_for_office(client, world, town_map, name):
    client.force_login(world.office)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'id="results"' in response.content
    assert "导出Excel" in response.content.decode()


def test_office_sees_every_segment(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:segment_list"))
    assert rows(response) == {town_map[k].pk for k in ("seg_a", "seg_a2", "seg_a3", "seg_b")}


def test_road_chief_segment_list_holds_only_their_segments(client, world, town_map):
    client.force_login(world.chief_a)
    response = client.get(reverse("places:segment_list"))
    assert rows(response) == {town_map["seg_a"].pk, town_map["seg_a2"].pk}


def test_unit_admin_segment_list_holds_only_their_units_segments(client, world, town_map):
    client.force_login(world.admin_b)
    response = client.get(reverse("places:segment_list"))
    assert rows(response) == {town_map["seg_b"].pk}
    assert "路段A1" not in response.content.decode()


def test_segment_list_filters_by_road_class_and_search(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:segment_list"), {"road_class": RoadClass.BACK_STREET})
    assert rows(response) == {town_map["seg_a2"].pk}
    response = client.get(reverse("places:segment_list"), {"q": "B1"})
    assert rows(response) == {town_map["seg_b"].pk}


def test_segment_list_filters_by_unit(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:segment_list"), {"unit": world.town_b.pk})
    assert rows(response) == {town_map["seg_b"].pk}


def test_it_ignores_a_unit_filter_outside_the_users_scope(client, world, town_map):
    client.force_login(world.admin_b)
    response = client.get(reverse("places:segment_list"), {"unit": world.town_a.pk})
    assert response.status_code == 200
    assert rows(response) == {town_map["seg_b"].pk}


def test_it_ignores_malformed_filters(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:segment_list"), {"unit": "abc", "road_class": "nope", "page": "x"})
    assert response.status_code == 200
    assert len(rows(response)) == 4


def test_htmx_request_gets_only_the_table(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:segment_list"), {"q": "A"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body
    assert 'id="filters"' not in body


def test_export_link_carries_the_filters_but_not_the_page(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:shop_list"), {"pledge_status": "signed", "q": "", "page": "1"})
    assert response.context["export_url"] == "/places/io/export/shop.xlsx?pledge_status=signed"
    assert 'href="/places/io/export/shop.xlsx?pledge_status=signed"' in response.content.decode()


def test_export_url_without_filters_has_no_query(rf):
    assert views.export_url("grid", rf.get("/").GET) == "/places/io/export/grid.xlsx"


def test_import_link_is_shown_only_to_map_editors(client, world, town_map):
    client.force_login(world.office)
    assert 'id="import-link"' in client.get(reverse("places:segment_list")).content.decode()
    client.force_login(world.leader)
    assert 'id="import-link"' not in client.get(reverse("places:segment_list")).content.decode()


def test_list_is_paginated(client, world, town_map, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(world.office)
    first = client.get(reverse("places:segment_list"))
    second = client.get(reverse("places:segment_list"), {"page": 2})
    assert len(rows(first)) == 3
    assert len(rows(second)) == 1
    assert 'rel="next"' in first.content.decode()


def test_shop_list_filters_by_pledge_status_and_segment(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:shop_list"), {"pledge_status": "unsigned"})
    assert rows(response) == {town_map["shop_a_unsigned"].pk}
    response = client.get(reverse("places:shop_list"), {"segment": town_map["seg_b"].pk})
    assert rows(response) == {town_map["shop_b"].pk}


def test_road_chief_shop_list_holds_only_shops_on_their_segments(client, world, town_map):
    client.force_login(world.chief_b)
    assert rows(client.get(reverse("places:shop_list"))) == {town_map["shop_b"].pk}


def test_grid_and_site_lists_are_scoped(client, world, town_map):
    client.force_login(world.admin_a)
    assert rows(client.get(reverse("places:grid_list"))) == {town_map["grid_a"].pk}
    assert rows(client.get(reverse("places:site_list"))) == {town_map["site_a"].pk}


def test_grid_list_filters_by_street(client, world, town_map):
    client.force_login(world.office)
    assert rows(client.get(reverse("places:grid_list"), {"street": world.town_b.pk})) == {town_map["grid_b"].pk}


DETAILS = [
    ("places:segment_detail", "seg_a", "seg_b"),
    ("places:grid_detail", "grid_a", "grid_b"),
    ("places:site_detail", "site_a", "site_b"),
    ("places:shop_detail", "shop_a", "shop_b"),
]


@pytest.mark.parametrize(("name", "own", "other"), DETAILS)
def test_unit_admin_opens_own_units_object(client, world, town_map, name, own, other):
    client.force_login(world.admin_a)
    response = client.get(reverse(name, args=[town_map[own].pk]))
    assert response.status_code == 200
    assert b'data-map="static"' in response.content


@pytest.mark.parametrize(("name", "own", "other"), DETAILS)
def test_unit_admin_gets_404_for_another_units_object(client, world, town_map, name, own, other):
    client.force_login(world.admin_b)
    assert client.get(reverse(name, args=[town_map[own].pk])).status_code == 404


@pytest.mark.parametrize(("name", "own", "other"), DETAILS)
def test_detail_pages_need_login(client, world, town_map, name, own, other):
    response = client.get(reverse(name, args=[town_map[own].pk]))
    assert response.status_code == 302


def test_road_chief_cannot_open_another_chiefs_segment(client, world, town_map):
    client.force_login(world.chief_a)
    assert client.get(reverse("places:segment_detail", args=[town_map["seg_b"].pk])).status_code == 404
    assert client.get(reverse("places:segment_detail", args=[town_map["seg_a3"].pk])).status_code == 404
    assert client.get(reverse("places:segment_detail", args=[town_map["seg_a"].pk])).status_code == 200


def test_segment_detail_lists_shops_with_pledges(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("places:segment_detail", args=[town_map["seg_a"].pk]))
    body = response.content.decode()
    assert "门店SHA" in body and "门店SHA2" in body
    assert "已签订" in body and "未签订" in body
    assert "包卫生" in body
    assert "孙路长" in body
    features = response.context["features"]["features"]
    assert {f["properties"]["kind"] for f in features} == {"segment", "shop"}


def test_missing_object_is_404(client, world):
    client.force_login(world.office)
    assert client.get(reverse("places:segment_detail", args=[999999])).status_code == 404


def test_mine_shows_only_the_chiefs_segments_and_their_shops(client, world, town_map):
    client.force_login(world.chief_a)
    response = client.get(reverse("places:mine"))
    area = response.context["area"]
    assert {s.pk for s in area.segments} == {town_map["seg_a"].pk, town_map["seg_a2"].pk}
    assert {s.pk for s in area.shops} == {town_map["shop_a"].pk, town_map["shop_a_unsigned"].pk}
    body = response.content.decode()
    assert "路段A1" in body and "路段B1" not in body and "路段A3" not in body
    assert 'id="mine-segments"' in body


def test_mine_for_a_person_without_segments_says_so(client, world, town_map):
    client.force_login(world.admin_a)
    response = client.get(reverse("places:mine"))
    assert response.status_code == 200
    assert 'id="mine-empty"' in response.content.decode()


def test_map_page_fits_to_visible_data(client, world, town_map):
    client.force_login(world.admin_b)
    response = client.get(reverse("places:map"))
    assert response.status_code == 200
    extent = response.context["extent"]
    assert extent[0] >= 114.34  # only town B's objects, which lie 0.05° east
    body = response.content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in body
    assert 'id="resp-panel"' in body
    assert "//" not in body.split("leaflet.js")[0].rsplit("src=", 1)[1]  # served locally, no CDN


def test_map_page_without_tiles_draws_no_tile_layer(client, world, settings):
    settings.MAP_TILE_URL = ""
    client.force_login(world.office)
    response = client.get(reverse("places:map"))
    assert 'data-tile-url=""' in response.content.decode()


def test_nav_shows_my_area_only_to_road_chiefs(client, world):
    client.force_login(world.chief_a)
    assert 'id="nav-mine"' in client.get(reverse("home:home")).content.decode()
    client.force_login(world.office)
    assert 'id="nav-mine"' not in client.get(reverse("home:home")).content.decode()


def test_home_for_office_links_to_import_and_map(client, world, town_map):
    client.force_login(world.office)
    response = client.get(reverse("home:home"))
    body = response.content.decode()
    assert 'id="panel-office"' in body and 'id="home-import-link"' in body
    assert response.context["counts"]["segments"] == 4


def test_home_for_road_chief_summarises_their_area(client, world, town_map):
    client.force_login(world.chief_a)
    body = client.get(reverse("home:home")).content.decode()
    assert 'id="panel-chief"' in body and "路段A1" in body
    assert 'id="panel-office"' not in body


def test_home_for_unit_admin_counts_their_units_objects(client, world, town_map):
    client.force_login(world.admin_b)
    response = client.get(reverse("home:home"))
    assert 'id="panel-unit"' in response.content.decode()
    assert response.context["counts"] == {"segments": 1, "grids": 1, "sites": 1, "shops": 1}


def test_home_for_leader_is_a_read_only_overview(client, world, town_map):
    client.force_login(world.leader)
    response = client.get(reverse("home:home"))
    body = response.content.decode()
    assert 'id="panel-overview"' in body
    assert 'id="home-import-link"' not in body
    counts = {status: n for status, _label, n in response.context["pledge_counts"]}
    assert counts["signed"] == 2 and counts["unsigned"] == 1
    classes = {value: n for value, _label, n in response.context["road_class_counts"]}
    assert classes[RoadClass.MAIN] == 3 and classes[RoadClass.BACK_STREET] == 1
