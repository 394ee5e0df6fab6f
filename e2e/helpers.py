"""Helpers shared by the browser tests."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import openpyxl
from PIL import Image
from playwright.sync_api import Page, expect

from chuangcheng.conftest import PASSWORD
from chuangcheng.inspections.tests.field_world import item_with, items_of
from chuangcheng.org.models import Unit
from chuangcheng.places.models import RoadSegment, Shop, Site
from chuangcheng.places.services import segment_save, shop_save

SCREENSHOTS = Path(__file__).parent / "screenshots"

# Segment geometries near the default map centre (lon 114.30, lat 34.80).
LINE_A1 = [[114.3000, 34.8000], [114.3040, 34.8000]]
LINE_A2 = [[114.3040, 34.8000], [114.3040, 34.8030]]
LINE_B1 = [[114.2950, 34.7950], [114.2950, 34.7910]]


def login(page: Page, username: str, password: str = PASSWORD, *, expect_success: bool = True) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("domcontentloaded")
    if expect_success:
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def assert_page_healthy(page: Page) -> None:
    """No JavaScript errors, no request to anywhere but our own server, no CSP violation."""
    assert page.js_errors == [], page.js_errors  # type: ignore[attr-defined]
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    assert_no_csp_violations(page)


def assert_no_csp_violations(page: Page) -> None:
    """No page of the test's browser context broke the Content-Security-Policy (conftest's CSP_HOOK)."""
    violations = getattr(page, "csp_violations", [])
    assert violations == [], violations


def make_segment(code: str, name: str, unit: Unit, coords: list[list[float]], **fields) -> RoadSegment:  # type: ignore[no-untyped-def]
    return segment_save(
        segment=RoadSegment(code=code, name=name, road_name=name, unit=unit, **fields),
        geometry={"type": "LineString", "coordinates": coords},
    )


def make_shop(code: str, name: str, segment: RoadSegment, *, lon: float, lat: float) -> Shop:
    return shop_save(shop=Shop(code=code, name=name, segment=segment, lon=lon, lat=lat, address=f"{segment.name}1号"))


def screenshot_step(page: Page, step: str) -> None:
    """Save e2e/screenshots/<test>-<step>.png now (the fixtures also save the last page)."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "test").split("::")[-1].split(" ")[0]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{current}-{step}.png"), full_page=True)


MAP_FEATURES_JS = """
() => (window.__leafletMaps || []).map((map) => {
  const counts = {};
  map.eachLayer((layer) => {
    const p = layer.feature && layer.feature.properties;
    if (!p || !p.kind || !(layer instanceof L.Path)) return;  // the roads base layer has no kind
    counts[p.kind] = (counts[p.kind] || 0) + 1;
    (counts.names = counts.names || []).push(p.name);
  });
  return counts;
})
"""


def map_features(page: Page) -> list[dict]:
    """Per Leaflet map on the page: how many features of each kind it draws, and their names."""
    return page.evaluate(MAP_FEATURES_JS)


def click_map_at(page: Page, lon: float, lat: float, *, index: int = 0) -> None:
    """Click the Leaflet map at a geographic point, as a person tapping the map would."""
    x, y = page.evaluate(
        "([i, lat, lon]) => { const p = window.__leafletMaps[i].latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [index, lat, lon],
    )
    page.locator(".leaflet-container").nth(index).click(position={"x": x, "y": y})


def hover_map_at(page: Page, lon: float, lat: float, *, index: int = 0) -> None:
    """Move the mouse over the Leaflet map at a geographic point (opens a feature's tooltip)."""
    x, y = page.evaluate(
        "([i, lat, lon]) => { const p = window.__leafletMaps[i].latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [index, lat, lon],
    )
    box = page.locator(".leaflet-container").nth(index).bounding_box()
    assert box is not None
    # Leaflet's canvas drops mouse moves that come within 32 ms of the last one it handled.
    for dx in (6, 0):
        page.mouse.move(box["x"] + x + dx, box["y"] + y)
        page.wait_for_timeout(50)


def xlsx_bytes(headers: tuple[str, ...] | list[str], rows: list[tuple]) -> bytes:
    """A one-sheet .xlsx: a header row, then ``rows``, as an official's spreadsheet would be."""
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(list(row))
    book.save(buffer)
    return buffer.getvalue()


# The phone checklist form (inspections/field): used by the field and the end-to-end flow tests.


def big_photo(tmp_path: Path, name: str, colour: str) -> Path:
    """A 12-megapixel phone photo (4000×3000)."""
    path = tmp_path / name
    Image.new("RGB", (4000, 3000), colour).save(path, "JPEG", quality=70)
    return path


def answer_all(phone: Page, site: Site, failures: dict[str, tuple[str, Path]]) -> None:
    """Pass every item but the failures (text fragment → note, photo), each failure photographed."""
    failing = {item_with(site, words).pk: value for words, value in failures.items()}
    for item in items_of(site):
        box = phone.locator(f"#item-{item.pk}")
        if item.pk in failing:
            note, photo = failing[item.pk]
            box.locator("input[value=fail]").check()
            box.locator("input[type=file]").set_input_files(photo)
            expect(box).to_have_attribute("data-photos", "1")
            box.locator("input[type=text]").fill(note)
        else:
            box.locator("input[value=pass]").check()


def wait_for_worker(phone: Page) -> None:
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
