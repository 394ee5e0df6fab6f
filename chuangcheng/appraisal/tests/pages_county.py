"""Fixtures of the appraisal pages' tests: a small county with a known November 2026.

Units come from the shared ``world`` (created on 20 October). In November 城关街道 (town A)
gets three cases handled and closed on time, 城南街道 (town B) three cases of which one is
handled late and one left open past its deadline; 县住建局 gets one case handled on time.
The run of November is computed on 2 December, as the office would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chuangcheng.appraisal import services
from chuangcheng.appraisal.models import Run, Scheme
from chuangcheng.cases import services as cases
from chuangcheng.cases.choices import Source, TimeUnit
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World, photo
from chuangcheng.org.models import Person, Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


@dataclass
class Month:
    world: World
    scheme: Scheme
    run: Run
    category: Category
    move: object
    cases: dict[str, list[Case]] = field(default_factory=dict)


def _dispatched(world: World, category: Category, unit: Unit, when: dt.datetime, move) -> Case:
    move(when - dt.timedelta(minutes=30))
    case, _created = cases.case_report(
        by=world.inspector,
        source=Source.PATROL,
        category=category,
        description="路边有一堆暴露垃圾",
        lon=114.305,
        lat=34.80005,
        photos=[photo("gray")],
    )
    cases.case_accept(case=case, by=world.office)
    move(when)
    return cases.case_dispatch(case=case, by=world.office, unit=unit)


def _handled(case: Case, by: Person, when: dt.datetime, move) -> Case:
    move(when)
    case.refresh_from_db()
    cases.case_handle(case=case, by=by, note="已清运", photos=[photo("green")])
    case.refresh_from_db()
    return case


def _verified(world: World, case: Case, when: dt.datetime, move) -> Case:
    move(when)
    case.refresh_from_db()
    return cases.case_verify(case=case, by=world.supervisor, passed=True, note="")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def move(time_machine):
    def go(moment: dt.datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return go


@pytest.fixture
def month(request, move) -> Month:
    """The November run as a draft, computed on 2 December."""
    move(at(10, 20, 9))
    world: World = request.getfixturevalue("world")
    return build_month(world, move)


def build_month(world: World, move: Callable[[dt.datetime], None]) -> Month:
    """November's cases through the services at their moments, then the draft run on 2 December.
    ``world`` must have been made before 1 November (at 20 October in the fixture)."""
    cases.seed_categories()
    category = Category.objects.get(name="暴露垃圾", parent__isnull=False)
    category.auto_dispatch = False
    category.time_limit, category.time_unit = Decimal("48"), TimeUnit.NATURAL_HOURS
    category.save()
    scheme = services.scheme_create_default(by=world.office)
    made: dict[str, list[Case]] = {"a": [], "b": []}
    for day in (2, 5, 9):
        case = _dispatched(world, category, world.town_a, at(11, day), move)
        _handled(case, world.admin_a, at(11, day + 1), move)
        made["a"].append(_verified(world, case, at(11, day + 1, 15), move))
    late = _dispatched(world, category, world.town_b, at(11, 2), move)
    _handled(late, world.admin_b, at(11, 6), move)
    made["b"].append(_verified(world, late, at(11, 6, 15), move))
    on_time = _dispatched(world, category, world.town_b, at(11, 10), move)
    made["b"].append(_handled(on_time, world.admin_b, at(11, 11), move))
    made["b"].append(_dispatched(world, category, world.town_b, at(11, 20), move))  # left open: overdue
    move(at(12, 2, 9))
    run = services.month_run_create(scheme=scheme, by=world.office, year=2026, month=11)
    return Month(world=world, scheme=scheme, run=run, category=category, move=move, cases=made)


def publish(run: Run, by: Person) -> Run:
    return services.run_publish(run=run, by=by)
