"""Deadlines: the category's limit counted in working time from dispatch, moved by extensions and 挂账.

2026 in chinese-calendar: National Day is 1–7 October (Thursday to Wednesday), Saturday
10 October is a 调休 working day and Sunday 11 October is not. Working hours are 08:30–12:00
and 14:30–18:00, so one working day is 7 working hours.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from chuangcheng.cases import services
from chuangcheng.cases.choices import Action, ExtensionStatus, Status, TimeUnit
from chuangcheng.cases.models import Case, Category
from chuangcheng.core.errors import DomainError

from .conftest import at, photo, snapshot


def _limit(category: Category, amount: str, unit: str) -> Category:
    category.time_limit, category.time_unit = Decimal(amount), unit
    category.save(update_fields=["time_limit", "time_unit"])
    return category


@pytest.fixture
def posters(categories) -> Category:
    """乱贴乱画, given two working days."""
    return _limit(categories["乱贴乱画"], "2", TimeUnit.WORK_DAYS)


@pytest.fixture
def collapse(categories) -> Category:
    """路面塌陷: 2 natural hours, an emergency that does not wait for Monday."""
    return categories["路面塌陷"]


# ---- dispatch ---------------------------------------------------------------------------------


def test_two_working_days_from_the_eve_of_national_day_end_after_the_holiday(make, frozen, posters):
    frozen(at(2026, 9, 30, 16, 0))  # Wednesday: 2 h left today, then seven days off

    case = make.dispatched(category=posters)

    # 2 h on 30 Sep + 7 h on Thu 8 Oct + 5 h on Fri 9 Oct (3.5 h morning, 1.5 h afternoon).
    assert case.deadline == at(2026, 10, 9, 16, 0)
    assert case.events.get(action=Action.DISPATCH).deadline == case.deadline


def test_the_make_up_saturday_counts_as_a_working_day(make, frozen, categories):
    posters = _limit(categories["乱贴乱画"], "1", TimeUnit.WORK_DAYS)
    frozen(at(2026, 10, 9, 16, 0))  # Friday

    case = make.dispatched(category=posters)

    assert case.deadline == at(2026, 10, 10, 16, 0)  # 调休 Saturday


def test_the_sunday_after_the_make_up_saturday_does_not_count(make, frozen, categories):
    posters = _limit(categories["乱贴乱画"], "1", TimeUnit.WORK_DAYS)
    frozen(at(2026, 10, 10, 16, 0))  # the 调休 Saturday

    case = make.dispatched(category=posters)

    assert case.deadline == at(2026, 10, 12, 16, 0)  # Monday


def test_working_hours_skip_the_holiday_and_the_night(make, frozen, garbage):
    frozen(at(2026, 9, 30, 17, 0))  # 暴露垃圾: 2 working hours, one of them left today

    case = make.dispatched()

    assert case.deadline == at(2026, 10, 8, 9, 30)


def test_natural_hours_run_through_holidays_and_nights(make, frozen, collapse):
    frozen(at(2026, 10, 1, 23, 0))  # National Day, late at night

    case = make.dispatched(category=collapse)

    assert case.deadline == at(2026, 10, 2, 1, 0)


# ---- urgent cases (紧急) -----------------------------------------------------------------------


def test_a_case_of_an_urgent_subcategory_starts_urgent_and_runs_on_the_shorter_limit(make, frozen, categories):
    frozen(at(2026, 10, 1, 23, 0))
    gas = categories["燃气管道破裂"]  # 紧急类: 2 natural hours, 1 when urgent
    assert gas.urgent

    case = make.dispatched(category=gas)

    assert case.urgent
    assert (case.time_limit, case.time_unit) == (Decimal("1"), TimeUnit.NATURAL_HOURS)
    assert case.deadline == at(2026, 10, 2, 0, 0)


def test_the_office_marks_a_case_urgent_at_dispatch_and_it_gets_the_urgent_limit(make, frozen, posters):
    frozen(at(2026, 9, 29, 9, 0))  # a Tuesday
    case = make.accepted(category=posters)
    assert not case.urgent

    case = services.case_dispatch(case=case, by=make.world.office, unit=make.world.town_a, urgent=True)

    # 乱贴乱画: 1 working day normally; its 紧急时限 is 2 natural hours.
    assert (case.time_limit, case.time_unit, case.deadline) == (
        Decimal("2"),
        TimeUnit.NATURAL_HOURS,
        at(2026, 9, 29, 11, 0),
    )
    assert case.events.get(action="dispatch").data == {"urgent": True}


def test_dispatch_into_a_year_the_calendar_does_not_know_is_counted_provisionally_not_refused(make, frozen, posters):
    frozen(at(2026, 12, 31, 17, 0))  # two working days from New Year's Eve reach into 2027

    case = services.case_dispatch(case=make.accepted(category=posters), by=make.world.office, unit=make.world.town_a)

    # 31 Dec: 1 h; 1–3 Jan off (provisional 元旦 and the weekend); 4 Jan: 7 h; 5 Jan: the last 6 h.
    assert (case.status, case.deadline, case.deadline_provisional) == (Status.DISPATCHED, at(2027, 1, 5, 17, 0), True)


# ---- extensions --------------------------------------------------------------------------------


def _ask_one_day(case: Case, world):
    return services.extension_request(
        case=case, by=world.admin_a, amount=Decimal("1"), time_unit=TimeUnit.WORK_DAYS, reason="需调运大型设备"
    )


def test_an_approved_extension_moves_the_deadline_by_the_time_asked(make, world, frozen):
    case = make.dispatched()  # Tuesday 09:00, due 11:00
    frozen(at(2026, 11, 24, 10, 0))
    request = _ask_one_day(case, world)

    services.extension_decide(request=request, by=world.office, approve=True, note="同意")

    case.refresh_from_db()
    assert case.deadline == at(2026, 11, 25, 11, 0)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ExtensionStatus.APPROVED, world.office)
    assert case.events.get(action=Action.EXTENSION_APPROVE).deadline == case.deadline


def test_a_denied_extension_leaves_the_deadline_alone(make, world, frozen):
    case = make.dispatched()
    frozen(at(2026, 11, 24, 10, 0))
    request = _ask_one_day(case, world)

    services.extension_decide(request=request, by=world.office, approve=False, note="时限充足")

    case.refresh_from_db()
    assert case.deadline == at(2026, 11, 24, 11, 0)
    request.refresh_from_db()
    assert request.status == ExtensionStatus.DENIED
    assert case.events.filter(action=Action.EXTENSION_DENY).count() == 1


def test_an_extension_request_alone_does_not_move_the_deadline(make, world):
    case = make.dispatched()

    _ask_one_day(case, world)

    case.refresh_from_db()
    assert case.deadline == at(2026, 11, 24, 11, 0)


def test_a_pending_extension_lapses_when_the_unit_returns_the_case(make, world):
    case = make.dispatched()
    request = _ask_one_day(case, world)

    services.case_return(case=case, by=world.admin_a, reason="不属于本单位")

    request.refresh_from_db()
    assert request.status == ExtensionStatus.LAPSED
    with pytest.raises(DomainError, match="已审批"):
        services.extension_decide(request=request, by=world.office, approve=True)


def test_a_pending_extension_lapses_once_the_work_is_handed_in(make, world):
    case = make.dispatched()
    request = _ask_one_day(case, world)

    services.case_handle(case=case, by=world.admin_a, note="已清运", photos=[photo("green")])

    request.refresh_from_db()
    assert request.status == ExtensionStatus.LAPSED


def test_after_rework_the_unit_may_ask_for_more_time_again(make, world):
    case = make.dispatched()
    _ask_one_day(case, world)
    services.case_handle(case=case, by=world.admin_a, note="已清运", photos=[photo("green")])
    services.case_verify(case=case, by=world.supervisor, passed=False, note="仍有残留")

    again = _ask_one_day(case, world)

    assert again.status == ExtensionStatus.PENDING


# ---- 挂账 ------------------------------------------------------------------------------------


def test_resuming_moves_the_deadline_by_the_working_time_suspended(make, world, frozen):
    case = make.dispatched()  # Tuesday 09:00, due 11:00
    frozen(at(2026, 11, 24, 10, 0))
    services.case_suspend(case=case, by=world.office, project="人民路改造", reason="需立项")
    frozen(at(2026, 11, 26, 15, 0))  # Thursday afternoon

    services.case_resume(case=case, by=world.office)

    case.refresh_from_db()
    assert (case.status, case.suspended_at) == (Status.DISPATCHED, None)
    assert case.deadline == at(2026, 11, 26, 16, 0)  # the hour that was left, and no more


def test_resuming_a_natural_hours_case_keeps_its_natural_hours_left(make, world, frozen, collapse):
    frozen(at(2026, 11, 24, 17, 0))
    case = make.dispatched(category=collapse)  # due 19:00
    frozen(at(2026, 11, 24, 17, 30))
    services.case_suspend(case=case, by=world.office, project="管网改造", reason="需开挖")
    frozen(at(2026, 11, 25, 10, 0))

    services.case_resume(case=case, by=world.office)

    case.refresh_from_db()
    assert case.deadline == at(2026, 11, 25, 11, 30)


def test_a_case_overdue_when_suspended_is_still_overdue_when_resumed(make, world, frozen):
    case = make.dispatched()  # due 11:00
    frozen(at(2026, 11, 24, 15, 0))  # 1.5 working hours late
    services.case_suspend(case=case, by=world.office, project="人民路改造", reason="需立项")
    frozen(at(2026, 11, 26, 9, 0))

    services.case_resume(case=case, by=world.office)

    case.refresh_from_db()
    assert case.deadline < at(2026, 11, 26, 9, 0)


def test_a_case_resumes_to_rework_if_it_was_suspended_in_rework(make, world):
    case = make.rework()
    services.case_suspend(case=case, by=world.office, project="绿化带改造", reason="需立项")

    services.case_resume(case=case, by=world.office)

    assert Case.objects.get(pk=case.pk).status == Status.REWORK


# ---- rework, return, reopen ----------------------------------------------------------------


def test_rework_gets_a_fresh_limit_and_counts(make, world, frozen):
    case = make.dispatched()
    frozen(at(2026, 11, 24, 10, 30))
    services.case_handle(case=case, by=world.admin_a, note="已清运", photos=[photo()])
    frozen(at(2026, 11, 25, 10, 0))

    services.case_verify(case=case, by=world.supervisor, passed=False, note="仍有残留")

    case.refresh_from_db()
    assert (case.status, case.rework_count, case.deadline) == (Status.REWORK, 1, at(2026, 11, 25, 12, 0))
    services.case_handle(case=case, by=world.admin_a, note="再次清运", photos=[photo()])
    services.case_verify(case=case, by=world.supervisor, passed=False, note="还是不行")
    assert Case.objects.get(pk=case.pk).rework_count == 2


def test_a_returned_case_has_no_clock_until_it_is_dispatched_again(make, world, frozen):
    case = make.returned()
    assert (case.deadline, case.unit) == (None, None)
    frozen(at(2026, 11, 25, 9, 0))

    services.case_dispatch(case=case, by=world.office, unit=world.town_b)

    assert Case.objects.get(pk=case.pk).deadline == at(2026, 11, 25, 11, 0)


def test_a_closed_case_can_be_reopened_within_the_window(make, world, frozen, settings):
    settings.CASE_REOPEN_DAYS = 30
    case = make.closed()  # closed Tuesday 24 November 09:00
    frozen(at(2026, 12, 24, 8, 59))

    services.case_reopen(case=case, by=world.office, reason="群众反映又出现了")

    case.refresh_from_db()
    assert (case.status, case.closed_at, case.unit, case.deadline) == (Status.ACCEPTED, None, None, None)


def test_a_closed_case_cannot_be_reopened_after_the_window(make, world, frozen, settings):
    settings.CASE_REOPEN_DAYS = 30
    case = make.closed()
    frozen(at(2026, 12, 24, 9, 1))
    before = snapshot(case)

    with pytest.raises(DomainError, match="结案已超过 30 天"):
        services.case_reopen(case=case, by=world.office, reason="群众反映又出现了")

    assert snapshot(case) == before
