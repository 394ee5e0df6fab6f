from __future__ import annotations

from datetime import date

import chinese_calendar
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from chuangcheng.core import workcalendar
from chuangcheng.core.models import HolidayOverride


def _chinese_name(english: str, is_workday: bool) -> str:
    """The library names days in English ("National Day"); the office reads 国庆节 / 国庆节调休上班."""
    try:
        name = chinese_calendar.Holiday(english).chinese
    except ValueError:
        name = english
    return f"{name}调休上班" if is_workday else name


def library_days(year: int) -> list[tuple[date, bool, str]]:
    """The statutory holidays and 调休 working days the library lists for ``year``."""
    days = [(day, False, name) for day, name in chinese_calendar.holidays.items() if day.year == year]
    days += [(day, True, name) for day, name in chinese_calendar.workdays.items() if day.year == year]
    return sorted((day, is_workday, _chinese_name(name, is_workday)) for day, is_workday, name in days)


class Command(BaseCommand):
    help = "Copy chinese-calendar's holidays and 调休 working days of a year into the editable override table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: object, year: int, **options: object) -> None:
        if not workcalendar.library_knows(year):
            raise CommandError(
                f"chinese-calendar 不含 {year} 年的节假日安排，无法导入；"
                f"请在国务院办公厅通知发布后，在节假日表中手工录入 {year} 年的放假和调休上班日期。"
            )
        existing = set(HolidayOverride.objects.filter(date__year=year).values_list("date", flat=True))
        rows = [
            HolidayOverride(date=day, is_workday=is_workday, name=name, note="由 chinese-calendar 导入")
            for day, is_workday, name in library_days(year)
            if day not in existing
        ]
        with transaction.atomic():
            HolidayOverride.objects.bulk_create(rows)
        workcalendar.invalidate_cache()
        self.stdout.write(f"{year} 年：导入 {len(rows)} 天，已有 {len(existing)} 天保持不变。")
