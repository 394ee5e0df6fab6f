"""Writes of the working calendar's override table (the office's 节假日表).

Every write forgets the calendar's cache: ``save``/``delete`` through the signals in
``workcalendar``, bulk paths by calling ``workcalendar.invalidate_cache()`` themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import chinese_calendar
from django.db import transaction

from chuangcheng.core import workcalendar
from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.errors import DomainError
from chuangcheng.core.models import HolidayOverride

PREFILL_NOTE = "由 chinese-calendar 导入"

# Answered by the authentication backend from the person's roles (org's ``LoginBackend``:
# the office, and superusers), so that core needs to know nothing of roles. Core knows no user
# model either: the acting person (``by``) is typed ``Any``, as in ``core.audit.log_action``.
EDIT_CALENDAR = "core.edit_calendar"


def can_edit_calendar(person: Any) -> bool:
    """The override table belongs to the office."""
    return bool(person.has_perm(EDIT_CALENDAR))


def _require_office(person: Any, action: str) -> None:
    if person is not None and not can_edit_calendar(person):
        raise DomainError(f"只有创建办可以{action}", code="forbidden")


def _chinese_name(english: str, is_workday: bool) -> str:
    """The library names days in English ("National Day"); the office reads 国庆节 / 国庆节调休上班."""
    try:
        name = chinese_calendar.Holiday(english).chinese
    except ValueError:
        name = english
    return f"{name}调休上班" if is_workday else name


def library_days(year: int) -> list[tuple[date, bool, str]]:
    """The statutory holidays and 调休 working days the library lists for ``year`` (empty if unknown)."""
    days = [(day, False, name) for day, name in chinese_calendar.holidays.items() if day.year == year]
    days += [(day, True, name) for day, name in chinese_calendar.workdays.items() if day.year == year]
    return sorted((day, is_workday, _chinese_name(name, is_workday)) for day, is_workday, name in days)


@dataclass(frozen=True)
class PrefillResult:
    year: int
    added: int
    kept: int


def holidays_prefill(*, year: int, by: Any = None) -> PrefillResult:
    """Copy the library's holidays and 调休 days of ``year`` into the table; rows already there stay."""
    _require_office(by, "导入节假日")
    if not workcalendar.library_knows(year):
        raise DomainError(
            f"chinese-calendar 不含 {year} 年的节假日安排，无法导入；"
            f"请在国务院办公厅通知发布后，在节假日表中手工录入 {year} 年的放假和调休上班日期。",
            code="calendar_unknown",
        )
    with transaction.atomic():
        existing = set(HolidayOverride.objects.filter(date__year=year).values_list("date", flat=True))
        rows = [
            HolidayOverride(date=day, is_workday=is_workday, name=name, note=PREFILL_NOTE, created_by=by)
            for day, is_workday, name in library_days(year)
            if day not in existing
        ]
        HolidayOverride.objects.bulk_create(rows, ignore_conflicts=True)
        log_action(None, "core.holiday.prefill", by=by, data={"year": year, "added": len(rows), "kept": len(existing)})
    workcalendar.invalidate_cache()  # bulk_create sends no post_save
    return PrefillResult(year=year, added=len(rows), kept=len(existing))


def holiday_save(
    *, day: date, is_workday: bool, by: Any, name: str = "", note: str = ""
) -> tuple[HolidayOverride, bool]:
    """Set one date's working status (a new row, or the existing row of that date changed)."""
    _require_office(by, "修改节假日表")
    with transaction.atomic():
        before = HolidayOverride.objects.filter(date=day).first()
        override, created = _holiday_write(day, is_workday, by, name, note)
        fields = ("date", "is_workday", "name", "note")
        data = changes(snapshot(before, fields) if before else {}, snapshot(override, fields))
        if data:
            log_action(override, "core.holiday.save", by=by, data=data)
    return override, created


def _holiday_write(day: date, is_workday: bool, by: Any, name: str, note: str) -> tuple[HolidayOverride, bool]:
    return HolidayOverride.objects.update_or_create(
        date=day,
        defaults={"is_workday": is_workday, "name": name.strip(), "note": note.strip()},
        create_defaults={
            "is_workday": is_workday,
            "name": name.strip(),
            "note": note.strip(),
            "created_by": by,
        },
    )


def holiday_delete(*, override: HolidayOverride, by: Any) -> None:
    """Remove a row: the date goes back to the library (or to Monday–Friday in an office-filled year)."""
    _require_office(by, "修改节假日表")
    with transaction.atomic():
        log_action(override, "core.holiday.delete", by=by, data=snapshot(override, ("date", "is_workday", "name")))
        override.delete()
