"""A small street for the phone form's tests: a 农贸市场 and a 公厕 near it, a road segment, today's visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import World, jpeg_bytes
from chuangcheng.inspections.choices import InspectionKind, Outcome, PlanStatus
from chuangcheng.inspections.models import Checklist, ChecklistItem, Plan, Team, Visit
from chuangcheng.inspections.selectors import active_items
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.places.models import RoadSegment, Site, SiteType
from chuangcheng.places.services import segment_save, site_save

LON, LAT = 114.305, 34.8


@dataclass
class Street:
    market: Site
    toilet: Site
    far_market: Site
    segment: RoadSegment
    market_visit: Visit
    toilet_visit: Visit


def _site(code: str, name: str, type_code: str, unit: object, lon: float, lat: float) -> Site:
    site = Site(code=code, name=name, site_type=SiteType.objects.get(code=type_code), unit=unit)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [lon, lat]})


def build_street(world: World) -> Street:
    seed_categories()
    checklists_seed()
    market = _site("P-01", "城关农贸市场", "market", world.town_a, LON, LAT)
    # About 170 m east of the market; the far market is ~4.5 km away.
    toilet = _site("P-02", "人民路公厕", "public_toilet", world.town_a, LON + 0.002, LAT)
    far_market = _site("P-03", "城南农贸市场", "market", world.town_b, LON + 0.05, LAT)
    segment = segment_save(
        segment=RoadSegment(code="SEG-01", name="人民路（一段）", unit=world.town_a, chief=world.chief_a),
        geometry={"type": "LineString", "coordinates": [[LON - 0.001, LAT + 0.001], [LON + 0.003, LAT + 0.001]]},
    )
    today = timezone.localdate()
    market_visit = Visit.objects.create(
        kind=InspectionKind.PATROL, assignee=world.inspector, site=market, starts_on=today, due_on=today
    )
    toilet_visit = Visit.objects.create(
        kind=InspectionKind.PATROL, assignee=world.inspector, site=toilet, starts_on=today, due_on=today
    )
    return Street(market, toilet, far_market, segment, market_visit, toilet_visit)


def plan_visit(world: World, site: Site, *, member: object, status: str = PlanStatus.ACTIVE) -> Visit:
    today = timezone.localdate()
    due = today + dt.timedelta(days=3)
    plan = Plan.objects.create(
        kind=InspectionKind.CHECK, name="第48周周检查", status=status, starts_on=today, due_on=due, seed=7
    )
    team = Team.objects.create(plan=plan, name="第一组", leader=world.supervisor)
    team.members.add(member)
    return Visit.objects.create(
        kind=InspectionKind.CHECK, plan=plan, team=team, site=site, starts_on=today, due_on=plan.due_on
    )


def items_of(site: Site) -> list[ChecklistItem]:
    return list(active_items(Checklist.objects.get(site_type=site.site_type)))


def item_with(site: Site, words: str) -> ChecklistItem:
    return next(item for item in items_of(site) if words in item.text)


def jpeg(colour: str = "red") -> bytes:
    return jpeg_bytes(colour)


PASS, FAIL, NA = Outcome.PASS, Outcome.FAIL, Outcome.NOT_APPLICABLE
