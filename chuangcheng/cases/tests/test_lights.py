"""Status lights: green below 80 % of the limit used, yellow to 100 %, red overdue, none without a clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chuangcheng.cases import selectors, services
from chuangcheng.cases.choices import Light, Status, TimeUnit
from chuangcheng.cases.models import Case

from .conftest import at


def light(case, now):
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


# ---- the limit is the one the clock started with ------------------------------------------------


def edit_limit(category, limit, unit=None):
    category.time_limit = Decimal(limit)
    category.time_unit = unit or category.time_unit
    category.save(update_fields=["time_limit", "time_unit"])


def test_dispatch_snapshots_the_limit_and_the_moment_the_light_turns_yellow(make):
    case = make.dispatched()  # Tuesday 09:00, 2 working hours: due 11:00

    case.refresh_from_db()
    assert (case.time_limit, case.time_unit) == (Decimal("2.0"), TimeUnit.WORK_HOURS)
    assert case.yellow_at == at(2026, 11, 24, 10, 36)  # 80 % used: 24 minutes left


def test_editing_the_categorys_limit_leaves_a_running_cases_light_alone(make, garbage):
    case = make.dispatched()  # 2 working hours: green at 10:00 (50 %)

    edit_limit(garbage, "1")  # under the new limit 10:00 would already be due

    assert light(case, at(2026, 11, 24, 10, 0)) == Light.GREEN
    assert selectors.used_fraction(case, at(2026, 11, 24, 10, 0)) == pytest.approx(0.5)


def test_rework_takes_the_limit_the_category_has_then(make, world, garbage, frozen):
    case = make.handled()
    edit_limit(garbage, "1", TimeUnit.WORK_DAYS)
    frozen(at(2026, 11, 24, 15, 0))

    services.case_verify(case=case, by=world.supervisor, passed=False, note="仍有残留")

    case.refresh_from_db()
    assert (case.time_limit, case.time_unit) == (Decimal("1.0"), TimeUnit.WORK_DAYS)
    assert case.deadline == at(2026, 11, 25, 15, 0)
    assert case.yellow_at == at(2026, 11, 25, 11, 6)  # 1.4 working hours before the deadline


def test_an_approved_extension_moves_the_yellow_moment_with_the_deadline(make, world, garbage, frozen):
    case = make.dispatched()
    edit_limit(garbage, "8")  # must not leak into the running case
    request = services.extension_request(case=case, by=world.admin_a, amount=1, time_unit="work_days", reason="设备")

    services.extension_decide(request=request, by=world.office, approve=True)

    case.refresh_from_db()
    assert case.deadline == at(2026, 11, 25, 11, 0)
    assert (case.time_limit, case.yellow_at) == (Decimal("2.0"), at(2026, 11, 25, 10, 36))


def test_resuming_moves_the_yellow_moment_with_the_deadline(make, world, frozen):
    case = make.dispatched()  # due 11:00
    frozen(at(2026, 11, 24, 10, 0))
    services.case_suspend(case=case, by=world.office, project="人民路改造", reason="需立项")
    frozen(at(2026, 11, 26, 15, 0))

    services.case_resume(case=case, by=world.office)

    case.refresh_from_db()
    assert (case.deadline, case.yellow_at) == (at(2026, 11, 26, 16, 0), at(2026, 11, 26, 15, 36))


def test_a_returned_case_keeps_no_clock(make):
    case = make.returned()

    case.refresh_from_db()
    assert (case.deadline, case.yellow_at, case.time_limit, case.time_unit) == (None, None, None, "")


# ---- the list filter and the displayed light agree ----------------------------------------------


def running_cases_of_every_kind(make, world, categories, frozen) -> list[Case]:
    """Work-hour, work-day and natural-hour cases dispatched over two days, one extended, one resumed."""
    cases = []
    for moment in (at(2026, 11, 24, 9), at(2026, 11, 24, 11, 20), at(2026, 11, 24, 17, 10), at(2026, 11, 25, 8)):
        frozen(moment)
        cases.append(make.dispatched())
        cases.append(make.dispatched(category=categories["乱贴乱画"]))  # 1 working day
        cases.append(make.dispatched(category=categories["路面塌陷"]))  # 2 natural hours
    extended = cases[1]
    request = services.extension_request(case=extended, by=world.admin_a, amount=3, time_unit="work_hours", reason="等")
    services.extension_decide(request=request, by=world.office, approve=True)
    services.case_suspend(case=cases[4], by=world.office, project="改造", reason="需立项")
    frozen(at(2026, 11, 25, 10, 0))
    services.case_resume(case=cases[4], by=world.office)
    return cases


def test_the_light_filter_lists_exactly_the_cases_showing_that_light(make, world, categories, frozen):
    cases = running_cases_of_every_kind(make, world, categories, frozen)
    # Every 3 minutes through the working day (most limits end on a whole minute), and each deadline.
    moments = [at(2026, 11, 25, 10, 0) + dt.timedelta(minutes=3 * i) for i in range(180)]
    moments += [Case.objects.get(pk=c.pk).deadline for c in cases]

    seen = set()
    for now in sorted(m for m in moments if m >= at(2026, 11, 25, 10, 0)):
        frozen(now)
        shown = {c.pk: selectors.status_light(c) for c in Case.objects.select_related("category")}
        for colour in (Light.GREEN, Light.YELLOW, Light.RED, Light.NONE):
            listed = selectors.case_list_for_user(user=world.office, filters={"light": colour})
            assert set(listed.values_list("pk", flat=True)) == {pk for pk, c in shown.items() if c == colour}, now
        seen.update(shown.values())

    assert seen == {Light.GREEN, Light.YELLOW, Light.RED}
