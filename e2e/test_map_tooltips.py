"""A hostile segment or site name (say, from an imported GeoJSON) is shown as text on every map."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from chuangcheng.conftest import World
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

from .helpers import LINE_A1, assert_page_healthy, hover_map_at, login, make_segment, screenshot_step

SEGMENT_NAME = "<img src=x id=xss-segment onerror=alert(1)>人民路"
SITE_NAME = "<img src=x id=xss-site onerror=alert(2)>农贸市场"
SITE_POINT = (114.3020, 34.8015)


def test_hostile_names_show_as_text_in_map_tooltips(desktop: Page, world: World) -> None:
    segment = make_segment("E2E-X1", SEGMENT_NAME, world.town_a, LINE_A1, chief=world.chief_a)
    lon, lat = SITE_POINT
    site = site_save(
        site=Site(
            code="E2E-XS1", name=SITE_NAME, site_type=SiteType.objects.first(), lon=lon, lat=lat, unit=world.town_a
        ),
        geometry={"type": "Point", "coordinates": [lon, lat]},
    )
    dialogs: list[str] = []
    desktop.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(desktop, world.office.username)
    segment_mid = ((LINE_A1[0][0] + LINE_A1[1][0]) / 2, LINE_A1[0][1])

    pages = [
        (f"/places/segments/{segment.pk}/", segment_mid, SEGMENT_NAME),
        (f"/places/sites/{site.pk}/", SITE_POINT, SITE_NAME),
        ("/places/map/", segment_mid, SEGMENT_NAME),
        ("/places/map/", SITE_POINT, SITE_NAME),
    ]
    for path, (x, y), name in pages:
        desktop.goto(path)
        if path == "/places/map/":
            desktop.wait_for_selector('#map[data-loaded="1"]', state="attached")
        hover_map_at(desktop, x, y)
        tooltip = desktop.locator(".leaflet-tooltip")
        expect(tooltip).to_contain_text(name)
        assert desktop.locator("#xss-segment, #xss-site, img[src='x']").count() == 0, path
        screenshot_step(desktop, path.strip("/").replace("/", "-"))
    assert dialogs == []
    assert_page_healthy(desktop)
