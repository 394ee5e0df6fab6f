"""The office's holiday table pages (the home page's warning for a missing year: home/tests/test_home_page.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from chuangcheng.conftest import MISSING_2027
from chuangcheng.core import workcalendar
from chuangcheng.core.models import HolidayOverride
from chuangcheng.core.services import library_days


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


def test_the_page_lists_the_librarys_days_for_reference_and_the_warnings(client, world, late_2026):
    client.force_login(world.office)

    known = client.get(reverse("core:holidays"), {"year": 2026}).content.decode()
    unknown = client.get(reverse("core:holidays"), {"year": 2027}).content.decode()

    assert "国庆节" in known and "从法定节假日库导入本年" in known
    assert 'id="library-unknown"' in unknown and "从法定节假日库导入本年" not in unknown
    assert MISSING_2027 in known  # the warning is at the top of every year's page


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a", "handler_a"])
def test_anyone_but_the_office_gets_403(client, world, persona):
    client.force_login(getattr(world, persona))
    override = HolidayOverride.objects.create(date=date(2026, 11, 23), is_workday=False)

    assert client.get(reverse("core:holidays")).status_code == 403
    assert client.post(reverse("core:holiday_add"), {"date": "2026-11-24", "is_workday": "0"}).status_code == 403
    assert client.post(reverse("core:holiday_delete", args=[override.pk])).status_code == 403
    assert client.post(reverse("core:holiday_import"), {"year": 2026}).status_code == 403
    assert list(HolidayOverride.objects.values_list("date", flat=True)) == [date(2026, 11, 23)]


@pytest.mark.parametrize("typed", ["0227-10-01", "2207-10-01"])
def test_a_date_outside_the_calendars_years_is_refused_with_a_reason(client, world, typed):
    client.force_login(world.office)

    response = client.post(
        reverse("core:holiday_add"), {"date": typed, "is_workday": "0", "name": "国庆节"}, follow=True
    )

    assert "日期：只能录入 2000 年到 2100 年之间的日期" in response.content.decode()
    assert not HolidayOverride.objects.exists()
