"""The bulk demo builder writes what the services would: here, the clock kept on running cases."""

from __future__ import annotations

from chuangcheng.cases import selectors
from chuangcheng.cases.choices import Status
from chuangcheng.cases.demo import DemoCasesBuilder
from chuangcheng.cases.models import Case
from chuangcheng.core.workcalendar import provisional_between, subtract_working_time

from .conftest import at


def test_demo_cases_keep_their_limit_and_yellow_moment_like_dispatched_ones(world, road):
    DemoCasesBuilder(seed=3, days=10, count=400, now=at(2026, 11, 24, 9)).build()

    running = list(Case.objects.filter(status__in=Status.with_unit()).select_related("category"))
    assert len(running) > 20
    for case in running:
        assert (case.time_limit, case.time_unit) == (case.category.time_limit, case.category.time_unit)
        limit = float(case.time_limit) * (1 - selectors.YELLOW_AT)
        assert case.yellow_at == subtract_working_time(case.deadline, limit, case.time_unit), case.code
    unassigned = Case.objects.filter(status__in=[Status.REPORTED, Status.ACCEPTED, Status.RETURNED])
    assert set(unassigned.values_list("time_limit", "time_unit", "yellow_at")) <= {(None, "", None)}


def test_demo_cases_running_into_a_provisional_year_are_marked_like_dispatched_ones(world, road):
    DemoCasesBuilder(seed=5, days=10, count=400, now=at(2026, 12, 31, 9)).build()

    running = list(Case.objects.filter(status__in=Status.with_unit()))
    marked = [case for case in running if case.deadline_provisional]
    assert marked and all(case.deadline.year == 2027 for case in marked)
    for case in running:
        assert case.deadline_provisional == provisional_between(case.dispatched_at, case.deadline, case.time_unit)
