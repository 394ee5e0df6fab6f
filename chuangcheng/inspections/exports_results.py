"""The results page as .xlsx: a sheet per section (type, unit, town, place, indicator) and the inspections.

Every cell goes through ``core.xlsx`` (text stays text: a place named "=HYPERLINK(…)" is a string).
Decimals are written as numbers (floats) so the sheets can be summed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core.xlsx import Sheet, write_xlsx

from .models import Inspection
from .results import indicator_results, scores_by, with_names

CHUNK_SIZE = 2000
MAX_ROWS = 100_000
RECORD_WIDTHS = [17, 10, 28, 20, 18, 14, 10, 8, 8, 30]


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


class ResultsExport:
    """The sheets of the results page for ``inspections`` (already scoped and filtered)."""

    def __init__(self, inspections: QuerySet[Inspection], campaign: Any) -> None:
        self.inspections = inspections
        self.campaign = campaign

    def _scores(self, key: str, title: str, label: str) -> Sheet:
        header = [label, _("检查次数"), _("平均得分"), _("扣分合计"), _("不合格项")]
        rows = (
            [r.label, r.inspections, _num(r.mean_score), _num(r.deductions), r.failed_items]
            for r in scores_by(self.inspections, key)
        )
        return Sheet(title=title, header=header, rows=rows, widths=[30, 10, 10, 10, 10])

    def _indicators(self) -> Sheet:
        header = [_("编码"), _("测评指标"), _("满分"), _("合格"), _("不合格"), _("合格率（%）"), _("预测得分")]
        rows = (
            [r.code, r.name, _num(r.max_score), r.rate.passed, r.rate.failed, _num(r.percent), _num(r.predicted)]
            for r in (indicator_results(self.inspections, self.campaign) if self.campaign else [])
        )
        return Sheet(title=_("按指标"), header=header, rows=rows, widths=[12, 40, 8, 8, 8, 12, 10])

    def _records(self) -> Iterator[list[Any]]:
        qs = with_names(self.inspections).order_by("-submitted_at", "-pk")[:MAX_ROWS]
        for i in qs.iterator(chunk_size=CHUNK_SIZE):
            yield [
                timezone.localtime(i.submitted_at).strftime("%Y-%m-%d %H:%M"),
                i.get_kind_display(),
                str(i.site or i.segment),
                i.checklist.name,
                str(i.unit) if i.unit_id else None,
                str(i.town) if i.town_id else None,
                str(i.inspector),
                _num(i.score),
                _num(i.deductions),
                i.note or None,
            ]

    def sheets(self) -> list[Sheet]:
        header = [
            _("检查时间"),
            _("检查类型"),
            _("点位/路段"),
            _("检查表"),
            _("责任单位"),
            _("乡镇/街道"),
            _("检查人"),
            _("得分"),
            _("扣分合计"),
            _("备注"),
        ]
        return [
            self._scores("type", _("按类型"), _("点位类型/道路等级")),
            self._scores("unit", _("按责任单位"), _("责任单位")),
            self._scores("town", _("按乡镇"), _("乡镇/街道")),
            self._scores("place", _("按点位"), _("点位/路段")),
            self._indicators(),
            Sheet(
                title=_("检查记录"), header=header, rows=self._records(), widths=[17, 10, 28, 20, 18, 14, 10, 8, 8, 30]
            ),
        ]

    def write_xlsx(self, stream: IO[bytes]) -> None:
        write_xlsx(stream, self.sheets())
