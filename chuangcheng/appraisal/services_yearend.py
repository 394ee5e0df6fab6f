"""Writes of the year-end lists (年终评定): build from the rules, review entry by entry, confirm.

A list stays 待审核 while the office reviews it: it may be rebuilt (the office's in/out choices
and notes are kept for the subjects still on it), and each entry toggled with a note. Confirming
gives it its 发文字号 (the bulletins' counter) and makes it read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core.audit import log_action
from chuangcheng.core.errors import DomainError
from chuangcheng.org.models import Person

from . import yearend
from .access import require_keeper
from .choices import YearEndKind, YearEndStatus
from .models import Scheme, YearEndEntry, YearEndList
from .services import _next_doc_number


def _require_open(year_list: YearEndList) -> None:
    if year_list.status != YearEndStatus.DRAFT:
        raise DomainError(_("该名单已确认，不能再修改"), code="conflict")


@transaction.atomic
def year_end_build(*, scheme: Scheme, year: int, kind: str, by: Person | None) -> YearEndList:
    """Build (or rebuild, while 待审核) the 表彰 or 追责 list of ``year`` from the rules."""
    if by is not None:
        require_keeper(by)
    if kind not in YearEndKind.values:
        raise DomainError(_("请选择名单类型"))
    if not 2000 <= year <= timezone.localdate().year:
        raise DomainError(_("请选择正确的年度"))
    year_list, created = YearEndList.objects.select_for_update().get_or_create(scheme=scheme, year=year, kind=kind)
    _require_open(year_list)
    kept = {
        (entry.unit_id, entry.person_id): (entry.included, entry.note)
        for entry in year_list.entries.all()
        if not entry.included or entry.note
    }
    rules = yearend.rules_for(scheme)
    found = yearend.candidates(scheme, year, kind, rules)
    year_list.entries.all().delete()
    entries = []
    for order, candidate in enumerate(found):
        included, note = kept.get((candidate.unit_id, candidate.person_id), (True, ""))
        entries.append(
            YearEndEntry(
                list=year_list,
                unit_id=candidate.unit_id,
                person_id=candidate.person_id,
                name=candidate.name[:100],
                basis=candidate.basis,
                data=candidate.data,
                included=included,
                note=note,
                sort_order=order,
            )
        )
    YearEndEntry.objects.bulk_create(entries)
    year_list.rules = rules
    year_list.save(update_fields=["rules", "updated_at"])
    action = "appraisal.yearend.build" if created else "appraisal.yearend.rebuild"
    log_action(year_list, action, by=by, data={"year": year, "kind": kind, "entries": len(entries)})
    return year_list


@transaction.atomic
def year_end_entry_toggle(*, entry: YearEndEntry, included: bool, note: str, by: Person) -> YearEndEntry:
    """List an entry in or leave it out, with the office's note (required to leave one out)."""
    require_keeper(by)
    year_list = YearEndList.objects.select_for_update().get(pk=entry.list_id)
    _require_open(year_list)
    entry = YearEndEntry.objects.get(pk=entry.pk)
    note = (note or "").strip()[:300]
    if not included and not note:
        raise DomainError(_("不列入名单时请填写审核意见"))
    before = {"included": entry.included, "note": entry.note}
    entry.included, entry.note = included, note
    entry.save(update_fields=["included", "note"])
    data = {"entry": entry.name, "before": before, "after": {"included": included, "note": note}}
    log_action(year_list, "appraisal.yearend.toggle", by=by, data=data)
    return entry


@transaction.atomic
def year_end_confirm(*, year_list: YearEndList, by: Person) -> YearEndList:
    """确认: the list gets its 发文字号 (numbered in the year it is issued) and becomes read-only."""
    require_keeper(by)
    year_list = YearEndList.objects.select_for_update().select_related("scheme").get(pk=year_list.pk)
    _require_open(year_list)
    if not year_list.entries.filter(included=True).exists():
        raise DomainError(_("名单中没有列入的对象，不能确认"))
    now = timezone.now()
    year_list.status = YearEndStatus.CONFIRMED
    year_list.confirmed_at, year_list.confirmed_by = now, by
    year_list.doc_number = _next_doc_number(year_list.scheme.doc_prefix, timezone.localdate(now).year)
    year_list.save(update_fields=["status", "confirmed_at", "confirmed_by", "doc_number", "updated_at"])
    log_action(year_list, "appraisal.yearend.confirm", by=by, data={"doc_number": year_list.doc_number})
    return year_list


