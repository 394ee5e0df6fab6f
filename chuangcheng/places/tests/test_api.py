"""GeoJSON layers and extent of the map API: scope, bounding box, feature cap."""

from __future__ import annotations

import pytest

from chuangcheng.places import api

from .view_helpers import LAT, LON, make_grid, make_segment, make_shop, make_site

NEAR_A = f"{LON - 0.001},{LAT - 0.001},{LON + 0.003},{LAT + 0.003}"


@pytest.fixture
def layers(world):
    seg_a = make_segment("A1", world.town_a, chief=world.chief_a)
    return {
        "seg_a": seg_a,
        "seg_far": make_segment("A9", world.town_a, dlon=0.2),
        "seg_b": make_segment("B1", world.town_b, chief=world.chief_b, dlon=0.05),
        "grid_a": make_grid("001", world.town_a),
        "grid_b": make_grid("002", world.town_b, dlon=0.05),
        "site_a": make_site("SA", world.town_a),
        "site_b": make_site("SB", world.town_b, dlon=0.05),
        "shop_a": make_shop("SHA", seg_a),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {f["id"] for f in response.json()["features"]}


def test_segments_geojson_is_a_feature_collection_with_properties(client, world, layers):
    client.force_login(world.office)
    data = client.get("/api/places/segments.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert data["truncated"] is False
    feature = next(f for f in data["features"] if f["id"] == layers["seg_a"].pk)
    assert feature["geometry"]["type"] == "LineString"
    props = feature["properties"]
    assert props["kind"] == "segment"
    assert props["chief"] == "孙路长"
    assert props["unit"] == "城关街道"
    assert props["road_class_label"] == "主干道"
    assert props["url"] == f"/places/segments/{layers['seg_a'].pk}/"


def test_segments_geojson_respects_the_users_scope(client, world, layers):
    client.force_login(world.admin_b)
    assert ids(client.get("/api/places/segments.geojson")) == {layers["seg_b"].pk}
    client.force_login(world.chief_a)
    assert ids(client.get("/api/places/segments.geojson")) == {layers["seg_a"].pk}


def test_segments_geojson_filters_by_bbox(client, world, layers):
    client.force_login(world.office)
    assert ids(client.get("/api/places/segments.geojson", {"bbox": NEAR_A})) == {layers["seg_a"].pk}


def test_bbox_touching_a_segments_box_still_finds_it(client, world, layers):
    client.force_login(world.office)
    # A box strictly east of the segment's west end but overlapping its east part.
    bbox = f"{LON + 0.0015},{LAT - 0.0001},{LON + 0.01},{LAT + 0.0001}"
    assert layers["seg_a"].pk in ids(client.get("/api/places/segments.geojson", {"bbox": bbox}))


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "114.4,34.7,114.3,34.9", "1,2,3,4,5"])
def test_malformed_bbox_is_a_400(client, world, layers, bbox):
    client.force_login(world.office)
    response = client.get("/api/places/segments.geojson", {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in response.json()["detail"]


def test_feature_count_is_capped_and_says_so(client, world, layers, monkeypatch):
    monkeypatch.setattr(api, "MAX_FEATURES", 2)
    client.force_login(world.office)
    data = client.get("/api/places/segments.geojson").json()
    assert len(data["features"]) == 2
    assert data["truncated"] is True
    data = client.get("/api/places/segments.geojson", {"limit": 1}).json()
    assert len(data["features"]) == 1


def test_grids_geojson_respects_scope_and_bbox(client, world, layers):
    client.force_login(world.admin_a)
    assert ids(client.get("/api/places/grids.geojson")) == {layers["grid_a"].pk}
    client.force_login(world.office)
    assert ids(client.get("/api/places/grids.geojson", {"bbox": NEAR_A})) == {layers["grid_a"].pk}


def test_sites_geojson_respects_scope_and_bbox(client, world, layers):
    client.force_login(world.admin_b)
    assert ids(client.get("/api/places/sites.geojson")) == {layers["site_b"].pk}
    client.force_login(world.office)
    data = client.get("/api/places/sites.geojson", {"bbox": NEAR_A}).json()
    assert [f["id"] for f in data["features"]] == [layers["site_a"].pk]
    assert data["features"][0]["properties"]["site_type"] == "集贸市场/农贸市场"


def test_extent_covers_only_what_the_user_sees(client, world, layers):
    client.force_login(world.admin_b)
    bbox = client.get("/api/places/extent").json()["bbox"]
    assert bbox[0] == pytest.approx(LON + 0.05)
    assert bbox[2] <= LON + 0.07


def test_extent_is_null_for_a_user_who_sees_nothing(client, world):
    client.force_login(world.volunteer)
    assert client.get("/api/places/extent").json() == {"bbox": None}


@pytest.mark.parametrize("path", ["segments.geojson", "grids.geojson", "sites.geojson", "extent", "responsibility"])
def test_layers_need_login(client, db, path):
    assert client.get(f"/api/places/{path}", {"lon": LON, "lat": LAT}).status_code == 401


def test_responsibility_at_a_segment_returns_it_with_its_chief(client, world, layers):
    client.force_login(world.office)
    data = client.get("/api/places/responsibility", {"lon": LON + 0.001, "lat": LAT + 0.0001}).json()
    assert data["segment"]["id"] == layers["seg_a"].pk
    assert 0 < data["segment_distance_m"] < 20
    assert data["grid"]["id"] == layers["grid_a"].pk
    assert "孙路长" in {p["name"] for p in data["people"]}
