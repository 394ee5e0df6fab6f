"""Maps that help without internet: our own roads and their names as the base, or the county's MBTiles."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.core.tests.mbtiles_helpers import png, write_mbtiles
from chuangcheng.places.models import RoadSegment

from .helpers import LINE_A1, assert_page_healthy, login, make_segment, screenshot_step, wait_for_worker

# Where the inspector stands: on 人民路东段 (LINE_A1), near its middle.
SPOT = {"latitude": 34.8001, "longitude": 114.3020}
HOSTILE_ROAD = "<img src=x id=xss-road onerror=alert(1)>路"

ROAD_LAYERS_JS = """
(i) => {
  const names = [];
  window.__leafletMaps[i].eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (p && p.road_class && !p.kind) names.push(p.name);
  });
  return names;
}
"""


@pytest.fixture(autouse=True)
def no_tile_service(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAP_TILE_URL = ""
    settings.MAP_TILES_FILE = ""


def open_report_where_i_stand(page: Page, username: str) -> None:
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(SPOT)
    login(page, username)
    page.goto("/cases/report/")
    expect(page.locator("#location-status")).to_have_attribute("data-state", "located")


def wait_for_road_labels(page: Page, selector: str) -> None:
    page.wait_for_function(
        "(sel) => { const el = document.querySelector(sel); return el && Number(el.dataset.roadLabels) > 0; }",
        arg=selector,
    )


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_without_tiles_the_report_map_shows_our_roads_and_their_names(
    request: pytest.FixtureRequest, transactional_db: None, device: str, world: World, segments: dict[str, RoadSegment]
) -> None:
    page: Page = request.getfixturevalue(device)
    open_report_where_i_stand(page, world.inspector.username)
    wait_for_road_labels(page, "#report-map")

    drawn = page.evaluate(ROAD_LAYERS_JS, 0)
    assert {"人民路东段", "解放路北段", "南关街"} <= set(drawn)
    labels = page.locator("#report-map .road-label")
    expect(labels.filter(has_text="人民路东段")).to_have_count(1)
    if device == "desktop":  # 190 m east: beyond the edge of a phone's map at street zoom
        expect(labels.filter(has_text="解放路北段")).to_have_count(1)
    assert page.locator("#report-map").get_attribute("data-roads") == "3"
    screenshot_step(page, "report-map")
    assert_page_healthy(page)


def test_road_labels_wait_for_a_street_level_zoom_and_never_repeat_a_name(
    desktop: Page, world: World, segments: dict[str, RoadSegment]
) -> None:
    open_report_where_i_stand(desktop, world.inspector.username)
    wait_for_road_labels(desktop, "#report-map")
    # The map zooms to the located spot with an animation: let it end before zooming out.
    desktop.wait_for_function(
        "() => { const m = window.__leafletMaps[0]; return m.getZoom() === 17 && !m._animatingZoom; }"
    )
    desktop.evaluate("() => window.__leafletMaps[0].setZoom(13, { animate: false })")
    desktop.wait_for_function("() => document.querySelector('#report-map').dataset.roadLabels === '0'")
    expect(desktop.locator("#report-map .road-label")).to_have_count(0)
    desktop.evaluate("() => window.__leafletMaps[0].setZoom(16, { animate: false })")
    wait_for_road_labels(desktop, "#report-map")
    texts = desktop.locator("#report-map .road-label").all_inner_texts()
    assert len(texts) == len(set(texts))


def test_the_responsibility_map_and_a_case_free_detail_map_draw_the_roads_too(
    desktop: Page, world: World, segments: dict[str, RoadSegment]
) -> None:
    login(desktop, world.office.username)
    desktop.goto(f"/places/segments/{segments['a1'].pk}/")
    wait_for_road_labels(desktop, "#map")
    expect(desktop.locator("#map .road-label").filter(has_text="解放路北段")).to_have_count(1)
    screenshot_step(desktop, "segment-detail")
    desktop.goto("/places/map/")
    desktop.wait_for_selector("#map[data-roads='3']", state="attached")
    assert_page_healthy(desktop)


def test_a_road_name_with_html_in_it_is_shown_as_text(phone: Page, world: World) -> None:
    make_segment("E2E-XR", HOSTILE_ROAD, world.town_a, LINE_A1, chief=world.chief_a)
    dialogs: list[str] = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_report_where_i_stand(phone, world.inspector.username)
    wait_for_road_labels(phone, "#report-map")
    expect(phone.locator("#report-map .road-label")).to_contain_text(HOSTILE_ROAD)
    assert phone.locator("#xss-road, img[src='x']").count() == 0
    assert dialogs == []
    assert_page_healthy(phone)


# ---- the county's own MBTiles ---------------------------------------------------------------------------


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture
def county_tiles(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """An MBTiles file covering the spot at zooms 14-17, three tiles around it each way."""
    tile = png((170, 211, 223))  # a pale blue, unlike Leaflet's grey and our road paper
    tiles = {}
    for z in range(14, 18):
        cx, cy = tile_of(SPOT["longitude"], SPOT["latitude"], z)
        for dx in range(-3, 4):
            for dy in range(-3, 4):
                tiles[(z, cx + dx, cy + dy)] = tile
    path = write_mbtiles(
        tmp_path / "county.mbtiles", tiles, minzoom="14", maxzoom="17", attribution="© <b>县自然资源局</b>"
    )
    settings.MAP_TILES_FILE = str(path)
    return path


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_with_a_tiles_file_the_map_draws_the_countys_tiles_from_our_server(
    request: pytest.FixtureRequest,
    transactional_db: None,
    device: str,
    world: World,
    segments: dict[str, RoadSegment],
    county_tiles: Path,
) -> None:
    page: Page = request.getfixturevalue(device)
    tile_answers: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: (
            tile_answers.append((r.url, r.status, r.headers.get("content-type", ""))) if "/tiles/" in r.url else None
        ),
    )
    open_report_where_i_stand(page, world.inspector.username)
    loaded = page.locator("#report-map img.leaflet-tile-loaded")
    expect(loaded.first).to_be_visible()
    assert any(status == 200 and kind == "image/png" for _url, status, kind in tile_answers), tile_answers
    # The attribution is the file's, as text (its markup dropped); no roads drawn over the tiles.
    expect(page.locator("#report-map .leaflet-control-attribution")).to_contain_text("© 县自然资源局")
    assert page.locator("#report-map .leaflet-control-attribution b").count() == 0
    assert page.evaluate(ROAD_LAYERS_JS, 0) == []
    screenshot_step(page, "tiles")
    assert_page_healthy(page)


def test_the_roads_base_map_is_kept_for_the_street_pages_and_drawn_offline(
    phone: Page, world: World, segments: dict[str, RoadSegment]
) -> None:
    open_report_where_i_stand(phone, world.inspector.username)
    wait_for_worker(phone)
    phone.reload()  # now under the worker: the report page and the roads it loads are kept
    wait_for_road_labels(phone, "#report-map")
    phone.wait_for_function(
        "async () => (await (await caches.open('chuangcheng-maps-1')).keys()).some((r) => r.url.includes('roads'))"
    )

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("[data-offline-net]")).to_have_attribute("data-state", "offline")
    wait_for_road_labels(phone, "#report-map")
    expect(phone.locator("#report-map .road-label").filter(has_text="人民路东段")).to_have_count(1)
    assert phone.locator("#report-map").get_attribute("data-roads") == "3"
    screenshot_step(phone, "offline")
    phone.context.set_offline(False)
