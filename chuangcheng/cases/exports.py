"""Export the case list as .xlsx.

An exporter is a class that yields rows (pretix's exporter idea). It takes a queryset, so the
list page hands over its filtered, user-scoped list and the workbook holds exactly what the
user saw. Rows stream through ``core.xlsx`` (openpyxl write-only mode).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from chuangcheng.core.xlsx import Sheet, write_xlsx

from .choices import Escalation, Light
from .models import Case
from .selectors import status_light

CHUNK_SIZE = 2000


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the county's wall-clock time, without tzinfo.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _name(obj: Any) -> str | None:
    return str(obj) if obj is not None else None


class CaseExporter:
    """One row per case, in the order of the queryset."""

    filename = gettext_lazy("问题案卷")
    columns: list[tuple[Any, Callable[[Case, dt.datetime], Any], int]] = [
        (gettext_lazy("案卷编号"), lambda c, now: c.code, 18),
        (gettext_lazy("来源"), lambda c, now: c.get_source_display(), 12),
        (gettext_lazy("部件/事件"), lambda c, now: c.category.get_kind_display(), 10),
        (gettext_lazy("大类"), lambda c, now: _name(c.category.parent), 12),
        (gettext_lazy("小类"), lambda c, now: c.category.name, 14),
        (gettext_lazy("问题描述"), lambda c, now: c.description, 40),
        (gettext_lazy("地址"), lambda c, now: c.address or None, 30),
        (gettext_lazy("经度"), lambda c, now: round(c.lon, 7), 12),
        (gettext_lazy("纬度"), lambda c, now: round(c.lat, 7), 12),
        (gettext_lazy("所属乡镇/街道"), lambda c, now: _name(c.town), 14),
        (gettext_lazy("状态"), lambda c, now: c.get_status_display(), 10),
        (gettext_lazy("状态灯"), lambda c, now: _light_label(c, now), 8),
        (gettext_lazy("督办等级"), lambda c, now: _escalation_label(c), 10),
        (gettext_lazy("处置单位"), lambda c, now: _name(c.unit), 16),
        (gettext_lazy("上报人"), lambda c, now: c.reporter_name or None, 10),
        (gettext_lazy("上报时间"), lambda c, now: _local(c.created_at), 18),
        (gettext_lazy("派遣时间"), lambda c, now: _local(c.dispatched_at), 18),
        (gettext_lazy("处置期限"), lambda c, now: _local(c.deadline), 18),
        (gettext_lazy("结案时间"), lambda c, now: _local(c.closed_at), 18),
        (gettext_lazy("返工次数"), lambda c, now: c.rework_count, 8),
    ]

    def __init__(self, queryset: QuerySet[Case]) -> None:
        self.queryset = queryset.select_related("category", "category__parent", "unit", "town")

    def header(self) -> list[str]:
        return [str(title) for title, _cell, _width in self.columns]

    def rows(self) -> Iterator[list[Any]]:
        now = timezone.now()
        for case in self.queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [cell(case, now) for _title, cell, _width in self.columns]

    def write_xlsx(self, stream: IO[bytes]) -> None:
        widths = [width for _title, _cell, width in self.columns]
        write_xlsx(stream, [Sheet(title=str(self.filename), header=self.header(), rows=self.rows(), widths=widths)])


def _light_label(case: Case, now: dt.datetime) -> str | None:
    light = status_light(case, now)
    return None if light == Light.NONE else str(Light(light).label)


def _escalation_label(case: Case) -> str | None:
    return str(Escalation(case.escalation).label) if case.escalation else None
