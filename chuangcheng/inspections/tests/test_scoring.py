"""An indicator's pass rate from inspections: hand-counted results, 不适用 ignored, unchecked nodes absent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import (
    CampaignInspectionSettings,
    Checklist,
    Inspection,
    InspectionResult,
)
from chuangcheng.inspections.scoring import PassRate, indicator_pass_rates, inspections_in_window
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def setting(world):
    checklists_seed()
    campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("85.00"),
    )
    node = IndicatorNode.objects.create(
        campaign=campaign, code="1", level=NodeLevel.CONTENT, name="农贸市场", max_score=Decimal("4")
    )
    other = IndicatorNode.objects.create(
        campaign=campaign, code="2", level=NodeLevel.CONTENT, name="公厕", max_score=Decimal("2")
    )
    checklist = Checklist.objects.get(site_type__code="market")
    items = list(checklist.items.order_by("sort_order", "pk")[:3])
    items[0].indicators.add(node)
    items[1].indicators.add(node)
    items[2].indicators.add(other)
    site = site_save(
        site=Site(code="P-01", name="城关农贸市场", site_type=SiteType.objects.get(code="market"), unit=world.town_a),
        geometry={"type": "Point", "coordinates": [114.3, 34.8]},
    )
    return campaign, node, other, checklist, items, site


def inspect(world, checklist, site, items, outcomes, when):
    inspection = Inspection.objects.create(
        kind=InspectionKind.CHECK,
        inspector=world.inspector,
        checklist=checklist,
        site=site,
        submitted_at=when,
        score=Decimal(100),
    )
    for item, outcome in zip(items, outcomes, strict=True):
        version = item.versions.get(number=item.version)
        InspectionResult.objects.create(inspection=inspection, item_version=version, outcome=outcome)
    return inspection


def test_pass_rate_per_node(world, setting):
    _campaign, node, other, checklist, items, site = setting
    when = dt.datetime(2026, 6, 10, 9, tzinfo=SHANGHAI)
    P, F, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE
    inspect(world, checklist, site, items, [P, F, NA], when)
    inspect(world, checklist, site, items, [P, P, NA], when)
    inspect(world, checklist, site, items, [F, F, NA], when)
    rates = indicator_pass_rates(Inspection.objects.all())
    # node: items 0 and 1 over three inspections = P F P P F F → 3 passed of 6.
    assert rates == {node.pk: PassRate(passed=3, failed=3)}
    assert rates[node.pk].predicted(node.max_score) == Decimal("2.00")
    # The other node's item was 不适用 every time: no rate at all, not zero.
    assert other.pk not in rates
    assert PassRate(0, 0).rate is None and PassRate(0, 0).predicted(Decimal(4)) is None
    assert indicator_pass_rates(Inspection.objects.all(), node_ids=[other.pk]) == {}


def test_window_is_the_campaigns_setting(world, setting):
    campaign, node, _other, checklist, items, site = setting
    P, F = Outcome.PASS, Outcome.FAIL
    inspect(world, checklist, site, items[:1], [F], dt.datetime(2026, 5, 1, 9, tzinfo=SHANGHAI))
    inspect(world, checklist, site, items[:1], [P], dt.datetime(2026, 6, 9, 23, 30, tzinfo=SHANGHAI))
    with time_machine.travel(dt.datetime(2026, 6, 10, 12, tzinfo=SHANGHAI), tick=False):
        # Default 30 days: only June's inspection.
        assert indicator_pass_rates(inspections_in_window(campaign.pk)) == {node.pk: PassRate(1, 0)}
        CampaignInspectionSettings.objects.create(campaign=campaign, window_days=60)
        assert indicator_pass_rates(inspections_in_window(campaign.pk)) == {node.pk: PassRate(1, 1)}
        # As of 9 June, late evening Shanghai time counts in that day.
        assert indicator_pass_rates(inspections_in_window(campaign.pk, as_of=dt.date(2026, 6, 9))) == {
            node.pk: PassRate(1, 1)
        }
        assert indicator_pass_rates(inspections_in_window(campaign.pk, as_of=dt.date(2026, 6, 8))) == {
            node.pk: PassRate(0, 1)
        }


def test_an_item_linked_to_two_nodes_counts_once_for_each(world, setting):
    _campaign, node, other, checklist, items, site = setting
    items[0].indicators.add(other)  # item 0 now evidences both nodes
    when = dt.datetime(2026, 6, 10, 9, tzinfo=SHANGHAI)
    inspect(world, checklist, site, items, [Outcome.FAIL, Outcome.PASS, Outcome.PASS], when)
    rates = indicator_pass_rates(Inspection.objects.all(), node_ids=[node.pk, other.pk])
    # node: items 0 (F) and 1 (P); other: items 0 (F) and 2 (P) — each result once per node.
    assert rates == {node.pk: PassRate(passed=1, failed=1), other.pk: PassRate(passed=1, failed=1)}
    assert indicator_pass_rates(Inspection.objects.all()) == rates


def test_a_campaigns_nodes_only(world, setting):
    campaign, node, other, checklist, items, site = setting
    elsewhere = Campaign.objects.create(
        code="WSXC-2027",
        name="省级卫生县城",
        kind=CampaignKind.SANITARY,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="x",
        pass_score=Decimal("85.00"),
    )
    foreign = IndicatorNode.objects.create(
        campaign=elsewhere, code="1", level=NodeLevel.CONTENT, name="市场", max_score=Decimal("4")
    )
    items[0].indicators.add(foreign)
    inspect(
        world,
        checklist,
        site,
        items,
        [Outcome.FAIL, Outcome.PASS, Outcome.PASS],
        dt.datetime(2026, 6, 10, 9, tzinfo=SHANGHAI),
    )
    assert indicator_pass_rates(Inspection.objects.all(), campaign_id=campaign.pk) == {
        node.pk: PassRate(1, 1),
        other.pk: PassRate(1, 0),
    }
    assert indicator_pass_rates(Inspection.objects.all(), campaign_id=elsewhere.pk) == {foreign.pk: PassRate(0, 1)}
    assert indicator_pass_rates(Inspection.objects.all(), node_ids=[node.pk], campaign_id=campaign.pk) == {
        node.pk: PassRate(1, 1)
    }
