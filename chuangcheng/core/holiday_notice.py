"""Reading the State Council's 节假日安排 notice, pasted as text, into days off and 调休 working days.

The notice (国务院办公厅关于 YYYY 年部分节假日安排的通知) has one line per festival::

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。

Lines that do not start a festival (the title, the addressees, the closing paragraph) are left
alone; a festival's line must be read whole, or it is reported by its number. What the notice
writes beside a date is checked, so that a notice pasted under the wrong year, or a typo, is
caught before anything is saved: the weekday (周二, 星期日), the lunar date (农历正月初七, 除夕),
the count of days (共8天, 放假1天) and the year in the title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from chuangcheng.core import provisional_holidays

FESTIVAL_WORDS = ("元旦", "春节", "清明", "劳动", "五一", "端午", "中秋", "国庆")
# The text is NFKC-normalised first: full-width colons, brackets, commas and digits become ASCII.
ENUMERATOR = re.compile(r"^[一二三四五六七八九十]+[、.]\s*")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]\s*)?(?P<name>[^:。,;]{1,20}):(?P<body>.*)$")
TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年.{0,8}节假日安排")
DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:\((?P<note>[^)]*)\))?")
RANGE_SEPARATOR = re.compile(r"^\s*(?:至|到|-|—|–|~)\s*$")
COUNT = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
LONGEST_HOLIDAY = 15


@dataclass(frozen=True)
class NoticeDay:
    """One date the notice sets: a day off of a festival, or a 调休 working day."""

    day: date
    is_workday: bool
    name: str
    line: int


@dataclass
class ParsedNotice:
    """What a pasted notice says for ``year``: its days, or the reasons it cannot be read."""

    year: int
    days: list[NoticeDay] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.days)

    @property
    def days_off(self) -> list[date]:
        return [d.day for d in self.days if not d.is_workday]

    @property
    def working_days(self) -> list[date]:
        return [d.day for d in self.days if d.is_workday]


class LineError(Exception):
    """A festival's line that cannot be read; the message says why, in Chinese."""


@dataclass
class _Date:
    day: date
    note: str
    text: str


def parse_notice(text: str, year: int) -> ParsedNotice:
    """Read ``text`` (the notice, or its festival lines) as the schedule of ``year``."""
    parsed = ParsedNotice(year=year)
    found: dict[date, NoticeDay] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        try:
            for day in _read_line(line, number, year):
                _add(found, day)
        except LineError as exc:
            parsed.errors.append(_("第 %(line)d 行：%(problem)s") % {"line": number, "problem": exc})
    if not found and not parsed.errors:
        parsed.errors.append(_("没有识别到任何放假安排：请粘贴通知中“一、元旦：……”这样的各行"))
    parsed.days = sorted(found.values(), key=lambda d: d.day)
    return parsed


def _add(found: dict[date, NoticeDay], day: NoticeDay) -> None:
    other = found.get(day.day)
    if other is not None and other.is_workday != day.is_workday:
        raise LineError(
            _("%(day)s既写了放假又写了上班（另见第 %(other)d 行）") % {"day": _md(day.day), "other": other.line}
        )
    found.setdefault(day.day, day)


def _read_line(line: str, number: int, year: int) -> list[NoticeDay]:
    if title := TITLE_YEAR.search(line):
        if int(title.group(1)) != year:
            raise LineError(
                _("这是 %(notice)s 年的通知，所选年份是 %(year)d 年") % {"notice": title.group(1), "year": year}
            )
        return []
    heading = HEADING.match(line)
    if heading is None or not any(word in heading["name"] for word in FESTIVAL_WORDS):
        if ENUMERATOR.match(line) or (DATE.search(line) and re.search("放假|上班", line)):
            raise LineError(_("无法识别，应为“节日名称：日期放假……”的格式"))
        return []  # the title, the addressees, the closing paragraph
    name = heading["name"].strip()
    days: list[NoticeDay] = []
    for sentence in re.split(r"[。;]", heading["body"]):
        days += _read_sentence(sentence.strip(), name, number, year)
    if not any(not d.is_workday for d in days):
        raise LineError(_("%(name)s没有找到放假日期") % {"name": name})
    return days


