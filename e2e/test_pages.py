"""Every page in the main menu opens for the office, in Chinese, without reaching the internet."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.places.models import RoadSegment

from .helpers import assert_page_healthy, login, screenshot_step

PAGES = [
    ("/", "home"),
    ("/accounts/units/", "units"),
    ("/accounts/people/", "people"),
    ("/places/segments/", "segments"),
    ("/places/grids/", "grids"),
    ("/places/sites/", "sites"),
    ("/places/shops/", "shops"),
    ("/places/map/", "map"),
    ("/places/io/import/", "import"),
]


def test_office_opens_every_page(desktop: Page, world: World, segments: dict[str, RoadSegment]) -> None:
    login(desktop, world.office.username)

    for path, step in PAGES:
        response = desktop.goto(path)
        assert response is not None and response.status == 200, path
        expect(desktop.locator("main h1").first).to_be_visible()
        screenshot_step(desktop, step)
        assert_page_healthy(desktop)


def test_api_docs_are_served_locally(desktop: Page, world: World) -> None:
    login(desktop, world.office.username)

    response = desktop.goto("/api/docs")

    assert response is not None and response.status == 200
    expect(desktop.get_by_text("/api/places/responsibility")).to_be_visible()
    assert_page_healthy(desktop)
