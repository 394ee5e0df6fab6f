"""Publishing freezes a run: its figures and its bulletin's bytes survive later changes to cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document

from chuangcheng.appraisal import services
from chuangcheng.appraisal.bulletin import bulletin_bytes, render_bulletin
from chuangcheng.appraisal.models import Run
from chuangcheng.cases.models import Case

from .conftest import at
from .test_formulas import november, run_november  # noqa: F401

pytestmark = pytest.mark.django_db


def test_publish_freezes_figures_and_bulletin_bytes(november) -> None:  # noqa: F811
    c, w = november, november.world
    run = run_november(c)
    services.adjustment_add(run=run, unit=w.town_b, kind="media", points=Decimal("-3"), reason="媒体曝光", by=w.office)
    run = services.run_publish(run=run, by=w.office)
    assert run.doc_number == "县创建办〔2026〕1号"
    stored = bytes(Run.objects.get(pk=run.pk).bulletin_docx)
    assert hashlib.sha256(stored).hexdigest() == run.bulletin_sha256
    # Rendering the same frozen run again gives the same bytes.
    assert render_bulletin(Run.objects.get(pk=run.pk)) == stored
    frozen = {r.unit_id: (r.total, r.rank, r.figures) for r in run.results.all()}

    # Later: the overdue A4 is handled; November's published answer does not move.
    a4 = Case.objects.get(unit=w.town_a, dispatched_at=at(11, 20))
    c.handle(a4, at(12, 4))
    c.move(at(12, 5))
    assert {r.unit_id: (r.total, r.rank, r.figures) for r in run.results.all()} == frozen
    assert bulletin_bytes(Run.objects.get(pk=run.pk)) == stored

    # A correction recomputes from the events into a new revision; the old one stays readable.
    draft = services.run_correct(run=run, by=w.office, reason="A4 案卷处置时间录入有误")
    assert draft.revision == 2 and draft.results.get(unit=w.town_a).figures == frozen[w.town_a.pk][2]
    assert draft.adjustments.get().points == Decimal("-3")
    corrected = services.run_publish(run=draft, by=w.office)
    assert corrected.doc_number == "县创建办〔2026〕2号"
    assert Run.objects.get(pk=run.pk).status == "superseded"
    assert bytes(Run.objects.get(pk=run.pk).bulletin_docx) == stored


def test_bulletin_layout_and_content(november) -> None:  # noqa: F811
    c, w = november, november.world
    run = services.run_publish(run=run_november(c), by=w.office)
    doc = Document(io.BytesIO(bytes(run.bulletin_docx)))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "县创建办〔2026〕1号" in text
    assert "关于2026年11月创建工作考核情况的通报" in text
    for heading in ("一、总体情况", "二、考核排名", "三、红黑榜", "五、逾期未办结清单", "七、下步工作要求"):
        assert heading in text
    red = next(line for line in text.splitlines() if line.startswith("红榜："))
    black = next(line for line in text.splitlines() if line.startswith("黑榜："))
    # 城南街道 leads the towns on counts alone and the offices had no case: nobody is red this month.
    assert red == "红榜：无。"
    assert "城关街道" in black and "县住建局" in black
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"城关街道", "71.83", "县住建局", "84.95"} <= cells
    assert len(doc.inline_shapes) >= 2  # a bar chart per group
    # The overdue list prints deadlines as the county reads its clock (Asia/Shanghai, not UTC).
    a4 = Case.objects.get(unit=w.town_a, dispatched_at=at(11, 20))
    overdue = next(t for t in doc.tables if t.rows[0].cells[0].text == "案卷编号")
    row = next(r for r in overdue.rows if r.cells[0].text == a4.code)
    assert row.cells[4].text == f"{timezone.localtime(a4.deadline):%m-%d %H:%M}"
    assert row.cells[4].text != f"{a4.deadline:%m-%d %H:%M}"
    # No inspection this month: said in words, not as "平均得分—分".
    assert "本月无实地检查。" in text and "平均得分—分" not in text


def test_publishing_twice_or_a_units_post_is_refused(november) -> None:  # noqa: F811
    from django.core.exceptions import PermissionDenied

    from chuangcheng.core.errors import DomainError

    c, w = november, november.world
    run = run_november(c)
    with pytest.raises(PermissionDenied):
        services.run_publish(run=run, by=w.admin_a)
    services.run_publish(run=run, by=w.office)
    with pytest.raises(DomainError):
        services.run_publish(run=run, by=w.office)
    with pytest.raises(DomainError):
        services.adjustment_add(run=run, unit=w.town_a, kind="praise", points=Decimal("1"), reason="表扬", by=w.office)


def test_a_publication_moment_dates_the_bulletin_but_not_before_the_month_ends(november) -> None:  # noqa: F811
    from chuangcheng.core.errors import DomainError

    c, w = november, november.world
    run = run_november(c)
    with pytest.raises(DomainError, match="不能早于考核期结束"):
        services.run_publish(run=run, by=w.office, at=at(11, 30, 10))
    published = services.run_publish(run=run, by=w.office, at=at(12, 3, 10))
    assert published.doc_date == dt.date(2026, 12, 3)
    assert "2026年12月3日" in "\n".join(p.text for p in Document(io.BytesIO(bytes(published.bulletin_docx))).paragraphs)


def test_a_late_recorded_november_event_changes_a_recomputed_draft_but_not_the_published_run(november) -> None:  # noqa: F811
    """A handling that reaches the system after publication but bears a November time (the handler's
    phone queued it offline) is November's business: the published run and its bulletin's bytes stay
    as published; the correction recomputes from the events and counts it."""
    c, w = november, november.world
    run = services.run_publish(run=run_november(c), by=w.office)
    stored = bytes(Run.objects.get(pk=run.pk).bulletin_docx)
    before = run.results.get(unit=w.town_a)
    a4 = Case.objects.get(unit=w.town_a, dispatched_at=at(11, 20))
    assert before.trace["overdue_open"]["num"] == [a4.pk]

    c.handle(a4, at(11, 29, 16))  # recorded with the time it was done, late
    c.move(at(12, 6))

    again = Run.objects.get(pk=run.pk)
    assert again.results.get(unit=w.town_a).figures == before.figures
    assert bytes(again.bulletin_docx) == stored and bulletin_bytes(again) == stored
    draft = services.run_correct(run=again, by=w.office, reason="A4 的处置记录迟到")
    after = draft.results.get(unit=w.town_a)
    assert after.figures != before.figures
    assert after.trace["overdue_open"]["num"] == []
    assert after.figures["overdue_open"]["num"] == before.figures["overdue_open"]["num"] - 1
