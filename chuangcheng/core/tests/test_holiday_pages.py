"""The office's holiday table pages (the home page's notice for a provisional year: home/tests/test_home_page.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chuangcheng.conftest import PROVISIONAL_2027
from chuangcheng.core import workcalendar
from chuangcheng.core.holiday_notice import parse_notice
from chuangcheng.core.models import AuditEntry, HolidayOverride
from chuangcheng.core.services import library_days

from .notices import NOTICE_2026, NOTICE_2027, library_that_knows


def test_the_office_adds_and_deletes_a_day_and_the_calendar_follows(client, world):
    client.force_login(world.office)
    monday = date(2026, 11, 23)
    assert workcalendar.is_workday(monday)

    response = client.post(
        reverse("core:holiday_add"), {"date": "2026-11-23", "is_workday": "0", "name": "临时放假", "note": "迎检"}
    )

    assert response.status_code == 302
    override = HolidayOverride.objects.get(date=monday)
    assert (override.name, override.created_by) == ("临时放假", world.office)
    assert not workcalendar.is_workday(monday)
    assert "临时放假" in client.get(reverse("core:holidays"), {"year": 2026}).content.decode()

    client.post(reverse("core:holiday_delete", args=[override.pk]))

    assert not HolidayOverride.objects.exists()
    assert workcalendar.is_workday(monday)


def test_a_saturday_becomes_a_working_day(client, world):
    client.force_login(world.office)
    saturday = date(2026, 11, 21)
    assert not workcalendar.is_workday(saturday)

    client.post(reverse("core:holiday_add"), {"date": "2026-11-21", "is_workday": "1", "name": "迎检加班"})

    assert workcalendar.is_workday(saturday)


def test_the_import_button_copies_the_librarys_year_once(client, world):
    client.force_login(world.office)
    expected = len(library_days(2026))
    assert expected > 30

    client.post(reverse("core:holiday_import"), {"year": 2026})
    client.post(reverse("core:holiday_import"), {"year": 2026})

    assert HolidayOverride.objects.filter(date__year=2026).count() == expected
    assert not workcalendar.is_workday(date(2026, 10, 1))  # 国庆节
    assert workcalendar.is_workday(date(2026, 10, 10))  # 调休 Saturday


def test_importing_a_year_the_library_does_not_know_says_so_and_adds_nothing(client, world):
    client.force_login(world.office)

    response = client.post(reverse("core:holiday_import"), {"year": 2027}, follow=True)

    assert "不含 2027 年" in response.content.decode()
    assert not HolidayOverride.objects.exists()


def test_the_page_lists_the_librarys_days_for_reference_and_the_provisional_year(client, world, late_2026):
    client.force_login(world.office)

    known = client.get(reverse("core:holidays"), {"year": 2026}).content.decode()
    unknown = client.get(reverse("core:holidays"), {"year": 2027}).content.decode()

    assert "国庆节" in known and "从法定节假日库导入本年" in known
    assert PROVISIONAL_2027 in known  # the notice is at the top of every year's page
    assert 'role="alert"' not in known
    assert 'id="library-unknown"' in unknown and "从法定节假日库导入本年" not in unknown
    assert "2027 年按暂定安排计算" in unknown and 'id="provisional-days"' in unknown
    assert "2027-02-05" in unknown  # 除夕, a provisional day off
    assert 'id="provisional-add-note"' in unknown


def test_the_pasted_notice_is_previewed_as_a_table_and_nothing_is_saved(client, world, late_2026):
    client.force_login(world.office)

    response = client.post(reverse("core:holiday_notice_preview"), {"year": 2027, "text": NOTICE_2027})

    page = response.content.decode()
    assert response.status_code == 200
    assert "预览：放假 29 天，调休上班 5 天" in page
    table = page.split('id="notice-table"')[1].split("</table>")[0]
    assert table.count("<tr><td>2027-") == 34 and "春节调休上班" in table
    assert 'id="notice-save-button"' in page
    assert not HolidayOverride.objects.exists()


def test_saving_the_notice_makes_the_year_the_offices_with_the_notices_days(client, world, late_2026):
    client.force_login(world.office)

    response = client.post(reverse("core:holiday_notice_save"), {"year": 2027, "text": NOTICE_2027}, follow=True)

    page = response.content.decode()
    assert "已按国务院通知录入 2027 年节假日：新增 34 天，修改 0 天，0 天不变。" in page
    assert "2027 年由本表维护" in page and PROVISIONAL_2027 not in page
    saved = {o.date: o for o in HolidayOverride.objects.filter(date__year=2027)}
    assert sorted(saved) == [d.day for d in parse_notice(NOTICE_2027, 2027).days]
    assert (saved[date(2027, 1, 31)].is_workday, saved[date(2027, 1, 31)].created_by) == (True, world.office)
    assert workcalendar.is_workday(date(2027, 1, 31)) and not workcalendar.is_workday(date(2027, 2, 13))
    assert AuditEntry.objects.filter(action="core.holiday.notice").count() == 1


def test_a_garbled_notice_is_refused_line_by_line_and_saves_nothing(client, world, late_2026):
    client.force_login(world.office)
    text = NOTICE_2027.replace("三、清明节：4月3日（周六）至5日", "三、清明节：4月3日（周六）至5")

    response = client.post(reverse("core:holiday_notice_save"), {"year": 2027, "text": text})

    page = response.content.decode()
    assert response.status_code == 400
    assert "未保存任何日期" in page and "第 4 行：4月3日至4月3日是 1 天，通知写的是 3 天" in page
    assert text in page  # kept in the box to correct
    assert not HolidayOverride.objects.exists()


def test_a_notice_of_another_year_is_refused(client, world, late_2026):
    client.force_login(world.office)

    response = client.post(reverse("core:holiday_notice_preview"), {"year": 2027, "text": NOTICE_2026})

    assert "第 1 行：1月1日是周五，通知写的是周四，请检查所选年份" in response.content.decode()


def test_a_newer_library_is_offered_and_applying_it_records_nothing_in_the_table(client, world, late_2026):
    client.force_login(world.office)
    with library_that_knows(2027, NOTICE_2027):
        # Nothing provisional to recount: no offer.
        assert "已包含 2027 年官方安排" not in client.get(reverse("core:holidays")).content.decode()

        response = client.post(reverse("core:holiday_apply_library"), {"year": 2027}, follow=True)

        assert "已应用 chinese-calendar 的 2027 年官方安排：0 件案卷的期限已重算。" in response.content.decode()
        assert not HolidayOverride.objects.exists()

    response = client.post(reverse("core:holiday_apply_library"), {"year": 2027}, follow=True)
    assert "chinese-calendar 尚未包含 2027 年的安排" in response.content.decode()


def test_office_rows_that_differ_from_the_library_are_pointed_out(client, world):
    client.force_login(world.office)
    HolidayOverride.objects.create(date=date(2026, 10, 8), is_workday=False, name="迎检调休")
    HolidayOverride.objects.create(date=date(2026, 10, 1), is_workday=False, name="国庆节")

    page = client.get(reverse("core:holidays"), {"year": 2026}).content.decode()

    assert "本表有 1 天与法定节假日库不同，以本表为准： 2026-10-08" in page


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a", "handler_a"])
def test_anyone_but_the_office_gets_403(client, world, persona):
    client.force_login(getattr(world, persona))
    override = HolidayOverride.objects.create(date=date(2026, 11, 23), is_workday=False)

    assert client.get(reverse("core:holidays")).status_code == 403
    assert client.post(reverse("core:holiday_add"), {"date": "2026-11-24", "is_workday": "0"}).status_code == 403
    assert client.post(reverse("core:holiday_delete", args=[override.pk])).status_code == 403
    assert client.post(reverse("core:holiday_import"), {"year": 2026}).status_code == 403
    for name in ("core:holiday_notice_preview", "core:holiday_notice_save", "core:holiday_apply_library"):
        assert client.post(reverse(name), {"year": 2027, "text": NOTICE_2027}).status_code == 403
    assert list(HolidayOverride.objects.values_list("date", flat=True)) == [date(2026, 11, 23)]


@pytest.mark.parametrize("typed", ["0227-10-01", "2207-10-01"])
def test_a_date_outside_the_calendars_years_is_refused_with_a_reason(client, world, typed):
    client.force_login(world.office)

    response = client.post(
        reverse("core:holiday_add"), {"date": typed, "is_workday": "0", "name": "国庆节"}, follow=True
    )

    assert "日期：只能录入 2000 年到 2100 年之间的日期" in response.content.decode()
    assert not HolidayOverride.objects.exists()
