"""The month's 通报 (bulletin) as a GB/T 9704 .docx, built only from what the run froze.

Sections: 总体情况, 排名 (a table per group and a bar chart), 红黑榜, 典型问题 (before/after
photos), 逾期未办结清单, 督办单情况, 下步工作要求. Rendering is deterministic
(``core.officialdoc``): the same run gives the same bytes; publishing stores them on the run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.cases.choices import PhotoKind
from chuangcheng.cases.models import Case, CasePhoto
from chuangcheng.core.charts import bar_chart_png
from chuangcheng.core.officialdoc import Image, ImagePair, OfficialDocument, Section, Table, chinese_date, render_docx
from chuangcheng.org.choices import UnitGroup

from .choices import Board
from .models import Run, UnitResult

NUMERALS = "一二三四五六七八九十"
GROUP_LABELS = dict(UnitGroup.choices)


def _delta(now: Any, before: Any, unit: str = "") -> str:
    if now is None or before is None:
        return ""
    diff = Decimal(str(now)) - Decimal(str(before))
    if diff == 0:
        return _("，与上月持平")
    word = _("上升") if diff > 0 else _("下降")
    return _("，较上月%(word)s%(diff)s%(unit)s") % {"word": word, "diff": abs(diff), "unit": unit}


def _movement(result: UnitResult) -> str:
    move = result.movement
    if move is None:
        return _("新") if result.rank is not None else "—"
    return f"↑{move}" if move > 0 else f"↓{-move}" if move < 0 else "—"


def _overview(run: Run, previous: Run | None) -> list[str]:
    o, p = run.overview, (previous.overview if previous else {})
    text = run.bulletin_text or {}
    lines = [
        _(
            "%(label)s，全县共受理问题%(reported)d件，派遣%(dispatched)d件，处置%(handled)d件，结案%(closed)d件；"
            "应处置%(due)d件，按期处置%(on_time)d件，按期处置率%(rate)s%%%(delta)s；月末超期未处置%(overdue)d件。"
        )
        % {
            "label": run.label,
            "reported": o.get("reported", 0),
            "dispatched": o.get("dispatched", 0),
            "handled": o.get("handled", 0),
            "closed": o.get("closed", 0),
            "due": o.get("due_rounds", 0),
            "on_time": o.get("on_time_rounds", 0),
            "rate": o.get("on_time_rate") or "—",
            "delta": _delta(o.get("on_time_rate"), p.get("on_time_rate"), _("个百分点")),
            "overdue": o.get("overdue_open", 0),
        },
        _("创建任务到期%(due)d项，按期完成%(met)d项；") % {"due": o.get("tasks_due", 0), "met": o.get("tasks_met", 0)}
        + (
            _("实地检查%(inspections)d次，平均得分%(mean)s分。")
            % {"inspections": o["inspections"], "mean": o.get("inspection_mean") or "—"}
            if o.get("inspections")
            else _("本月无实地检查。")
        ),
    ]
    if text.get("summary"):
        lines.append(text["summary"])
    return lines


def _ranking(results: list[UnitResult]) -> list[Any]:
    blocks: list[Any] = []
    groups: dict[str, list[UnitResult]] = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    for group, rows in groups.items():
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_name))
        table_rows = [
            [
                str(r.rank or "—"),
                r.unit_name,
                str(r.base_score if r.base_score is not None else "—"),
                f"{r.adjustment:+}" if r.adjustment else "",
                str(r.total if r.total is not None else "—"),
                r.grade,
                _movement(r),
            ]
            for r in rows
        ]
        blocks.append(
            Table(
                columns=[_("名次"), _("单位"), _("考核得分"), _("加减分"), _("总分"), _("等次"), _("变化")],
                rows=table_rows,
                widths_mm=[14, 42, 26, 20, 20, 14, 20],
                caption=_("%(group)s排名") % {"group": GROUP_LABELS.get(group, group)},
            )
        )
        scored = [r for r in rows if r.total is not None]
        if scored:
            colours = [
                "#c00000" if r.board == Board.BLACK else "#1a7f37" if r.board == Board.RED else "#4472c4"
                for r in scored
            ]
            png = bar_chart_png(
                [r.unit_name for r in scored],
                [float(r.total or 0) for r in scored],
                title=_("%(group)s得分") % {"group": GROUP_LABELS.get(group, group)},
                colors=colours,
            )
            blocks.append(
                Image(png=png, width_mm=150, caption=_("图：%(group)s得分") % {"group": GROUP_LABELS.get(group, group)})
            )
    return blocks


def _boards(results: list[UnitResult]) -> list[Any]:
    red = [r.unit_name for r in results if r.board == Board.RED]
    black = [r for r in results if r.board == Board.BLACK]
    lines = [_("红榜：%(names)s。") % {"names": "、".join(red) or _("无")}]
    lines.append(_("黑榜：%(names)s。") % {"names": "、".join(r.unit_name for r in black) or _("无")})
    twice = [r.unit_name for r in black if r.black_streak >= 2]
    if twice:
        lines.append(
            _("其中%(names)s连续两个月及以上上黑榜，请主要负责同志作出书面说明。") % {"names": "、".join(twice)}
        )
    return lines


def _photo(case: Case, kind: str) -> bytes | None:
    photo = CasePhoto.objects.filter(case=case, kind=kind).order_by("pk").first()
    if photo is None:
        return None
    try:
        with default_storage.open(photo.image, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _typical(run: Run) -> list[Any]:
    blocks: list[Any] = []
    if intro := (run.bulletin_text or {}).get("typical_intro"):
        blocks.append(intro)
    for index, pick in enumerate(run.typical_cases.select_related("case__category", "case__unit"), start=1):
        case = pick.case
        blocks.append(
            _("%(n)d. %(code)s %(category)s%(address)s，责任单位：%(unit)s。%(note)s")
            % {
                "n": index,
                "code": case.code,
                "category": case.category.name,
                "address": f"，{case.address}" if case.address else "",
                "unit": case.unit.name if case.unit else "—",
                "note": pick.note,
            }
        )
        before, after = _photo(case, PhotoKind.BEFORE), _photo(case, PhotoKind.AFTER)
        if before and after:
            blocks.append(ImagePair(left=before, right=after, left_caption=_("整改前"), right_caption=_("整改后")))
    if not blocks:
        blocks.append(_("本月无典型问题通报。"))
    return blocks


def _overdue(run: Run) -> list[Any]:
    ids = run.overview.get("overdue_ids") or []
    cases = Case.objects.filter(pk__in=ids).select_related("category", "unit").order_by("unit__sort_order", "code")
    rows = [
        [
            c.code,
            c.category.name,
            (c.address or "")[:30],
            c.unit.name if c.unit else "—",
            f"{timezone.localtime(c.deadline):%m-%d %H:%M}" if c.deadline else "—",
        ]
        for c in cases[:200]
    ]
    if not rows:
        return [_("截至月末，无超期未处置案件。")]
    blocks: list[Any] = [_("截至月末，超期未处置案件共%(n)d件，清单如下：") % {"n": len(ids)}]
    blocks.append(
        Table(
            columns=[_("案卷编号"), _("问题类别"), _("地址"), _("责任单位"), _("处置期限")],
            rows=rows,
            widths_mm=[42, 24, 30, 30, 30],
        )
    )
    return blocks


def _notices(run: Run) -> list[Any]:
    o = run.overview
    return [
        _("本月下发督办单%(issued)d份；到期应回复%(due)d份，按期回复%(on_time)d份。")
        % {"issued": o.get("notices_issued", 0), "due": o.get("notices_due", 0), "on_time": o.get("notices_on_time", 0)}
    ]


def build_document(run: Run) -> OfficialDocument:
    from .services import previous_run

    scheme = run.scheme
    results = list(run.results.order_by("group", "rank", "unit_name"))
    requirements = [line for line in (run.bulletin_text or {}).get("requirements", "").splitlines() if line.strip()]
    parts: list[tuple[str, list[Any]]] = [
        (_("总体情况"), list(_overview(run, previous_run(run)))),
        (_("考核排名"), _ranking(results)),
        (_("红黑榜"), _boards(results)),
        (_("典型问题"), _typical(run)),
        (_("逾期未办结清单"), _overdue(run)),
        (_("督办单情况"), _notices(run)),
        (_("下步工作要求"), requirements or [_("请各单位对照问题抓好整改。")]),
    ]
    sections = [Section(heading=f"{NUMERALS[i]}、{title}", blocks=blocks) for i, (title, blocks) in enumerate(parts)]
    date = run.doc_date or run.period_end
    title = _("关于%(label)s创建工作考核情况的通报") % {"label": run.label}
    if run.correction_of_id:
        title += _("（更正）")
    intro = [
        _("根据《%(scheme)s》，县创建办对各单位%(label)s创建工作进行了考核，现将有关情况通报如下：")
        % {"scheme": scheme.name, "label": run.label}
    ]
    if run.correction_reason:
        intro.append(_("更正说明：%(reason)s") % {"reason": run.correction_reason})
    return OfficialDocument(
        issuer=scheme.issuer,
        doc_number=run.doc_number or _("（草稿）"),
        title=title,
        recipients=scheme.recipients,
        sections=sections,
        signature=scheme.issuer,
        date=date,
        cc=scheme.cc,
        printer=scheme.issuer,
        print_date=date,
        intro=intro,
    )


def render_bulletin(run: Run) -> bytes:
    """The .docx bytes; a published run is served from the bytes stored when it was published."""
    return render_docx(build_document(run))


def bulletin_bytes(run: Run) -> bytes:
    if run.bulletin_docx:
        return bytes(run.bulletin_docx)
    return render_bulletin(run)


__all__ = ["build_document", "bulletin_bytes", "chinese_date", "render_bulletin"]
