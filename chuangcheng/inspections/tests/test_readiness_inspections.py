"""Readiness reads inspections: hand-computed predicted scores of linked leaves, the window, the page.

Today is Saturday 20 June 2026; the campaign's window is the default 30 days; untasked_credit 0.20.

    A 公共环境 (30)
      A1 农贸市场秩序 (10)  no tasks, no categories      linked: m0, m1      before: 10 × 0.2 = 2
      A2 农贸市场设施 (20)  own task at 50 % (not late)    linked: m2          before: 20 × 0.5 = 10, C = 0.5
    B 宣传氛围 (10)
      B1 公益广告 (10)      own task done                   not linked          10

Five inspections of 城关农贸市场 in June (and one in April, outside the window, all failed):

         #1 #2 #3 #4 #5
    m0   P  P  F  P  F      3 of 5
    m1   P  P  P  F  P      4 of 5     → A1: P = 7 / 10 = 0.7 → 10 × 0.7 = 7.00 (no tasks of its own)
    m2   P  F  P  P  P      4 of 5     → A2: P = 0.8 → 20 × (0.5 + 0.8) / 2 = 13.00

A = 30 × (7 + 13) / 30 = 20; total = 20 + 10 = 30.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TaskStatus, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode, Task
from chuangcheng.indicators.readiness import compute_readiness
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import CampaignInspectionSettings, Checklist, Inspection, InspectionResult
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 20, 12, tzinfo=SHANGHAI)
P, F, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE


def node(campaign, code, name, max_score, parent=None):
    level = NodeLevel.PROJECT if parent is None else NodeLevel.STANDARD
    made = IndicatorNode.objects.create(
        campaign=campaign, parent=parent, code=code, name=name, level=level, max_score=Decimal(max_score)
    )
    made.path = f"{parent.path if parent else '/'}{made.pk}/"
    made.save(update_fields=["path"])
    return made


def task(campaign, indicator, code, lead, *, status, percent):
    return Task.objects.create(
        campaign=campaign,
        indicator=indicator,
        code=code,
        title=f"任务{code}",
        target="按标准完成",
        lead_unit=lead,
        deadline=dt.date(2026, 12, 31),
        evidence_types=[],
        status=status,
        percent=percent,
    )


def inspect(world, checklist, site, items, outcomes, when):
    failed = sum(1 for o in outcomes if o == F)
    inspection = Inspection.objects.create(
        kind=InspectionKind.CHECK,
        inspector=world.inspector,
        checklist=checklist,
        site=site,
        unit=site.unit,
        submitted_at=when,
        deductions=Decimal(failed),
        score=Decimal(100 - failed),
    )
    for item, outcome in zip(items, outcomes, strict=True):
        InspectionResult.objects.create(
            inspection=inspection,
            item_version=item.versions.get(number=item.version),
            outcome=outcome,
            deduction=Decimal(1 if outcome == F else 0),
        )
    return inspection


@pytest.fixture
def setup(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    checklists_seed()
    campaign = Campaign.objects.create(
        code="WMXC",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024年版",
        pass_score=Decimal("30"),
        untasked_credit=Decimal("0.20"),
    )
    a = node(campaign, "A", "公共环境", "30")
    a1 = node(campaign, "A1", "农贸市场秩序", "10", a)
    a2 = node(campaign, "A2", "农贸市场设施", "20", a)
    b = node(campaign, "B", "宣传氛围", "10")
    b1 = node(campaign, "B1", "公益广告", "10", b)
    task(campaign, a2, "t1", world.town_a, status=TaskStatus.IN_PROGRESS, percent=50)
    task(campaign, b1, "t2", world.town_a, status=TaskStatus.DONE, percent=100)
    checklist = Checklist.objects.get(site_type__code="market")
    items = list(checklist.items.order_by("sort_order", "pk")[:3])
    items[0].indicators.add(a1)
    items[1].indicators.add(a1)
    items[2].indicators.add(a2)
    site = site_save(
        site=Site(code="P-01", name="城关农贸市场", site_type=SiteType.objects.get(code="market"), unit=world.town_a),
        geometry={"type": "Point", "coordinates": [114.3, 34.8]},
    )
    columns = [(P, P, P), (P, P, F), (F, P, P), (P, F, P), (F, P, P)]
    for day, outcomes in enumerate(columns, start=10):
        inspect(world, checklist, site, items, outcomes, dt.datetime(2026, 6, day, 9, tzinfo=SHANGHAI))
    inspect(world, checklist, site, items, (NA, NA, NA), dt.datetime(2026, 6, 15, 9, tzinfo=SHANGHAI))
    inspect(world, checklist, site, items, (F, F, F), dt.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI))
    return campaign, items, site


def test_inspected_leaves_take_the_pass_rate(setup):
    campaign, items, _site = setup
    r = compute_readiness(campaign)
    a1, a2, b1 = r.node("A1"), r.node("A2"), r.node("B1")
    assert (a1.checks.passed, a1.checks.failed) == (7, 3)
    assert (a1.before_field, a1.predicted) == (Decimal("2.0"), Decimal("7.0"))
    assert (a2.checks.passed, a2.checks.failed) == (4, 1)
    assert (a2.before_field, a2.predicted) == (Decimal("10.0"), Decimal("13.0"))
    # Nothing inspected: unchanged.
    assert (b1.checks, b1.predicted) == (None, Decimal("10"))
    assert (r.node("A").predicted, r.predicted_total) == (Decimal("20"), Decimal("30"))
    # What cost the points, and where: m0 failed twice, m1 once at the market.
    failures = [(f.item, f.place, f.count) for f in a1.checks.failures]
    assert failures == [(items[0].text, "城关农贸市场", 2), (items[1].text, "城关农贸市场", 1)]
    assert [n.code for n in r.field_nodes()] == ["A2", "A1"]  # biggest gap first: 7, then 3


def test_the_window_is_the_campaigns(setup):
    campaign, _items, _site = setup
    CampaignInspectionSettings.objects.create(campaign=campaign, window_days=90)
    r = compute_readiness(campaign)
    # April's all-failed inspection now counts: A1 7 of 12, A2 4 of 6.
    assert r.node("A1").predicted == Decimal(10) * Decimal(7) / Decimal(12)
    assert r.node("A2").predicted == Decimal(20) * (Decimal("0.5") + Decimal(4) / Decimal(6)) / 2
    # Looking back to 11 June: only the first two inspections (m0 P P, m1 P P, m2 P F).
    back = compute_readiness(campaign, as_of=dt.date(2026, 6, 11))
    assert back.node("A1").predicted == Decimal(10) * Decimal(4) / Decimal(6)  # April's F F too


def test_it_still_reads_a_constant_number_of_queries(setup, django_assert_max_num_queries):
    campaign, _items, _site = setup
    with django_assert_max_num_queries(16):
        compute_readiness(campaign)


def test_the_readiness_page_says_which_failures_cost_points_and_where(world, setup):
    campaign, items, _site = setup
    client = Client()
    client.force_login(world.office)
    page = client.get(reverse("indicators:readiness", args=[campaign.code]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="field-checks"' in html and "实地考察失分" in html
    assert items[0].text in html and "城关农贸市场" in html
    assert 'id="formula-field"' in html
    [point] = page.context["field_points"]["features"]
    assert point["geometry"]["coordinates"] == [114.3, 34.8] and point["properties"]["failures"] == 4


def test_the_readiness_api_carries_the_field_checks(world, setup):
    campaign, items, _site = setup
    client = Client()
    client.force_login(world.office)
    nodes = {n["code"]: n for n in client.get(f"/api/indicators/readiness/{campaign.code}").json()["nodes"]}
    a2 = nodes["A2"]
    assert (a2["predicted"], a2["field_checks"]["passed"], a2["field_checks"]["failed"]) == ("13.00", 4, 1)
    assert (a2["field_checks"]["pass_rate"], a2["field_checks"]["before"]) == (0.8, "10.00")
    assert a2["field_checks"]["failures"] == [
        {"item": items[2].text, "place": "城关农贸市场", "count": 1, "lon": 114.3, "lat": 34.8}
    ]
    assert nodes["B1"]["field_checks"] is None


def test_units_are_asked_for_what_is_still_lost(setup):
    campaign, _items, _site = setup
    r = compute_readiness(campaign)
    # A1 (untasked): 10 × 0.8 = 8 lost before the checks, 3 after → the untasked gap is 3.
    assert r.untasked_gap == Decimal("3.0")
    # A2: t1's lead unit lost 10 by its task, 7 after the checks (20 − 13).
    [unit] = r.by_unit
    assert unit.task_gap == Decimal("7.0")
