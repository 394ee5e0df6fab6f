"""The office imports road segments from GeoJSON; a file with errors changes nothing."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.places.models import RoadSegment

from .helpers import assert_page_healthy, click_map_at, login, map_features, screenshot_step


def feature(code: str, name: str, coords: list, *, geometry_type: str = "LineString", **props) -> dict:  # type: ignore[no-untyped-def]
    properties = {"路段编码": code, "名称": name, "包保单位": "城关街道", "路长": "孙路长", **props}
    return {"type": "Feature", "properties": properties, "geometry": {"type": geometry_type, "coordinates": coords}}


def geojson_file(features: list[dict]) -> dict:
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return {"name": "roads.geojson", "mimeType": "application/geo+json", "buffer": body.encode()}


GOOD_ROADS = [
    feature("IMP-001", "文化路西段", [[114.3000, 34.8050], [114.3030, 34.8050], [114.3060, 34.8052]], 起点="县医院"),
    feature("IMP-002", "文化路东段", [[114.3060, 34.8052], [114.3100, 34.8055]], 道路等级="主干道"),
    feature("IMP-003", "新华街", [[114.3030, 34.8050], [114.3030, 34.8010]], 道路等级="背街小巷"),
]


def upload(page: Page, file: dict) -> None:
    page.goto("/places/io/import/")
    page.get_by_label("导入内容").select_option("segment")
    page.locator("#import-form input[type=file]").set_input_files(file)
    page.get_by_role("button", name="开始导入").click()
    page.wait_for_load_state("domcontentloaded")


def test_office_imports_roads_and_sees_them_on_the_map_and_in_the_list(desktop: Page, world: World) -> None:
    login(desktop, world.office.username)

    upload(desktop, geojson_file(GOOD_ROADS))

    expect(desktop.locator("#import-ok")).to_be_visible()
    summary = desktop.locator("#import-summary")
    expect(summary).to_contain_text("读取 3 行")
    expect(summary).to_contain_text("新增 3 条")
    assert RoadSegment.objects.filter(code__startswith="IMP-").count() == 3
    screenshot_step(desktop, "import-summary")

    desktop.goto("/places/map/")
    expect(desktop.locator("#map.leaflet-container")).to_be_visible()
    desktop.wait_for_selector('#map[data-loaded="1"]', state="attached")  # the layers came from the API
    (drawn,) = map_features(desktop)
    assert drawn.get("segment") == 3
    assert set(drawn["names"]) == {"文化路西段", "文化路东段", "新华街"}
    # Click-for-responsibility: a point on 新华街 finds that segment and its 路长.
    click_map_at(desktop, 114.3030, 34.8030)
    result = desktop.locator("#resp-result")
    expect(result.locator('[data-field="segment"]')).to_have_text("新华街")
    expect(result.locator('[data-field="people"]')).to_contain_text("孙路长")
    screenshot_step(desktop, "map")

    desktop.goto("/places/segments/")
    rows = desktop.locator("#segment-table tbody tr[data-id]")
    expect(rows).to_have_count(3)
    for name in ("文化路西段", "文化路东段", "新华街"):
        expect(desktop.locator("#segment-table")).to_contain_text(name)
    assert_page_healthy(desktop)


def test_import_with_errors_shows_the_error_table_and_changes_nothing(
    desktop: Page, world: World, segments: dict[str, RoadSegment]
) -> None:
    before = RoadSegment.objects.count()
    login(desktop, world.office.username)
    desktop.goto("/places/segments/")
    list_before = desktop.locator("#segment-table tbody").inner_text()

    swapped = [[34.8050, 114.3000], [34.8050, 114.3030]]
    upload(
        desktop,
        geojson_file(
            [
                GOOD_ROADS[0],
                feature("IMP-002", "文化路东段", swapped),
                feature("IMP-003", "新华街", [114.3030, 34.8050], geometry_type="Point"),
            ]
        ),
    )

    expect(desktop.locator("#import-failed")).to_be_visible()
    table = desktop.locator("#import-errors")
    expect(table.locator("thead")).to_contain_text("要素序号")
    swapped_row = table.locator("tbody tr", has_text="经纬度可能填反了")
    expect(swapped_row.locator("td").nth(0)).to_have_text("2")
    expect(swapped_row.locator("td").nth(1)).to_have_text("几何")
    point_row = table.locator("tbody tr", has_text="几何类型错误")
    expect(point_row.locator("td").nth(0)).to_have_text("3")
    expect(point_row).to_contain_text("Point")
    screenshot_step(desktop, "errors")

    assert RoadSegment.objects.count() == before
    assert not RoadSegment.objects.filter(code__startswith="IMP-").exists()
    desktop.goto("/places/segments/")
    assert desktop.locator("#segment-table tbody").inner_text() == list_before
    assert_page_healthy(desktop)
