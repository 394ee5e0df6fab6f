"""List, detail and 我的责任区 endpoints of the map API: scope, filters, pagination, 404s."""

from __future__ import annotations

import pytest

from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import Shop, SiteType

from .view_helpers import make_grid, make_segment, make_shop, make_site


@pytest.fixture
def places(world):
    seg_a = make_segment("A1", world.town_a, chief=world.chief_a)
    seg_b = make_segment("B1", world.town_b, chief=world.chief_b, dlon=0.05)
    grid_a = make_grid("001", world.town_a)
    return {
        "seg_a": seg_a,
        "seg_a2": make_segment("A2", world.town_a, dlon=0.2, road_class=RoadClass.BACK_STREET, grid=grid_a),
        "seg_b": seg_b,
        "grid_a": grid_a,
        "grid_b": make_grid("002", world.town_b, dlon=0.05),
        "site_a": make_site("SA", world.town_a),
        "site_b": make_site("SB", world.town_b, dlon=0.05),
        "shop_a": make_shop("SHA", seg_a),
        "shop_a2": make_shop("SHA2", seg_a, signed=False),
        "shop_b": make_shop("SHB", seg_b),
    }


KIND_PATHS = {"segments": ("seg_a", "seg_b"), "grids": ("grid_a", "grid_b"), "sites": ("site_a", "site_b")}
KIND_PATHS["shops"] = ("shop_a", "shop_b")


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_a_list_is_a_count_and_items_envelope_paged_by_page_size(client, world, places):
    client.force_login(world.office)

    first = client.get("/api/places/segments", {"page_size": 2}).json()
    second = client.get("/api/places/segments", {"page_size": 2, "page": 2}).json()

    assert first["count"] == second["count"] == 3
    assert [s["code"] for s in first["items"]] == ["A1", "A2"]
    assert [s["code"] for s in second["items"]] == ["B1"]


def test_page_size_is_capped_at_500(client, world, places):
    Shop.objects.bulk_create(Shop(code=f"X{i:04}", name="门店", lon=114.3, lat=34.8) for i in range(505))
    client.force_login(world.office)

    body = client.get("/api/places/shops", {"page_size": 10_000}).json()

    assert body["count"] == 508
    assert len(body["items"]) == 500


def test_a_segment_item_carries_its_people_unit_and_shop_count(client, world, places):
    client.force_login(world.office)

    item = client.get("/api/places/segments", {"q": "A1"}).json()["items"][0]

    assert item["unit"] == {"id": world.town_a.pk, "name": "城关街道"}
    assert item["chief"] == {"id": world.chief_a.pk, "name": "孙路长"}
    assert item["road_class_label"] == "主干道"
    assert item["shop_count"] == 2
    assert "geometry" not in item


@pytest.mark.parametrize("path", KIND_PATHS)
def test_a_unit_admin_lists_only_their_towns_objects(client, world, places, path):
    client.force_login(world.admin_b)

    items = client.get(f"/api/places/{path}").json()["items"]

    assert [i["id"] for i in items] == [places[KIND_PATHS[path][1]].pk]


@pytest.mark.parametrize("path", KIND_PATHS)
def test_another_towns_object_is_a_404_and_ones_own_a_200(client, world, places, path):
    own, other = (places[key].pk for key in reversed(KIND_PATHS[path]))
    client.force_login(world.admin_b)

    response = client.get(f"/api/places/{path}/{other}")

    assert response.status_code == 404
    assert "不存在" in response.json()["detail"]
    assert client.get(f"/api/places/{path}/{own}").status_code == 200


