"""A small county with a known November 2026, made through the real services at frozen moments.

Units (from the shared ``world``, created on 20 October): 县住建局 (department, admin 马住建),
城关街道 and 城南街道 (towns, admins 陈联络 and 刘联络). The category 暴露垃圾 gets a 48
natural-hour limit, so a case dispatched at 10:00 on the 2nd is due at 10:00 on the 4th.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chuangcheng.cases import services as cases
from chuangcheng.cases.choices import Source, TimeUnit
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World, photo
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import membership_grant, person_create

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def move(time_machine) -> Callable[[dt.datetime], None]:
    def go(moment: dt.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return go


@dataclass
class County:
    world: World
    category: Category
    housing_admin: Person
    move: Callable[[dt.datetime], None]

    def holder(self, unit: Unit) -> Person:
        w = self.world
        return {w.housing.pk: self.housing_admin, w.town_a.pk: w.admin_a, w.town_b.pk: w.admin_b}[unit.pk]

    def dispatched(self, unit: Unit, when: dt.datetime) -> Case:
        """Reported, accepted and dispatched to ``unit`` at ``when``."""
        self.move(when - dt.timedelta(minutes=30))
        case, _created = cases.case_report(
            by=self.world.inspector,
            source=Source.PATROL,
            category=self.category,
            description="路边有一堆暴露垃圾",
            lon=114.305,
            lat=34.80005,
            photos=[photo("gray")],
        )
        cases.case_accept(case=case, by=self.world.office)
        self.move(when)
        return cases.case_dispatch(case=case, by=self.world.office, unit=unit)

    def handle(self, case: Case, when: dt.datetime) -> Case:
        self.move(when)
        case.refresh_from_db()
        cases.case_handle(case=case, by=self.holder(case.unit), note="已清运", photos=[photo("green")])
        return case

    def verify(self, case: Case, when: dt.datetime, *, passed: bool = True) -> Case:
        self.move(when)
        case.refresh_from_db()
        return cases.case_verify(case=case, by=self.world.supervisor, passed=passed, note="" if passed else "仍有残留")

    def closed(self, unit: Unit, dispatched: dt.datetime, handled: dt.datetime, verified: dt.datetime) -> Case:
        case = self.dispatched(unit, dispatched)
        self.handle(case, handled)
        return self.verify(case, verified)

    def extend(self, case: Case, when: dt.datetime, hours: int) -> Case:
        self.move(when)
        case.refresh_from_db()
        request = cases.extension_request(
            case=case,
            by=self.holder(case.unit),
            amount=Decimal(hours),
            time_unit=TimeUnit.NATURAL_HOURS,
            reason="需协调",
        )
        cases.extension_decide(request=request, by=self.world.office, approve=True)
        case.refresh_from_db()
        return case


@pytest.fixture
def county(request, move) -> County:
    move(at(10, 20, 9))
    world: World = request.getfixturevalue("world")
    cases.seed_categories()
    category = Category.objects.get(name="暴露垃圾", parent__isnull=False)
    category.auto_dispatch = False
    category.time_limit, category.time_unit = Decimal("48"), TimeUnit.NATURAL_HOURS
    category.save()
    admin = person_create(username="housing_admin", real_name="马住建", unit=world.housing, password="x-Pass#2026")
    membership_grant(person=admin, unit=world.housing, role=Role.UNIT_ADMIN)
    return County(world=world, category=category, housing_admin=admin, move=move)