# ---- the document ------------------------------------------------------------------------------


def year_end_title(year_list: YearEndList) -> str:
    if year_list.kind == YearEndKind.PRAISE:
        return _("关于%(year)d年度创建工作先进单位和先进个人的表彰决定（建议名单）") % {"year": year_list.year}
    return _("关于%(year)d年度创建工作问责对象的建议名单") % {"year": year_list.year}


def year_end_docx(year_list: YearEndList) -> bytes:
    """The list as an official document (.docx): the included entries, units then people."""
    from chuangcheng.core.officialdoc import OfficialDocument, Section, Table, render_docx

    scheme = year_list.scheme
    entries = list(year_list.entries.filter(included=True).order_by("sort_order", "pk"))
    units = [e for e in entries if e.unit_id]
    people = [e for e in entries if not e.unit_id]
    praise = year_list.kind == YearEndKind.PRAISE
    parts: list[tuple[str, Table]] = []
    if units:
        rows = [[str(i), e.name, e.basis] for i, e in enumerate(units, 1)]
        table = Table([_("序号"), _("单位"), _("依据")], rows, widths_mm=[14, 50, 92])
        parts.append((_("先进单位") if praise else _("问责单位"), table))
    if people:
        rows = [[str(i), e.name, e.data.get("role", ""), e.basis] for i, e in enumerate(people, 1)]
        table = Table([_("序号"), _("姓名"), _("身份"), _("依据")], rows, widths_mm=[14, 30, 30, 82])
        parts.append((_("先进个人") if praise else _("问责个人"), table))
    sections = [Section(f"{'一二'[n]}、{heading}", [table]) for n, (heading, table) in enumerate(parts)]
    document = OfficialDocument(
        issuer=scheme.issuer,
        doc_number=year_list.doc_number,
        title=year_end_title(year_list),
        recipients=scheme.recipients,
        sections=sections,
        signature=scheme.issuer,
        date=_doc_date(year_list),
        cc=scheme.cc,
        printer=scheme.issuer,
        intro=[_intro(year_list)],
    )
    return bytes(render_docx(document))


def _doc_date(year_list: YearEndList) -> dt.date:
    return timezone.localdate(year_list.confirmed_at) if year_list.confirmed_at else timezone.localdate()


def _intro(year_list: YearEndList) -> str:
    rules: dict[str, Any] = year_list.rules or {}
    if year_list.kind == YearEndKind.PRAISE:
        black = int(rules.get("praise_max_black_months", 0))
        boards = (
            _("全年上红榜%(red)d个月以上且未上黑榜的单位")
            if not black
            else _("全年上红榜%(red)d个月以上且上黑榜不超过%(black)d个月的单位")
        ) % {"red": rules.get("praise_min_red_months", 0), "black": black}
        return _(
            "根据%(year)d年度各月考核结果及创建工作有关规定，经县创建办审核，%(boards)s，"
            "以及有效上报和巡查完成情况突出的个人、所包路段处置及时且检查得分较高的路长，建议予以表彰。名单如下："
        ) % {"year": year_list.year, "boards": boards}
    return _(
        "根据%(year)d年度各月考核结果及创建任务推进情况，经县创建办审核，"
        "全年上黑榜%(black)d个月以上或牵头任务逾期超过%(days)d天的单位，以及所包路段处置、检查情况较差的路长，"
        "建议予以问责。名单如下："
    ) % {
        "year": year_list.year,
        "black": rules.get("accountability_min_black_months", 0),
        "days": rules.get("accountability_task_overdue_days", 0),
    }
