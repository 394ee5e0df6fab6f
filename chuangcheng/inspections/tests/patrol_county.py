"""A small hand-checked county for the 日巡查 tests: two towns, six segments, three sites, three inspectors.

Ids are fixed so that the weekdays a place is due on can be worked out by hand: a place with
``n`` visits a week is due when ``(weekday - id % 7) % 7`` is one of ``k * 7 // n``
(n=1: {0}; n=2: {0, 3}; n=3: {0, 2, 4}; n=7: every day).

=====  ==========================  =======  ===========================================
place  what, where                 id % 7   due on (rules below)
=====  ==========================  =======  ===========================================
S1     主干道, 城关街道              3        every day
S2     主干道, 东关社区 (城关)       4        every day
S3     背街小巷, 城关街道            5        weekly: Saturday
S4     主干道, 城关, 路长 孙路长      6        every day, to the road chief
S5     主干道, 城南街道              0        城南's own rule 3/week: Mon, Wed, Fri
S6     次干道, 城南街道              1        3/week: Tue, Thu, Sat
M1     农贸市场, 城关               5        2/week: Sat, Tue
M2     农贸市场, 城南               6        2/week: Sun, Wed
T1     公厕, 城关                   0        no rule
=====  ==========================  =======  ===========================================

Inspectors: 甲巡查 (城关街道), 乙巡查 (东关社区, so 城关 too), 丙巡查 (城南街道); the world's
郑巡查 works at the supervision office, in no town (the county's pool, used by no place here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chuangcheng.conftest import PASSWORD, World
from chuangcheng.inspections.models import PatrolRule
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import membership_grant, person_create
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site, SiteType
from chuangcheng.places.services import segment_save, site_save

MONDAY = dt.date(2026, 6, 8)
LON, LAT = 114.30, 34.80


@dataclass
class County:
    world: World
    s1: RoadSegment
    s2: RoadSegment
    s3: RoadSegment
    s4: RoadSegment
    s5: RoadSegment
    s6: RoadSegment
    m1: Site
    m2: Site
    t1: Site
    a1: Person
    a2: Person
    b1: Person
    main_rule: PatrolRule


def _segment(pk: int, name: str, road_class: str, unit: Unit, lon: float, chief: Person | None = None) -> RoadSegment:
    segment = RoadSegment(pk=pk, code=f"R-{pk}", name=name, road_class=road_class, unit=unit, chief=chief)
    line = {"type": "LineString", "coordinates": [[lon, LAT], [lon + 0.001, LAT]]}
    return segment_save(segment=segment, geometry=line)


def _site(pk: int, name: str, code: str, unit: Unit, lon: float) -> Site:
    site = Site(pk=pk, code=f"P-{pk}", name=name, site_type=SiteType.objects.get(code=code), unit=unit)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [lon, LAT + 0.01]})


def inspector(username: str, name: str, unit: Unit) -> Person:
    person = person_create(username=username, real_name=name, unit=unit, password=PASSWORD)
    membership_grant(person=person, unit=unit, role=Role.INSPECTOR)
    return person


def build(world: World) -> County:
    a, a1_unit, b = world.town_a, world.community_a1, world.town_b
    county = County(
        world=world,
        s1=_segment(101, "人民路一段", RoadClass.MAIN, a, 114.30),
        s2=_segment(102, "人民路二段", RoadClass.MAIN, a1_unit, 114.302),
        s3=_segment(103, "东关小巷", RoadClass.BACK_STREET, a, 114.304),
        s4=_segment(104, "解放路", RoadClass.MAIN, a, 114.306, chief=world.chief_a),
        s5=_segment(105, "城南大道", RoadClass.MAIN, b, 114.35),
        s6=_segment(106, "南环路", RoadClass.SECONDARY, b, 114.352),
        m1=_site(201, "城关农贸市场", "market", a, 114.308),
        m2=_site(202, "城南农贸市场", "market", b, 114.354),
        t1=_site(203, "东关公厕", "public_toilet", a, 114.309),
        a1=inspector("insp_a1", "甲巡查", a),
        a2=inspector("insp_a2", "乙巡查", a1_unit),
        b1=inspector("insp_b1", "丙巡查", b),
        main_rule=PatrolRule.objects.create(road_class=RoadClass.MAIN, times_per_week=7),
    )
    PatrolRule.objects.create(road_class=RoadClass.MAIN, town=b, times_per_week=3)
    PatrolRule.objects.create(road_class=RoadClass.SECONDARY, times_per_week=3)
    PatrolRule.objects.create(road_class=RoadClass.BACK_STREET, times_per_week=1)
    PatrolRule.objects.create(site_type=SiteType.objects.get(code="market"), times_per_week=2)
    return county
