"""Deadlines into a year the holiday table does not know yet: counted on the provisional schedule,
marked 暂定, and counted again once the official schedule arrives (pasted by the office, or in a
newer chinese-calendar).

In these tests 2027 is provisional: 1–3 January off (元旦 on a Friday), 春节 5–12 February
(除夕 to 正月初七), no 调休 working day. The official schedule pasted is the made-up notice of
``core/tests/notices.py``: 元旦 the same, 春节 5–13 February with Sunday 31 January a working day.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from chuangcheng.cases import services
from chuangcheng.cases.choices import Action, Escalation, Status, TimeUnit
from chuangcheng.cases.models import Case, Category
from chuangcheng.cases.recount import recount_provisional
from chuangcheng.core.models import HolidayOverride
from chuangcheng.core.services import holiday_save, holidays_from_notice, official_schedule_pending
from chuangcheng.core.tests.notices import NOTICE_2027, library_that_knows
from chuangcheng.core.workcalendar import subtract_working_time

from .conftest import at, photo

DAYS = TimeUnit.WORK_DAYS


def _limit(category: Category, amount: str, unit: str = DAYS) -> Category:
    category.time_limit, category.time_unit = Decimal(amount), unit
    category.save(update_fields=["time_limit", "time_unit"])
    return category


@pytest.fixture
def five_days(categories) -> Category:
    return _limit(categories["乱贴乱画"], "5")


@pytest.fixture
def thirty_days(categories) -> Category:
    return _limit(categories["私搭乱建"], "30")


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def recounts(case: Case) -> list[str]:
    return list(case.events.filter(action=Action.RECOUNT).values_list("note", flat=True))


def test_five_working_days_from_28_december_end_in_2027_marked_provisional(make, frozen, five_days):
    frozen(at(2026, 12, 28, 9, 0))  # Monday

    case = make.dispatched(category=five_days)

    # 29, 30, 31 December; 1 January 元旦 and the weekend off; 4 and 5 January.
    assert (case.deadline, case.deadline_provisional) == (at(2027, 1, 5, 9, 0), True)
    assert fresh(case).deadline_provisional
    assert case.events.get(action=Action.DISPATCH).deadline == at(2027, 1, 5, 9, 0)


def test_a_deadline_inside_an_official_year_is_not_provisional(make, frozen, five_days):
    frozen(at(2026, 12, 1, 9, 0))

    case = make.dispatched(category=five_days)

    assert (case.deadline, case.deadline_provisional) == (at(2026, 12, 8, 9, 0), False)


def test_natural_hours_into_2027_need_no_holidays_and_are_not_provisional(make, frozen, categories):
    frozen(at(2026, 12, 31, 23, 0))

    case = make.dispatched(category=categories["路面塌陷"])  # 2 natural hours

    assert (case.deadline, case.deadline_provisional) == (at(2027, 1, 1, 1, 0), False)


def test_pasting_the_official_notice_recounts_running_provisional_deadlines_once(
    make, world, frozen, five_days, thirty_days
):
    frozen(at(2026, 12, 28, 9, 0))
    short, long = make.dispatched(category=five_days), make.dispatched(category=thirty_days)
    closed = make.dispatched(category=five_days)
    services.case_handle(case=closed, by=world.admin_a, note="已清除", photos=[photo("green")])
    services.case_verify(case=closed, by=world.supervisor, passed=True)
    assert long.deadline == at(2027, 2, 17, 9, 0)  # after 春节 5–12 February, no make-up day
    closed_before = fresh(closed)
    frozen(at(2026, 12, 29, 10, 0))

    result = holidays_from_notice(year=2027, text=NOTICE_2027, by=world.office)

    assert result.recounted == 2
    short, long = fresh(short), fresh(long)
    assert (short.deadline, short.deadline_provisional) == (at(2027, 1, 5, 9, 0), False)
    assert recounts(short) == ["期限按正式节假日重算：2027-01-05 09:00 → 2027-01-05 09:00（不变）"]
    # Sunday 31 January is a working day in the official schedule: one day earlier.
    assert (long.deadline, long.deadline_provisional) == (at(2027, 2, 16, 9, 0), False)
    assert recounts(long) == ["期限按正式节假日重算：2027-02-17 09:00 → 2027-02-16 09:00"]
    assert long.yellow_at == subtract_working_time(long.deadline, 6, DAYS)
    event = long.events.get(action=Action.RECOUNT)
    assert (event.actor, event.deadline, event.from_status, event.to_status) == (
        None,
        long.deadline,
        Status.DISPATCHED,
        Status.DISPATCHED,
    )
    # The closed case is history: its deadline and mark stay as they were.
    assert (fresh(closed).deadline, fresh(closed).deadline_provisional) == (closed_before.deadline, True)
    assert recounts(closed) == []

    # Running again (the tick job, or the office saving another day) changes nothing.
    assert recount_provisional(at(2026, 12, 29, 11, 0)) == 0
    holiday_save(day=at(2027, 3, 8).date(), is_workday=True, name="创城迎检加班", by=world.office)
    assert recounts(long) == ["期限按正式节假日重算：2027-02-17 09:00 → 2027-02-16 09:00"]


def test_an_extension_reaching_2027_is_provisional_and_its_recount_replays_it(make, world, frozen, five_days):
    frozen(at(2026, 12, 21, 9, 0))
    case = make.dispatched(category=five_days)
    assert (case.deadline, case.deadline_provisional) == (at(2026, 12, 28, 9, 0), False)
    request = services.extension_request(
        case=case, by=world.admin_a, amount=Decimal("5"), time_unit=DAYS, reason="需调运大型设备"
    )

    services.extension_decide(request=request, by=world.office, approve=True)

    case = fresh(case)
    assert (case.deadline, case.deadline_provisional) == (at(2027, 1, 5, 9, 0), True)
    holidays_from_notice(year=2027, text=NOTICE_2027, by=world.office)
    case = fresh(case)
    assert (case.deadline, case.deadline_provisional) == (at(2027, 1, 5, 9, 0), False)
    assert recounts(case) == ["期限按正式节假日重算：2027-01-05 09:00 → 2027-01-05 09:00（不变）"]


def test_resuming_into_2027_is_provisional_and_its_recount_replays_the_suspension(make, world, frozen, five_days):
    frozen(at(2026, 12, 21, 9, 0))
    case = make.dispatched(category=five_days)  # due Monday 28 December 09:00
    frozen(at(2026, 12, 22, 10, 0))
    services.case_suspend(case=case, by=world.office, project="人民路改造工程", reason="需立项")
    frozen(at(2026, 12, 31, 11, 0))

    services.case_resume(case=case, by=world.office)

    # 50 working hours suspended: from 28 December 09:00 through 1 January (元旦) to 7 January 10:00.
    case = fresh(case)
    assert (case.deadline, case.deadline_provisional) == (at(2027, 1, 7, 10, 0), True)
    holidays_from_notice(year=2027, text=NOTICE_2027, by=world.office)
    assert recounts(case) == ["期限按正式节假日重算：2027-01-07 10:00 → 2027-01-07 10:00（不变）"]


def test_one_office_entry_for_2027_is_official_too_and_may_move_deadlines(make, world, frozen, five_days):
    frozen(at(2026, 12, 28, 9, 0))
    case = make.dispatched(category=five_days)

    # Only 元旦 entered: the year is the office's, with no other holiday (春节 is then a working time).
    holiday_save(day=at(2027, 1, 1).date(), is_workday=False, name="元旦", by=world.office)

    case = fresh(case)
    assert (case.deadline, case.deadline_provisional) == (at(2027, 1, 5, 9, 0), False)
    assert len(recounts(case)) == 1


def test_a_newer_library_knowing_2027_is_offered_and_the_tick_recounts(make, world, frozen, thirty_days):
    frozen(at(2026, 12, 28, 9, 0))
    case = make.dispatched(category=thirty_days)
    assert official_schedule_pending() == []  # the library does not know 2027

    with library_that_knows(2027, NOTICE_2027):
        assert official_schedule_pending() == [2027]
        out = StringIO()
        call_command("tick", stdout=out)

        assert "期限按正式节假日重算：1" in out.getvalue()
        case = fresh(case)
        assert (case.deadline, case.deadline_provisional) == (at(2027, 2, 16, 9, 0), False)
        assert official_schedule_pending() == []


def test_a_recount_giving_more_time_lowers_a_level_the_case_no_longer_earns(make, world, frozen, categories):
    # 2 working days from the afternoon of 31 December: 3.5 h that day, then 4 January, then 5 January's morning.
    posters = _limit(categories["乱贴乱画"], "2")
    frozen(at(2026, 12, 31, 14, 30))
    case = make.dispatched(category=posters)
    assert case.deadline == at(2027, 1, 5, 12, 0)
    frozen(at(2027, 1, 5, 13, 0))  # overdue
    services.case_escalate(case=case, level=Escalation.ORANGE)

    # The official schedule (made up here) gives 4 and 5 January off too: due 7 January 12:00.
    holidays_from_notice(
        year=2027, text="一、元旦：1月1日（周五）至5日（周二）放假调休，共5天。1月9日（周六）上班。", by=world.office
    )

    case = fresh(case)
    assert (case.deadline, case.escalation) == (at(2027, 1, 7, 12, 0), Escalation.NONE)


# ---- pages -------------------------------------------------------------------------------------


def test_the_case_page_and_the_lists_say_zanding_until_the_official_notice_arrives(
    client, make, world, frozen, five_days
):
    frozen(at(2026, 12, 28, 9, 0))
    case = make.dispatched(category=five_days)
    client.force_login(world.office)
    badge = "按暂定节假日计算，国务院公布后自动重算"

    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    listed = client.get(reverse("cases:list")).content.decode()
    client.force_login(world.admin_a)
    todo = client.get(reverse("cases:todo")).content.decode()

    deadline_cell = detail.split('id="case-deadline"')[1].split("</dd>")[0]
    assert "2027-01-05 09:00" in deadline_cell and ">暂定<" in deadline_cell and badge in deadline_cell
    assert badge in listed and badge in todo

    holidays_from_notice(year=2027, text=NOTICE_2027, by=world.office)
    client.force_login(world.office)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert ">暂定<" not in detail.split('id="case-deadline"')[1].split("</dd>")[0]
    assert "期限按正式节假日重算：2027-01-05 09:00 → 2027-01-05 09:00（不变）" in detail
    assert "期限重算" in detail  # the event's name in the history


def test_the_api_says_whether_a_deadline_is_provisional(client, make, world, frozen, five_days):
    frozen(at(2026, 12, 28, 9, 0))
    case = make.dispatched(category=five_days)
    client.force_login(world.office)

    body = client.get(f"/api/cases/{case.pk}").json()

    assert body["deadline_provisional"] is True


def test_the_holiday_page_offers_a_newer_librarys_year_and_applying_it_recounts(
    client, make, world, frozen, thirty_days
):
    frozen(at(2026, 12, 28, 9, 0))
    case = make.dispatched(category=thirty_days)
    client.force_login(world.office)
    assert "已包含 2027 年官方安排" not in client.get(reverse("core:holidays")).content.decode()

    with library_that_knows(2027, NOTICE_2027):
        page = client.get(reverse("core:holidays")).content.decode()
        assert "chinese-calendar 已包含 2027 年官方安排" in page and 'id="apply-library-2027"' in page

        response = client.post(reverse("core:holiday_apply_library"), {"year": 2027}, follow=True)

        page = response.content.decode()
        assert "已应用 chinese-calendar 的 2027 年官方安排：1 件案卷的期限已重算。" in page
        assert "已包含 2027 年官方安排" not in page
        assert (fresh(case).deadline, fresh(case).deadline_provisional) == (at(2027, 2, 16, 9, 0), False)
        assert not HolidayOverride.objects.exists()  # nothing needed in the table
