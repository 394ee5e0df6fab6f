"""Deadlines as officials write them in a 任务分解表, and the reporting periods of ongoing tasks.

``parse_deadline`` reads "2026年6月30日前", "6月底前", "2026年8月", "2026.5.31", "第三季度",
"年底前", "上半年", an Excel date cell or day number, and the tasks that have no end
("长期坚持", "持续推进", "常态化", "每月", "每季度", "每学期开学前"): those are ongoing, reported
on a cycle (monthly unless the text says quarterly). A year left out comes from ``year``
(the sheet's title or the campaign). Text it cannot read raises ``ValueError``.

The period helpers say when an ongoing task's next report is due.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

MONTHLY = "monthly"
QUARTERLY = "quarterly"
CYCLES = (MONTHLY, QUARTERLY)

# Excel stores dates as day numbers; a plain number cell in this range is taken as a date (1954–2119).
EXCEL_DAYS = (20000, 80000)
_EXCEL_EPOCH = dt.date(1899, 12, 30)

_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ONGOING = re.compile(r"长期|持续|常态|长效|每[月周季年半学天日]|定期|经常|动态|随时|及时|全年坚持")
_QUARTERLY = re.compile(r"每季|按季|季度报|每个季度")
_YEAR_IN = re.compile(r"(20\d\d)\s*年?")


@dataclass(frozen=True)
class Deadline:
    """A task's end date, or for an ongoing task its reporting cycle (and an end date if one was written too)."""

    date: dt.date | None
    cycle: str = ""

    @property
    def ongoing(self) -> bool:
        return bool(self.cycle)


def year_in(text: str) -> int | None:
    """The first year (2000–2099) written in ``text`` ("XX县2026年创建…任务分解表" → 2026)."""
    match = _YEAR_IN.search(unicodedata.normalize("NFKC", text or ""))
    return int(match.group(1)) if match else None


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(raw: Any, *, year: int) -> Deadline:
    """What a 完成时限 cell says (see the module docstring); ``year`` is used when the text has none."""
    if isinstance(raw, dt.datetime):
        return Deadline(raw.date())
    if isinstance(raw, dt.date):
        return Deadline(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if EXCEL_DAYS[0] <= raw <= EXCEL_DAYS[1]:
            return Deadline(_EXCEL_EPOCH + dt.timedelta(days=int(raw)))
        if float(raw).is_integer() and 19000101 <= raw <= 21001231:
            return Deadline(_date_or_error(int(str(int(raw))[:4]), int(str(int(raw))[4:6]), int(str(int(raw))[6:])))
        raise ValueError(str(raw))
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw or "")))
    if not text:
        raise ValueError(text)
    if text.isdigit() and len(text) == 5:  # a date cell WPS wrote out as its day number
        return parse_deadline(int(text), year=year)
    if _ONGOING.search(text):
        cycle = QUARTERLY if _QUARTERLY.search(text) else MONTHLY
        return Deadline(_find_date(text, year), cycle)
    date = _read_date(text, year)
    if date is None:
        raise ValueError(text)
    return Deadline(date)


def _find_date(text: str, year: int) -> dt.date | None:
    """An end date written inside longer text ("2026年6月底前完成，长期坚持"), if any."""
    for part in re.split(r"[,，;；。、]", text):
        try:
            date = _read_date(part, year)
        except ValueError:
            continue
        if date is not None:
            return date
    return None


_PREFIX = re.compile(r"^(?:于|在|截至|截止到?|到|至|最迟|力争|确保)+")
_SUFFIX = re.compile(r"(?:之前|以前|前|完成|全面完成|基本完成|为止|止|结束|截止)+$")
_FULL = re.compile(r"(\d{4})[年./\-](\d{1,2})[月./\-](\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})[年./\-](\d{1,2})月?(?:底|末|份|月底|月末)?")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日?")
_MONTH = re.compile(r"(\d{1,2})月(?:底|末|份|中旬|下旬|上旬)?")
_QUARTER = re.compile(r"(?:(\d{4})年)?(?:第)?([一二三四1-4])(?:季度|季)(?:末|底|内)?")
_HALF = re.compile(r"(?:(\d{4})年)?([上下])半年(?:末|底|内)?")
_YEAR_END = re.compile(r"(?:(\d{4})年)?(?:年底|年末|年内|年终|全年|本年度|年度内|当年|今年|(?<=年)[底末内])?")


def _read_date(text: str, year: int) -> dt.date | None:
    """The date ``text`` names, or None; raises ValueError for a date that does not exist."""
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    # A range ("2026年3月至6月") ends at its last part; it inherits the first part's year.
    parts = re.split(r"至|到|~|～|—|–", text)
    if len(parts) > 1 and parts[-1]:
        year = year_in(parts[0]) or year
        text = _SUFFIX.sub("", parts[-1])
    if match := _FULL.fullmatch(text):
        return _date_or_error(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _COMPACT.fullmatch(text):
        return _date_or_error(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _YEAR_MONTH.fullmatch(text):
        return _month_end_or_error(int(match.group(1)), int(match.group(2)))
    if match := _MONTH_DAY.fullmatch(text):
        return _date_or_error(year, int(match.group(1)), int(match.group(2)))
    if match := _MONTH.fullmatch(text):
        return _month_end_or_error(year, int(match.group(1)))
    if match := _QUARTER.fullmatch(text):
        quarter = _CN_NUMBERS[match.group(2)]
        return month_end(int(match.group(1) or year), quarter * 3)
    if match := _HALF.fullmatch(text):
        return dt.date(
            int(match.group(1) or year), 6 if match.group(2) == "上" else 12, 30 if match.group(2) == "上" else 31
        )
    if (match := _YEAR_END.fullmatch(text)) and (match.group(1) or text):
        return dt.date(int(match.group(1) or year), 12, 31)
    return None


def _date_or_error(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{year}-{month}-{day}") from None


def _month_end_or_error(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12 or year < 1:
        raise ValueError(f"{year}-{month}")
    return month_end(year, month)


# ----- reporting periods ------------------------------------------------------------------------


def period_end(day: dt.date, cycle: str) -> dt.date:
    """The last day of the reporting period (month or quarter) that holds ``day``."""
    if cycle == QUARTERLY:
        return month_end(day.year, (day.month - 1) // 3 * 3 + 3)
    return month_end(day.year, day.month)


def next_due(reported_on: dt.date, due: dt.date, cycle: str) -> dt.date:
    """When an ongoing task's next report is due after a report on ``reported_on`` (due until then: ``due``).

    A report in time covers the period it was due for, so the next one is due at the end of the
    following period; a late report covers its own period, whose end is then the next due date.
    A second report in the same period changes nothing.
    """
    if reported_on > due:
        return period_end(reported_on, cycle)
    following = period_end(reported_on, cycle) + dt.timedelta(days=1)
    return max(due, period_end(following, cycle))
