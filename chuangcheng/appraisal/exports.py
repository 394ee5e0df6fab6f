"""A run's full table as .xlsx: the ranking with every component's score, the figures behind
them, and the manual 加减分 items.

Every cell goes through ``core.xlsx`` (a unit named "=HYPERLINK(…)" stays text); scores are
written as numbers so the office can sort and sum them.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from chuangcheng.core.xlsx import Sheet, xlsx_bytes

from .choices import Board, FigureState
from .models import Run
from .selectors import figure_of, results_by_group


def _num(value: Any) -> float | None:
    return None if value in (None, "") else float(Decimal(str(value)))


def movement_text(movement: int | None) -> str:
    if movement is None:
        return _("新上榜")
    if movement > 0:
        return f"↑{movement}"
    if movement < 0:
        return f"↓{-movement}"
    return "–"


class RunExport:
    """The sheets of one run."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.components = list(run.scheme_snapshot.get("components") or [])

    def _ranking(self) -> Sheet:
        names = [c["name"] for c in self.components]
        header = [
            _("评比分组"),
            _("名次"),
            _("较上月"),
            _("单位"),
            *names,
            _("考核得分"),
            _("加减分"),
            _("总分"),
            _("等次"),
            _("红黑榜"),
            _("说明"),
        ]

        def rows() -> Iterator[list[Any]]:
            boards = dict(Board.choices)
            for table in results_by_group(self.run):
                for r in table.results:
                    scores = [_cell_score(figure_of(r, c)) for c in self.components]
                    yield [
                        table.label,
                        r.rank,
                        movement_text(r.movement),
                        r.unit_name,
                        *scores,
                        _num(r.base_score),
                        _num(r.adjustment),
                        _num(r.total),
                        r.grade or None,
                        str(boards.get(r.board, "")) or None,
                        r.note or None,
                    ]

        widths = [12, 6, 8, 24, *[12] * len(names), 10, 8, 8, 6, 8, 30]
        return Sheet(title=_("排名"), header=header, rows=rows(), widths=widths)

    def _figures(self) -> Sheet:
        header = [_("单位"), _("考核项"), _("权重"), _("分子"), _("分母"), _("指标值"), _("分值"), _("状态")]
        states = dict(FigureState.choices)

        def rows() -> Iterator[list[Any]]:
            for table in results_by_group(self.run):
                for r in table.results:
                    for figure in r.figures.values():
                        yield [
                            r.unit_name,
                            figure.get("name"),
                            _num(figure.get("weight")),
                            figure.get("num"),
                            figure.get("den"),
                            _num(figure.get("value")),
                            _num(figure.get("score")),
                            figure.get("label") or str(states.get(figure.get("state"), "")),
                        ]

        return Sheet(title=_("指标明细"), header=header, rows=rows(), widths=[24, 20, 10, 8, 8, 10, 8, 20])

    def _adjustments(self) -> Sheet:
        header = [_("单位"), _("类型"), _("分值"), _("事由")]
        rows = (
            [str(a.unit), a.get_kind_display(), _num(a.points), a.reason]
            for a in self.run.adjustments.select_related("unit")
        )
        return Sheet(title=_("加减分"), header=header, rows=rows, widths=[24, 14, 8, 60])

    def sheets(self) -> list[Sheet]:
        return [self._ranking(), self._figures(), self._adjustments()]

    def to_bytes(self) -> bytes:
        return xlsx_bytes(self.sheets())


def _cell_score(figure: dict[str, Any] | None) -> Any:
    """A component's score, or the reason it has none ("无应结案件", "样本不足（2 件）")."""
    if figure is None:
        return None
    if figure.get("score") is not None:
        return _num(figure["score"])
    return figure.get("label") or None
