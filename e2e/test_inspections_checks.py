"""督查室 runs a 周检查 in the browser (sample, team, start, progress on the map); 创建办 drafts a 模拟测评."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import Page, expect

from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import World
from chuangcheng.indicators.choices import CampaignKind, TitleLevel
from chuangcheng.indicators.models import Campaign
from chuangcheng.inspections import services
from chuangcheng.inspections.choices import Outcome, PlanStatus
from chuangcheng.inspections.models import Checklist, Plan
from chuangcheng.inspections.selectors import active_items
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site, SiteType
from chuangcheng.places.services import segment_save, site_save

from .helpers import assert_page_healthy, login, map_features, screenshot_step

LAT = 34.80


def _county(world: World) -> None:
    market = SiteType.objects.get(code="market")
    for i, (town, lon) in enumerate(
        [(world.town_a, 114.300), (world.town_a, 114.306), (world.town_a, 114.312), (world.town_b, 114.330)]
    ):
        site_save(
            site=Site(code=f"M{i}", name=f"{town.name}农贸市场{i + 1}", site_type=market, unit=town),
            geometry={"type": "Point", "coordinates": [lon, LAT + 0.0004]},
        )
    segment_save(
        segment=RoadSegment(code="S1", name="人民路（东段）", road_class=RoadClass.MAIN, unit=world.town_a),
        geometry={"type": "LineString", "coordinates": [[114.299, LAT], [114.314, LAT]]},
    )


def _fill_counts(page: Page, counts: dict[str, int]) -> None:
    for field in page.locator("#sample-table input[type=number]").all():
        name = field.get_attribute("name") or ""
        field.fill(str(counts.get(name, 0)))


def test_supervisor_runs_a_weekly_check_and_follows_it_on_the_map(desktop: Page, world: World) -> None:
    seed_categories()
    services.checklists_seed()
    _county(world)
    today = timezone.localdate()
    login(desktop, world.supervisor.username)
    desktop.goto("/inspections/checks/")
    desktop.locator("#check-new").click()
    expect(desktop).to_have_url(re.compile(r"/inspections/checks/new/$"))
    expect(desktop.locator("#id_seed")).not_to_have_value("")  # a random seed, shown

    desktop.get_by_label("名称").fill("第50周周检查")
    desktop.get_by_label("开始日期").fill(today.isoformat())
    desktop.get_by_label("截止日期").fill((today + dt.timedelta(days=4)).isoformat())
    desktop.locator("#id_seed").fill("42")
    _fill_counts(desktop, {"st_market": 2})
    screenshot_step(desktop, "1-form")
    desktop.locator("#plan-submit").click()

    expect(desktop).to_have_url(re.compile(r"/inspections/checks/\d+/$"))
    plan = Plan.objects.get(name="第50周周检查")
    # 城关 has three markets (two drawn), 城南 one.
    table = desktop.locator("#sample-table-by-town")
    expect(table).to_contain_text("城关街道")
    expect(table.locator(".row-total")).to_have_text("3")
    expect(desktop.locator("#plan-seed")).to_have_text("42")

    desktop.locator("#id_name").fill("督查一组")
    desktop.locator("#id_leader").select_option(label=str(world.inspector))
    desktop.locator("#team-submit").click()
    expect(desktop.locator(".team .team-name")).to_have_text("督查一组")
    desktop.locator("#assign-balanced").click()
    expect(desktop.locator("#visit-table .visit-team")).to_have_text(["督查一组"] * 3)
    screenshot_step(desktop, "2-sample")

    desktop.locator("#plan-activate").click()
    expect(desktop.locator("#plan-status")).to_have_text("进行中")
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE
    desktop.goto("/inspections/checks/?kind=check")
    expect(desktop.locator(f"#plan-table tr[data-id='{plan.pk}'] .done-count")).to_have_text("0 / 3")
    screenshot_step(desktop, "3-list")
    desktop.goto(f"/inspections/checks/{plan.pk}/")

    # The team inspects one market from its phone (the service the phone form calls).
    visit = plan.visits.select_related("site").order_by("pk").first()
    assert visit is not None
    checklist = Checklist.objects.get(site_type__code="market")
    answers = [services.Answer(item.pk, Outcome.PASS) for item in active_items(checklist)]
    services.inspection_submit(by=world.inspector, kind="check", site=visit.site, answers=answers, visit=visit)

    desktop.locator("#plan-progress").click()
    expect(desktop.locator("#checks-map")).to_have_attribute("data-loaded", "1")
    expect(desktop.locator("#progress-total .done")).to_have_text("1")
    expect(desktop.locator("#progress-total .pending")).to_have_text("2")
    expect(desktop.locator("#progress-teams tbody tr")).to_contain_text("督查一组")
    [drawn] = map_features(desktop)
    assert drawn["visit"] == 3
    assert_page_healthy(desktop)


def test_office_drafts_a_mock_evaluation_with_the_roads_by_its_points(desktop: Page, world: World) -> None:
    _county(world)
    Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("85.00"),
    )
    today = timezone.localdate()
    login(desktop, world.office.username)
    desktop.goto("/inspections/checks/new/")
    desktop.locator("#kind-mock").click()
    expect(desktop.locator("#id_st_market")).to_have_value("3")  # the national table's default
    expect(desktop.locator("#id_near_m")).to_have_value("300")

    desktop.get_by_label("名称").fill("第一次模拟测评")
    desktop.get_by_label("创建项目").select_option(label="省级文明县城")
    desktop.get_by_label("开始日期").fill(today.isoformat())
    desktop.get_by_label("截止日期").fill((today + dt.timedelta(days=6)).isoformat())
    desktop.locator("#plan-submit").click()

    expect(desktop).to_have_url(re.compile(r"/inspections/checks/\d+/$"))
    plan = Plan.objects.get(name="第一次模拟测评")
    # Three markets county-wide, plus 人民路 in front of the 城关 ones.
    assert plan.visits.exclude(site=None).count() == 3
    assert list(plan.visits.exclude(segment=None).values_list("segment__code", flat=True)) == ["S1"]
    expect(desktop.locator("#visit-table tbody tr")).to_have_count(4)
    expect(desktop.locator("#prediction-empty")).to_be_visible()
    assert_page_healthy(desktop)