def _read_sentence(sentence: str, name: str, number: int, year: int) -> list[NoticeDay]:
    if not sentence or "鼓励" in sentence or "倡导" in sentence:
        return []  # 鼓励……安排职工在除夕休息: advice, not a day off
    days: list[NoticeDay] = []
    last_range: list[date] = []
    for clause in sentence.split(","):
        clause = clause.strip()
        if "上班" in clause:
            dates = _dates(clause, year)
            if not dates:
                raise LineError(_("“%(text)s”没有写上班的日期") % {"text": clause})
            days += [NoticeDay(d.day, True, f"{name}调休上班", number) for d in dates]
        elif "放假" in clause or "休息" in clause:
            last_range = _holiday_range(clause, year)
            days += [NoticeDay(day, False, name, number) for day in last_range]
            _check_count(clause, last_range)
        elif COUNT.search(clause):
            _check_count(clause, last_range)
        elif DATE.search(clause):
            raise LineError(_("“%(text)s”没有写明放假还是上班") % {"text": clause})
    return days


def _holiday_range(clause: str, year: int) -> list[date]:
    dates = _dates(clause, year)
    if not dates:
        raise LineError(_("“%(text)s”没有写放假的日期") % {"text": clause})
    if len(dates) == 1:
        return [dates[0].day]
    if len(dates) > 2:
        raise LineError(_("“%(text)s”有两个以上的日期，应为“某日至某日放假”") % {"text": clause})
    first, last = dates
    if not RANGE_SEPARATOR.match(clause[clause.index(first.text) + len(first.text) : clause.index(last.text)]):
        raise LineError(_("“%(text)s”的两个日期之间应为“至”") % {"text": clause})
    if not timedelta(0) <= last.day - first.day <= timedelta(days=LONGEST_HOLIDAY):
        raise LineError(_("“%(text)s”的起止日期不对") % {"text": clause})
    return [first.day + timedelta(days=n) for n in range((last.day - first.day).days + 1)]


def _check_count(clause: str, days: list[date]) -> None:
    count = COUNT.search(clause)
    if count and days and int(count.group(1)) != len(days):
        raise LineError(
            _("%(first)s至%(last)s是 %(count)d 天，通知写的是 %(written)s 天")
            % {"first": _md(days[0]), "last": _md(days[-1]), "count": len(days), "written": count.group(1)}
        )


def _dates(clause: str, year: int) -> list[_Date]:
    """The dates of a clause; a date without a month takes the one before's month (“1月28日至30日”)."""
    dates: list[_Date] = []
    for match in DATE.finditer(clause):
        previous = dates[-1].day if dates else None
        if match["m"]:
            month = int(match["m"])
        elif previous:
            month = previous.month
        else:
            raise LineError(_("“%(text)s”缺少月份") % {"text": match.group(0)})
        day_year = int(match["y"]) if match["y"] else (previous.year if previous else year)
        try:
            day = date(day_year, month, int(match["d"]))
        except ValueError:
            raise LineError(_("日期不存在：%(text)s") % {"text": match.group(0)}) from None
        if previous and day < previous and not match["y"]:
            day = _next_year(day, match.group(0))  # 12月31日至1月2日
        _check_year(day, year, match.group(0))
        _check_note(day, match["note"] or "")
        dates.append(_Date(day, match["note"] or "", match.group(0)))
    return dates


def _next_year(day: date, text: str) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        raise LineError(_("日期不存在：%(text)s") % {"text": text}) from None


def _check_year(day: date, year: int, text: str) -> None:
    # 元旦 may begin in the December before (2023's notice: 2022年12月31日至2023年1月2日).
    if not (day.year == year or (day.year == year - 1 and day.month == 12)):
        raise LineError(_("“%(text)s”不是 %(year)d 年的日期") % {"text": text, "year": year})


def _check_note(day: date, note: str) -> None:
    """The weekday and lunar date written in brackets must be the date's own."""
    for part in re.split(r"[、,]", note):
        part = part.strip()
        weekday = WEEKDAY.search(part)
        if weekday and WEEKDAYS[weekday.group(1)] != day.weekday():
            raise LineError(
                _("%(day)s是%(actual)s，通知写的是%(written)s，请检查所选年份")
                % {"day": _md(day), "actual": WEEKDAY_NAMES[day.weekday()], "written": weekday.group(0)}
            )
        if part.startswith("农历"):
            written = part.removeprefix("农历")
            if written not in provisional_holidays.lunar_names(day):
                raise LineError(
                    _("%(day)s是农历%(actual)s，通知写的是农历%(written)s，请检查所选年份")
                    % {"day": _md(day), "actual": provisional_holidays.lunar_names(day)[0], "written": written}
                )


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"
