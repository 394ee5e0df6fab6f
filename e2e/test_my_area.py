"""A road chief on a phone sees only their own area (我的责任区), on a map."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.places.models import RoadSegment

from .helpers import assert_page_healthy, login, make_shop, map_features, screenshot_step


def test_road_chief_sees_only_their_segments_on_a_phone(
    phone: Page, world: World, segments: dict[str, RoadSegment]
) -> None:
    make_shop("E2E-S1", "老王烩面馆", segments["a1"], lon=114.3010, lat=34.8001)
    make_shop("E2E-S2", "城南超市", segments["b1"], lon=114.2951, lat=34.7930)
    login(phone, world.chief_a.username)

    # On a phone the main menu folds behind ☰.
    phone.locator("label.nav-toggle-label").click()
    phone.locator("nav.mainnav").get_by_role("link", name="我的责任区").click()
    expect(phone).to_have_url(re.compile(r"/places/mine/$"))

    main = phone.locator("main")
    expect(main).to_contain_text("人民路东段")
    expect(main).to_contain_text("解放路北段")
    expect(main).to_contain_text("老王烩面馆")
    expect(main).not_to_contain_text("南关街")
    expect(main).not_to_contain_text("城南超市")

    map_box = phone.locator(".leaflet-container").first
    expect(map_box).to_be_visible()
    (drawn,) = map_features(phone)
    assert (drawn.get("segment"), drawn.get("shop")) == (2, 1)
    assert set(drawn["names"]) == {"人民路东段", "解放路北段", "老王烩面馆"}
    box = map_box.bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] >= 200
    # The page fits the phone: nothing wider than the screen forces sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_page_healthy(phone)
    screenshot_step(phone, "mine")

    # The full map page also fits the phone.
    phone.goto("/places/map/")
    phone.wait_for_selector('#map[data-loaded="1"]', state="attached")
    map_box = phone.locator("#map").bounding_box()
    assert map_box is not None and map_box["width"] <= 390 and map_box["height"] >= 250
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_page_healthy(phone)
