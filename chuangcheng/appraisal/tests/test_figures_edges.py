"""Edges where figures.py (or scoring.py) and the definitions in figures.py's docstring disagree.

Found while checking figures.collect against a hand-written SQL aggregation (bench/bench_appraisal.py).
Each test states the definition it holds the code to; each failed before its fix.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chuangcheng.appraisal.figures import Tally, collect
from chuangcheng.appraisal.scoring import rate_figure
from chuangcheng.cases.choices import Action, Source, Status
from chuangcheng.cases.models import Case, CaseEvent, Category
from chuangcheng.cases.services import seed_categories
from chuangcheng.org.choices import UnitGroup, UnitKind
from chuangcheng.org.models import Unit
from chuangcheng.org.services import unit_create

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def case_with(events: list[tuple[str, dt.datetime, Unit | None, dt.datetime | None]], status: str) -> Case:
    """A case and its events written as rows (what the services would have left)."""
    seed_categories()
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    case = Case.objects.create(
        code=f"AJ{Case.objects.count() + 1:05d}",
        source=Source.PATROL,
        category=category,
        description="人民路暴露垃圾",
        lon=114.305,
        lat=34.8,
        status=status,
    )
    Case.objects.filter(pk=case.pk).update(created_at=events[0][1], updated_at=events[-1][1])
    for action, moment, unit, deadline in events:
        CaseEvent.objects.create(case=case, action=action, at=moment, unit=unit, deadline=deadline, to_status=status)
    return case


def test_a_case_returned_and_dispatched_within_the_same_town_counts_once_for_it(world) -> None:
    # 立案数: "cases dispatched (派遣) to the unit in the period" — one case, whichever community.
    a1 = world.community_a1
    a2 = unit_create(
        name="西关社区", code="T01C02", kind=UnitKind.COMMUNITY, group=UnitGroup.COMMUNITY, parent=a1.parent
    )
    case_with(
        [
            (Action.REPORT, at(11, 3, 9), None, None),
            (Action.DISPATCH, at(11, 3, 9, 30), a1, at(11, 3, 17)),
            (Action.RETURN, at(11, 3, 10), a1, None),
            (Action.DISPATCH, at(11, 3, 10, 30), a2, at(11, 4, 10, 30)),
            (Action.HANDLE, at(11, 3, 15), a2, None),
            (Action.VERIFY_PASS, at(11, 3, 16), None, None),
        ],
        Status.CLOSED,
    )

    raw, _county = collect(dt.date(2026, 11, 1), dt.date(2026, 12, 1), list(Unit.objects.all()), {world.town_a.pk})

    assert len(raw[world.town_a.pk].dispatched) == len(set(raw[world.town_a.pk].dispatched)) == 1


def test_the_running_months_draft_does_not_count_a_deadline_still_ahead_as_overdue(world) -> None:
    # 超期未处置: "rounds open … past their deadline"; on 5 December a deadline of 8 December is not past.
    case_with(
        [
            (Action.REPORT, at(12, 4, 9), None, None),
            (Action.DISPATCH, at(12, 4, 9, 30), world.community_a1, at(12, 8, 9, 30)),
        ],
        Status.DISPATCHED,
    )

    with time_machine.travel(at(12, 5, 10), tick=False):
        raw, county = collect(dt.date(2026, 12, 1), dt.date(2027, 1, 1), list(Unit.objects.all()), {world.town_a.pk})

    figures = raw[world.town_a.pk]
    assert figures.overdue_open == [] and county.overdue_open == []
    assert figures.on_time_handle.den == []  # not due yet: it may still be handled on time


def test_an_extension_rate_above_one_hundred_percent_does_not_score_below_zero() -> None:
    # Three rounds held, each extended twice this month: 6 / 3 = 200 %.
    figure = rate_figure(Tally(num=[1, 1, 2, 2, 3, 3], den=[1, 2, 3]), inverse=True, min_sample=3, empty_label="")

    assert figure.score is not None and figure.score >= 0


def test_a_provisional_deadline_recounted_before_the_handling_is_the_one_it_is_judged_by(world) -> None:
    # 按期处置: "handled by the deadline in force". A deadline counted on provisional holidays and
    # recounted on the official ones (期限重算, issue 13) is in force from the recount on.
    case_with(
        [
            (Action.REPORT, at(12, 28, 9), None, None),
            (Action.DISPATCH, at(12, 28, 9, 30), world.community_a1, dt.datetime(2027, 1, 5, 9, 30, tzinfo=SHANGHAI)),
            (Action.RECOUNT, at(12, 29, 10), world.community_a1, at(12, 31, 17)),
            (Action.HANDLE, at(12, 31, 18), world.community_a1, None),
        ],
        Status.HANDLED,
    )

    with time_machine.travel(dt.datetime(2027, 1, 2, 9, tzinfo=SHANGHAI), tick=False):
        raw, _county = collect(dt.date(2026, 12, 1), dt.date(2027, 1, 1), list(Unit.objects.all()), {world.town_a.pk})

    figures = raw[world.town_a.pk].on_time_handle
    assert len(figures.den) == 1 and figures.num == []  # late against the recounted deadline
