"""Status lights: green below 80 % of the limit used, yellow to 100 %, red overdue, none without a clock."""

from __future__ import annotations

import pytest

from chuangcheng.cases import selectors, services
from chuangcheng.cases.choices import Light, Status

from .conftest import at


def light(case, now):  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    return selectors.status_light(case, now)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 11, 24, 9, 0), Light.GREEN),
        (at(2026, 11, 24, 10, 30), Light.GREEN),  # 75 %
        (at(2026, 11, 24, 10, 36), Light.YELLOW),  # 80 %
        (at(2026, 11, 24, 10, 59), Light.YELLOW),
        (at(2026, 11, 24, 11, 0), Light.RED),  # due
        (at(2026, 11, 30, 9, 0), Light.RED),
    ],
)
def test_the_light_follows_the_share_of_the_limit_used(make, now, expected):
    case = make.dispatched()  # 暴露垃圾, Tuesday 09:00, 2 working hours

    assert light(case, now) == expected


def test_the_lunch_break_does_not_use_up_the_limit(make, frozen):
    frozen(at(2026, 11, 24, 11, 0))
    case = make.dispatched()  # 1 h before lunch, 1 h after: due 15:30

    assert light(case, at(2026, 11, 24, 14, 29)) == Light.GREEN  # 50 %, the break not counted
    assert light(case, at(2026, 11, 24, 15, 18)) == Light.YELLOW  # 90 %


@pytest.mark.parametrize("state", [Status.REPORTED, Status.ACCEPTED, Status.HANDLED, Status.CLOSED, Status.RETURNED])
def test_a_case_no_unit_is_working_on_has_no_light(make, state):
    case = make.in_state(state)

    assert light(case, at(2026, 12, 30, 9, 0)) == Light.NONE


def test_a_suspended_case_has_no_light_even_past_its_deadline(make, world):
    case = make.suspended()

    assert light(case, at(2026, 12, 1, 9, 0)) == Light.NONE


def test_time_suspended_does_not_count_against_the_unit(make, world, frozen):
    case = make.dispatched()  # Tuesday 09:00, due 11:00
    frozen(at(2026, 11, 24, 10, 0))
    services.case_suspend(case=case, by=world.office, project="人民路改造", reason="需立项")
    frozen(at(2026, 11, 26, 15, 0))
    services.case_resume(case=case, by=world.office)

    assert light(case, at(2026, 11, 26, 15, 0)) == Light.GREEN  # 1 h of 2 used
    assert light(case, at(2026, 11, 26, 15, 48)) == Light.YELLOW  # 1.8 h of 2
    assert light(case, at(2026, 11, 26, 16, 0)) == Light.RED


def test_a_natural_hours_case_dispatched_at_night_starts_green(make, frozen, categories):
    frozen(at(2026, 11, 24, 20, 0))
    case = make.dispatched(category=categories["路面塌陷"])  # 2 natural hours, due 22:00

    assert light(case, at(2026, 11, 24, 20, 30)) == Light.GREEN
    assert light(case, at(2026, 11, 24, 21, 40)) == Light.YELLOW
    assert light(case, at(2026, 11, 24, 22, 0)) == Light.RED


def test_rework_starts_a_fresh_green_clock(make, world, frozen):
    case = make.handled()
    frozen(at(2026, 11, 24, 15, 0))  # past the first deadline

    services.case_verify(case=case, by=world.supervisor, passed=False, note="仍有残留")

    assert light(case, at(2026, 11, 24, 15, 0)) == Light.GREEN


def test_an_approved_extension_turns_a_yellow_case_green(make, world, frozen):
    case = make.dispatched()
    frozen(at(2026, 11, 24, 10, 50))
    assert light(case, at(2026, 11, 24, 10, 50)) == Light.YELLOW
    request = services.extension_request(
        case=case, by=world.admin_a, amount=1, time_unit="work_days", reason="需调运大型设备"
    )

    services.extension_decide(request=request, by=world.office, approve=True)

    assert light(case, at(2026, 11, 24, 10, 50)) == Light.GREEN


def test_twice_over_the_limit_reads_as_twice_the_time_used(make):
    case = make.dispatched()  # due 11:00 after 2 working hours

    case.refresh_from_db()
    assert selectors.used_fraction(case, at(2026, 11, 24, 15, 30)) == pytest.approx(2.0)  # 4 working hours in
