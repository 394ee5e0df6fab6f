"""Writes of the working calendar's override table (the office's 节假日表).

Every write forgets the calendar's cache: ``save``/``delete`` through the signals in
``workcalendar``, bulk paths by calling ``workcalendar.invalidate_cache()`` themselves. Then it
tells the apps that keep what the calendar computed (``core.registry.calendar_changed``: the
cases app recounts its provisional deadlines), after its own transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import chinese_calendar
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core import registry, workcalendar
from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.errors import DomainError
from chuangcheng.core.holiday_notice import ParsedNotice, parse_notice
from chuangcheng.core.models import HolidayOverride

logger = logging.getLogger(__name__)

PREFILL_NOTE = "由 chinese-calendar 导入"
NOTICE_NOTE = "由国务院办公厅通知导入"

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
    _calendar_changed()
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
    _calendar_changed()
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
    _calendar_changed()


def _calendar_changed() -> int:
    """The table changed: provisional deadlines whose year is now official are recounted at once.

    The table is saved by then: a recount that fails is logged, not the office's error (the tick
    job recounts again).
    """
    workcalendar.invalidate_cache()
    try:
        return registry.calendar_changed(timezone.now())
    except Exception:
        logger.exception("节假日表已保存，但期限重算失败；定时任务将再次重算")
        return 0


# ---- the State Council's notice, pasted -------------------------------------------------------


class NoticeInvalid(DomainError):
    """A pasted notice with lines that cannot be read: nothing is saved; ``errors`` name the lines."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors), code="invalid")
        self.errors = errors


@dataclass(frozen=True)
class NoticeResult:
    year: int
    added: int
    changed: int
    kept: int
    recounted: int


def notice_preview(*, year: int, text: str) -> ParsedNotice:
    """What saving the pasted notice would write (a read: nothing is saved)."""
    return parse_notice(text, year)


def holidays_from_notice(*, year: int, text: str, by: Any) -> NoticeResult:
    """Save the pasted notice's days off and 调休 working days as the office's rows of ``year``.

    All or nothing: a line that cannot be read raises ``NoticeInvalid`` before anything is
    written. A date already in the table takes the notice's answer; other rows stay. The year is
    then the office's (no longer provisional), and provisional deadlines into it are recounted.
    """
    _require_office(by, "录入节假日")
    parsed = parse_notice(text, year)
    if not parsed.ok:
        raise NoticeInvalid(parsed.errors)
    with transaction.atomic():
        existing = {o.date: o for o in HolidayOverride.objects.filter(date__in=[d.day for d in parsed.days])}
        added = changed = 0
        for day in parsed.days:
            row = existing.get(day.day)
            if row is not None and (row.is_workday, row.name) == (day.is_workday, day.name[:50]):
                continue
            _holiday_write(day.day, day.is_workday, by, day.name[:50], NOTICE_NOTE)
            added, changed = (added + 1, changed) if row is None else (added, changed + 1)
        kept = len(parsed.days) - added - changed
        data = {"year": year, "added": added, "changed": changed, "kept": kept}
        log_action(None, "core.holiday.notice", by=by, data=data)
    return NoticeResult(year=year, added=added, changed=changed, kept=kept, recounted=_calendar_changed())


# ---- a newer chinese-calendar ----------------------------------------------------------------


def official_schedule_pending() -> list[int]:
    """Years the installed library now knows that provisional deadlines were counted into (a read).

    The holiday page offers them ("chinese-calendar 已包含 2027 年官方安排"); applying recounts.
    """
    years = {
        last.year
        for first, last in registry.provisional_spans()
        if not any(workcalendar.is_provisional_year(y) for y in range(first.year, last.year + 1))
    }
    return sorted(year for year in years if workcalendar.library_knows(year))


def calendar_apply_official(*, year: int, by: Any) -> int:
    """Count the provisional deadlines of ``year`` again on the library's official schedule.

    Nothing needs to go into the table: the library decides a year it knows. Returns how many
    deadlines changed (each one an event on its case).
    """
    _require_office(by, "应用官方节假日安排")
    if not workcalendar.library_knows(year):
        raise DomainError(_("chinese-calendar 尚未包含 %(year)d 年的安排") % {"year": year}, code="calendar_unknown")
    recounted = _calendar_changed()
    with transaction.atomic():
        log_action(None, "core.holiday.apply_library", by=by, data={"year": year, "recounted": recounted})
    return recounted