def test_an_id_that_does_not_exist_is_the_same_404(client, world, places):
    client.force_login(world.admin_b)

    assert (
        client.get("/api/places/segments/999999").json()
        == client.get(f"/api/places/segments/{places['seg_a'].pk}").json()
    )


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("segments", {"road_class": "back_street"}, ["A2"]),
        ("segments", {"q": "B"}, ["B1"]),
        ("segments", {"unit": "unit_b"}, ["B1"]),
        ("segments", {"chief": "chief_a"}, ["A1"]),
        ("segments", {"grid": "grid_a"}, ["A2"]),
        ("grids", {"street": "unit_b"}, ["410221001001002"]),
        ("sites", {"unit": "unit_a"}, ["SA"]),
        ("sites", {"site_type": "market"}, ["SA", "SB"]),
        ("sites", {"site_type": "toilet"}, []),
        ("shops", {"pledge_status": "unsigned"}, ["SHA2"]),
        ("shops", {"segment": "seg_b"}, ["SHB"]),
        ("shops", {"chief": "chief_a"}, ["SHA", "SHA2"]),
    ],
)
def test_lists_take_the_list_pages_filters(client, world, places, path, params, expected):
    ids = {
        "unit_a": world.town_a.pk,
        "unit_b": world.town_b.pk,
        "chief_a": world.chief_a.pk,
        "grid_a": places["grid_a"].pk,
        "seg_b": places["seg_b"].pk,
        "market": SiteType.objects.get(code="market").pk,
        "toilet": SiteType.objects.get(code="public_toilet").pk,
    }
    client.force_login(world.office)

    response = client.get(f"/api/places/{path}", {k: ids.get(v, v) for k, v in params.items()})

    assert codes(response) == expected


def test_a_filter_value_of_the_wrong_type_is_a_422(client, world, places):
    client.force_login(world.office)

    assert client.get("/api/places/segments", {"road_class": "highway"}).status_code == 422
    assert client.get("/api/places/shops", {"unit": "城关"}).status_code == 422


def test_segment_detail_has_its_geometry_and_shops(client, world, places):
    client.force_login(world.chief_a)

    body = client.get(f"/api/places/segments/{places['seg_a'].pk}").json()

    assert body["geometry"]["type"] == "LineString"
    assert [s["code"] for s in body["shops"]] == ["SHA", "SHA2"]
    shop = body["shops"][0]
    assert shop["pledge_status_label"] == "已签订"
    assert shop["pledge_signed_on"] == "2026-03-01"
    assert len(shop["pledge_items"]) == 2


def test_grid_detail_lists_its_segments(client, world, places):
    client.force_login(world.admin_a)

    body = client.get(f"/api/places/grids/{places['grid_a'].pk}").json()

    assert body["geometry"]["type"] == "Polygon"
    assert [s["code"] for s in body["segments"]] == ["A2"]


def test_site_and_shop_details(client, world, places):
    client.force_login(world.office)

    site = client.get(f"/api/places/sites/{places['site_a'].pk}").json()
    shop = client.get(f"/api/places/shops/{places['shop_b'].pk}").json()

    assert site["site_type"]["name"] == "集贸市场/农贸市场"
    assert site["geometry"]["type"] == "Point"
    assert shop["segment"] == {"id": places["seg_b"].pk, "name": "路段B1"}


def test_mine_is_the_road_chiefs_segments_and_shops(client, world, places):
    client.force_login(world.chief_a)

    body = client.get("/api/places/mine").json()

    assert [s["code"] for s in body["segments"]] == ["A1"]
    assert [s["code"] for s in body["shops"]] == ["SHA", "SHA2"]
    assert body["length_m"] == pytest.approx(places["seg_a"].length_m)
    counts = {c["status"]: c["count"] for c in body["pledge_counts"]}
    assert counts == {"signed": 1, "unsigned": 1, "warned": 0, "revoked": 0}


def test_mine_is_empty_for_someone_who_is_not_a_road_chief(client, world, places):
    client.force_login(world.office)

    body = client.get("/api/places/mine").json()

    assert body["segments"] == [] and body["shops"] == [] and body["length_m"] == 0


@pytest.mark.parametrize("url", ["/api/places/segments", "/api/places/shops/1", "/api/places/mine"])
def test_lists_and_details_need_a_login(client, world, url):
    assert client.get(url).status_code == 401


def test_the_schema_lists_the_new_paths(client, world):
    paths = client.get("/api/openapi.json").json()["paths"]

    for kind in KIND_PATHS:
        assert f"/api/places/{kind}" in paths
        assert f"/api/places/{kind}/{{id}}" in paths
    for path in ("/api/places/mine", "/api/places/import/{kind}", "/api/places/export/{kind}.xlsx"):
        assert path in paths
    assert paths["/api/places/segments"]["get"]["summary"] == "路段列表"
