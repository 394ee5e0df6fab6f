"""检查结果 in a real browser: the office reads the month's results, the map of failing places, an
inspection's detail with its photo and the case it opened, and downloads the results workbook;
the readiness page shows what the failures cost.

The inspections are submitted in Python through ``inspection_submit`` (the phone form is another
area's test): the 城关农贸市场 twice (two failures, then one), the 南关菜市场 once, all passed.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from chuangcheng.cases.models import Case
from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import World, photo
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import Checklist, Inspection
from chuangcheng.inspections.selectors import active_items
from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

from .helpers import assert_page_healthy, hover_map_at, login, map_features, screenshot_step

STALLS, SCALE = "占道经营", "公平秤"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _market(code: str, name: str, unit, lon: float) -> Site:  # type: ignore[no-untyped-def]
    site = Site(code=code, name=name, site_type=SiteType.objects.get(code="market"), unit=unit)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [lon, 34.8]})


def _inspect(by, site: Site, failed: dict[str, str]) -> Inspection:  # type: ignore[no-untyped-def]
    answers = []
    for item in active_items(Checklist.objects.get(site_type=site.site_type)):
        words = next((w for w in failed if w in item.text), None)
        if words is None:
            answers.append(Answer(item.pk, Outcome.PASS))
        else:
            answers.append(Answer(item.pk, Outcome.FAIL, failed[words], (photo("red"),)))
    inspection, _ = inspection_submit(by=by, kind=InspectionKind.CHECK, site=site, answers=answers)
    return inspection


@pytest.fixture
def inspected(world: World) -> dict:
    seed_categories()
    checklists_seed()
    campaign = Campaign.objects.create(
        code="WMXC-E2E",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024年版",
        pass_score=Decimal("85"),
    )
    node = IndicatorNode.objects.create(
        campaign=campaign, code="S3.2.1", level=NodeLevel.STANDARD, name="农贸市场秩序规范", max_score=Decimal("4")
    )
    node.path = f"/{node.pk}/"
    node.save(update_fields=["path"])
    checklist = Checklist.objects.get(site_type__code="market")
    for item in checklist.items.filter(text__contains=STALLS):
        item.indicators.add(node)
    east = _market("P-E2E-1", "城关农贸市场", world.town_a, 114.3010)
    south = _market("P-E2E-2", "南关菜市场", world.town_b, 114.2950)
    first = _inspect(world.supervisor, east, {STALLS: "东门外三处摊位占道", SCALE: "入口未设公平秤"})
    second = _inspect(world.inspector, east, {STALLS: "东门外仍有两处摊位"})
    _inspect(world.inspector, south, {})
    return {"campaign": campaign, "first": first, "second": second, "east": east}


def test_the_office_reads_the_results_the_map_a_detail_and_the_export(desktop: Page, world: World, inspected):
    page = desktop
    login(page, "office")
    page.goto("/inspections/results/")
    expect(page.locator("#total-inspections")).to_have_text("3")
    stalls = Checklist.objects.get(site_type__code="market").items.get(text__contains=STALLS)
    scale = Checklist.objects.get(site_type__code="market").items.get(text__contains=SCALE)
    mean = (Decimal(300) - 2 * stalls.deduction - scale.deduction) / 3
    expect(page.locator("#total-mean")).to_have_text(f"{mean.quantize(Decimal('0.1'))}")
    expect(page.locator("#total-failed")).to_have_text("3")
    page.wait_for_selector('#failing-map[data-loaded="1"]', state="attached")
    # One red dot: the 城关农贸市场 (the 南关菜市场 passed everything).
    assert map_features(page) == [{"site": 1, "names": ["城关农贸市场"]}]
    page.locator("#failing-map").scroll_into_view_if_needed()
    hover_map_at(page, 114.3010, 34.8)
    expect(page.locator(".leaflet-tooltip")).to_contain_text("城关农贸市场：不合格 3 项")
    expect(page.locator("#failing-table tbody tr")).to_have_count(1)
    expect(page.locator("#scores-indicator tbody tr")).to_contain_text("农贸市场秩序规范")
    # The linked item (占道经营) failed twice at 城关 and passed once at 南关: 1 of 3, 4 × 1/3 = 1.33.
    expect(page.locator("#scores-indicator .rate")).to_have_text("33.3%")
    expect(page.locator("#scores-indicator .predicted")).to_have_text("1.33")
    page.wait_for_selector("#chart-town canvas", state="attached")
    screenshot_step(page, "results")

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    towns = {row[0]: row[1] for row in book["按乡镇"].iter_rows(min_row=2, values_only=True)}
    assert towns == {"城关街道": 2, "城南街道": 1}

    page.locator("#failing-table a", has_text="城关农贸市场").click()
    expect(page).to_have_url(re.compile(r"/inspections/records/\?site="))
    expect(page.locator("#inspection-table tbody tr")).to_have_count(2)
    screenshot_step(page, "records")
    page.locator(f'#inspection-table tr[data-id="{inspected["first"].pk}"] a').click()
    expect(page.locator("#inspection-failed")).to_have_text("2")
    expect(page.locator("#inspection-summary")).to_contain_text(str(Decimal(100) - stalls.deduction - scale.deduction))
    thumbs = page.locator(".photos-full img")
    expect(thumbs).to_have_count(2)
    thumbs.first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.photo-strip img')).every(i => i.naturalWidth > 0)"
    )
    case = Case.objects.get()
    expect(page.locator("a.case-link")).to_have_text(case.code)
    full = page.request.get(page.locator(".photos-full a").first.get_attribute("href") or "")
    assert full.status == 200 and full.headers["content-type"] == "image/jpeg"
    screenshot_step(page, "detail")

    page.locator("a.case-link").click()
    expect(page.locator("#case-links")).to_contain_text("来自检查：城关农贸市场 周检查")
    expect(page.locator("#case-links li")).to_have_count(2)  # the second inspection joined the case
    assert_page_healthy(page)


def test_the_readiness_page_shows_what_the_failures_cost(desktop: Page, world: World, inspected):
    page = desktop
    login(page, "office")
    page.goto(f"/indicators/{inspected['campaign'].code}/readiness/")
    section = page.locator("#field-checks")
    expect(section).to_contain_text("实地考察失分")
    # No tasks: predicted = 4 × 1/3 (the pass rate of its item over the window).
    expect(section.locator('tr[data-code="S3.2.1"] .predicted')).to_have_text("1.33")
    expect(section).to_contain_text("城关农贸市场 × 2")
    page.wait_for_selector('#field-map[data-loaded="1"]', state="attached")
    assert map_features(page) == [{"place": 1, "names": ["城关农贸市场"]}]
    screenshot_step(page, "readiness")
    assert_page_healthy(page)


def test_an_inspector_sees_his_own_inspections_on_the_phone(phone: Page, world: World, inspected):
    page = phone
    login(page, "inspector")
    page.goto("/inspections/records/")
    # His two (城关 second visit, 南关), not the supervisor's first visit.
    expect(page.locator("#inspection-table tbody tr")).to_have_count(2)
    expect(page.locator(f'#inspection-table tr[data-id="{inspected["first"].pk}"]')).to_have_count(0)
    page.locator(f'#inspection-table tr[data-id="{inspected["second"].pk}"] a').click()
    expect(page.locator("#inspection-failed")).to_have_text("1")
    # On the phone the note (and the photo) sit under the item's text.
    expect(page.locator(".result-fail .sm-only").first).to_contain_text("东门外仍有两处摊位")
    expect(page.locator(".result-fail .photos-sm img")).to_be_visible()
    screenshot_step(page, "detail")
    response = page.goto(f"/inspections/records/{inspected['first'].pk}/")
    assert response is not None and response.status == 404
    assert_page_healthy(page)
