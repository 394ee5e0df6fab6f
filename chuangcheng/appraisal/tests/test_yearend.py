"""Year-end lists (年终评定): who the rules put on the 表彰 and 追责 lists, with what basis.

The year is 2026, seen on 5 December. The units, tasks, cases and patrols are made through the
real services; the boards come from real runs whose ranking the office steers with 加减分:
red = rank 1 of its group, black = a total under 80 (the scheme below).

Departments (县创建办, 县政府督查室, 县住建局), months 1–9 published:
  县住建局  red in 1–8 (month 2 only after its correction), never black → 表彰
  县创建办  black in 3, 5, 6 (and in the draft of month 10, which does not count) → 追责
  县政府督查室  red in 9 only
Towns: 城关街道 red in every month but 4, black in 4 (so no 表彰); 城南街道 red in 4.
Tasks: 城关街道's RW-020 done 45 days late → 追责; its RW-021 10 days late (not over 30);
城南街道's RW-012 not done 61 days after its deadline → 追责.
People: 郑巡查 (巡查员) 3 valid reports (a 4th rejected) and 19 of 20 patrols → 表彰; 冯大爷
(义务管理员) 3 valid 随手拍 and no patrols → 表彰; 孙路长's segment 2/2 rounds on time → 表彰;
吴路长's 1/2 → 追责.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from chuangcheng.appraisal import services
from chuangcheng.appraisal import services_yearend as yearend_services
from chuangcheng.appraisal.choices import AdjustmentKind, YearEndKind, YearEndStatus
from chuangcheng.appraisal.models import Run, Scheme, YearEndList, default_year_end_rules
from chuangcheng.cases import services as case_services
from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World, photo
from chuangcheng.core.audit import AuditEntry
from chuangcheng.core.errors import DomainError
from chuangcheng.indicators import services as task_services
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode, Task
from chuangcheng.inspections.choices import InspectionKind
from chuangcheng.inspections.models import Visit
from chuangcheng.org.models import Unit
from chuangcheng.places.models import RoadSegment
from chuangcheng.places.services import segment_save

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.datetime(2026, 12, 5, 9, 0, tzinfo=TZ)
LON, LAT = 114.30, 34.80


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


@dataclass
class YearWorld:
    world: World
    scheme: Scheme
    segment_a: RoadSegment
    segment_b: RoadSegment


# ---- the boards: published runs -------------------------------------------------------------------


def adjust(run: Run, world: World, points: dict[Unit, int]) -> None:
    for unit, value in points.items():
        if value:
            services.adjustment_add(
                run=run,
                unit=unit,
                kind=AdjustmentKind.SUPERIOR_NOTICE,
                points=Decimal(value),
                reason="测试：按月设定名次",
                by=world.office,
            )


def month_points(world: World, month: int) -> dict[Unit, int]:
    """Per unit, the 加减分 that puts it where the module's story says (black: under 80)."""
    office = -30 if month in (3, 5, 6) else -3
    housing, supervision = (-5, 0) if month == 9 else (0, -2)
    town_a, town_b = (-30, 0) if month == 4 else (0, -1)
    return {
        world.office_unit: office,
        world.supervision_unit: supervision,
        world.housing: housing,
        world.town_a: town_a,
        world.town_b: town_b,
    }


def make_runs(world: World, scheme: Scheme) -> None:
    for month in range(1, 10):
        run = services.month_run_create(scheme=scheme, by=world.office, year=2026, month=month)
        points = month_points(world, month)
        if month == 2:  # first published with 县住建局 black, then corrected
            points[world.housing] = -30
        adjust(run, world, points)
        services.run_publish(run=run, by=world.office)
    first = Run.objects.get(scheme=scheme, period_start=dt.date(2026, 2, 1))
    correction = services.run_correct(run=first, by=world.office, reason="县住建局扣分有误")
    services.adjustment_remove(item=correction.adjustments.get(unit=world.housing), by=world.office)
    services.run_publish(run=correction, by=world.office)
    draft = services.month_run_create(scheme=scheme, by=world.office, year=2026, month=10)
    adjust(draft, world, {world.office_unit: -30})


# ---- tasks ------------------------------------------------------------------------------------------


def make_tasks(world: World) -> None:
    campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("85.00"),
    )
    parent = None
    for code, level in (("P1", NodeLevel.PROJECT), ("P1.1", NodeLevel.INDICATOR), ("P1.1.1", NodeLevel.CONTENT)):
        node = IndicatorNode.objects.create(
            campaign=campaign, parent=parent, code=code, name=f"指标{code}", level=level, max_score=Decimal("3")
        )
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
        node.save(update_fields=["path"])
        parent = node
    assert parent is not None
    for code, unit, deadline in (
        ("RW-012", world.town_b, dt.date(2026, 10, 5)),
        ("RW-020", world.town_a, dt.date(2026, 10, 1)),
        ("RW-021", world.town_a, dt.date(2026, 10, 20)),
    ):
        task_services.task_create(
            by=world.office,
            campaign=campaign,
            indicator=parent,
            code=code,
            title=f"背街小巷整治{code}",
            target="全部达标",
            lead_unit=unit,
            deadline=deadline,
        )


def finish_task(world: World, code: str, when: dt.datetime) -> None:
    with time_machine.travel(when, tick=False):
        task = Task.objects.get(code=code)
        report, _created = task_services.report_progress(task=task, by=world.admin_a, percent=100, narrative="已完成")
        task_services.review_report(report=report, by=world.office, accept=True)


# ---- cases and patrols -----------------------------------------------------------------------------


def make_segments(world: World) -> tuple[RoadSegment, RoadSegment]:
    segments = []
    sides = (("a", world.town_a, world.chief_a, LON), ("b", world.town_b, world.chief_b, LON + 0.05))
    for tag, unit, chief, lon in sides:
        segment = RoadSegment(code=f"SEG-{tag}", name=f"路段{tag}", unit=unit, chief=chief)
        line = {"type": "LineString", "coordinates": [[lon, LAT], [lon + 0.002, LAT]]}
        segments.append(segment_save(segment=segment, geometry=line))
    return segments[0], segments[1]


def report(world: World, by: Any, source: str, lon: float, when: dt.datetime) -> Case:
    with time_machine.travel(when, tick=False):
        case, _created = case_services.case_report(
            by=by,
            source=source,
            category=Category.objects.get(name="暴露垃圾"),
            description="路边有一堆暴露垃圾",
            lon=lon,
            lat=LAT + 0.00005,
            photos=[photo()],
        )
    return case


def handled_case(world: World, segment: RoadSegment, when: dt.datetime, *, late: bool) -> None:
    """A hotline case on ``segment`` dispatched to its unit and handled on time or a day late."""
    unit, holder = (world.town_a, world.admin_a) if segment.code == "SEG-a" else (world.town_b, world.admin_b)
    lon = (LON if segment.code == "SEG-a" else LON + 0.05) + 0.001
    case = report(world, world.office, Source.HOTLINE, lon, when)
    assert case.segment_id == segment.pk
    with time_machine.travel(when + dt.timedelta(minutes=5), tick=False):
        case_services.case_accept(case=case, by=world.office)
        case = case_services.case_dispatch(case=case, by=world.office, unit=unit)
    assert case.deadline is not None
    handle_at = case.deadline + dt.timedelta(days=1) if late else when + dt.timedelta(hours=1)
    with time_machine.travel(handle_at, tick=False):
        case_services.case_handle(case=case, by=holder, note="已清理", photos=[photo("green")])


def make_reports(world: World) -> None:
    for day in (2, 3, 4):
        case = report(world, world.inspector, Source.PATROL, LON + 0.01 + day * 0.001, at(11, day))
        case_services.case_accept(case=case, by=world.office)
        case = report(world, world.volunteer, Source.CITIZEN, LON + 0.02 + day * 0.001, at(11, day))
        case_services.case_accept(case=case, by=world.office)
    rejected = report(world, world.inspector, Source.PATROL, LON + 0.03, at(11, 5))
    case_services.case_reject(case=rejected, by=world.office, reason="不属于城市管理问题")


def make_patrols(world: World, segment: RoadSegment) -> None:
    """20 日巡查 visits of 郑巡查 in June: 19 done, one 漏巡."""
    for day in range(1, 21):
        due = dt.date(2026, 6, day)
        done = None if day == 20 else dt.datetime(2026, 6, day, 10, tzinfo=TZ)
        Visit.objects.create(
            kind=InspectionKind.PATROL,
            assignee=world.inspector,
            segment=segment,
            town=segment.unit,
            starts_on=due,
            due_on=due,
            done_at=done,
        )


@pytest.fixture
def year_world(request: pytest.FixtureRequest, db: None) -> Iterator[YearWorld]:
    """The county of ``world`` set up in December 2025, then 2026 lived through to 5 December."""
    with time_machine.travel(dt.datetime(2025, 12, 20, 9, tzinfo=TZ), tick=False):
        world: World = request.getfixturevalue("world")
        case_services.seed_categories()
        Category.objects.filter(name="暴露垃圾").update(auto_dispatch=False)
        scheme = services.scheme_create_default(by=world.office, year=2026)
        scheme.red_top_n, scheme.black_bottom_n, scheme.black_max_score = 1, 0, Decimal("80")
        # The departments have no cases: the boards here follow the 加减分 alone.
        scheme.red_needs_rate = False
        scheme.year_end_rules = {**default_year_end_rules(), "person_min_reports": 3, "chief_min_rounds": 2}
        scheme.save()
        make_tasks(world)
        segment_a, segment_b = make_segments(world)
    finish_task(world, "RW-020", at(11, 15))
    finish_task(world, "RW-021", at(10, 30))
    make_patrols(world, segment_a)
    make_reports(world)
    handled_case(world, segment_a, at(11, 9), late=False)
    handled_case(world, segment_a, at(11, 10), late=False)
    handled_case(world, segment_b, at(11, 9), late=False)
    handled_case(world, segment_b, at(11, 10), late=True)
    with time_machine.travel(TODAY, tick=False):
        make_runs(world, scheme)
        yield YearWorld(world, scheme, segment_a, segment_b)


def basis_of(year_list: YearEndList) -> dict[str, str]:
    return {e.name: e.basis for e in year_list.entries.order_by("sort_order")}


# ---- the lists --------------------------------------------------------------------------------------


def test_praise_list_names_the_units_and_people_the_rules_pick(year_world: YearWorld) -> None:
    w = year_world.world
    praise = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)

    assert basis_of(praise) == {
        "县住建局": "全年 8 个月上红榜，未上黑榜",
        "郑巡查": "全年有效上报 3 件，巡查完成率 95.0%（19/20）",
        "冯大爷": "全年有效上报 3 件，无巡查任务",
        "孙路长": "所包路段按期处置率 100.0%（2/2）",
    }
    housing = praise.entries.get(unit=w.housing)
    assert housing.data["red_months"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert housing.data["black_months"] == []
    assert praise.entries.get(person=w.inspector).data["reports"] == 3
    assert praise.status == YearEndStatus.DRAFT
    assert all(e.included for e in praise.entries.all())


def test_accountability_list_names_black_months_and_overdue_tasks(year_world: YearWorld) -> None:
    w = year_world.world
    blame = yearend_services.year_end_build(
        scheme=year_world.scheme, year=2026, kind=YearEndKind.ACCOUNTABILITY, by=w.office
    )

    assert basis_of(blame) == {
        "县创建办": "3 个月上黑榜（3月、5月、6月）",
        "城关街道": "任务 RW-020 逾期 45 天",
        "城南街道": "任务 RW-012 逾期 61 天未完成",
        "吴路长": "所包路段按期处置率 50.0%（1/2）",
    }
    assert blame.entries.get(unit=w.office_unit).data["black_months"] == [3, 5, 6]
    assert blame.entries.get(unit=w.town_b).data["tasks"][0]["code"] == "RW-012"


def test_the_rules_of_the_scheme_decide(year_world: YearWorld) -> None:
    w = year_world.world
    scheme = year_world.scheme
    scheme.year_end_rules = {
        **scheme.year_end_rules,
        "praise_min_red_months": 8,
        "praise_max_black_months": 1,
        "accountability_task_overdue_days": 50,
    }
    scheme.save()

    praise = yearend_services.year_end_build(scheme=scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    blame = yearend_services.year_end_build(scheme=scheme, year=2026, kind=YearEndKind.ACCOUNTABILITY, by=w.office)

    assert basis_of(praise)["城关街道"] == "全年 8 个月上红榜，1 个月上黑榜（4月）"
    assert "城关街道" not in basis_of(blame)  # 45 days is not over 50
    assert blame.rules["accountability_task_overdue_days"] == 50


def test_rebuilding_keeps_the_offices_decisions(year_world: YearWorld) -> None:
    w = year_world.world
    praise = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    entry = praise.entries.get(person=w.volunteer)
    yearend_services.year_end_entry_toggle(entry=entry, included=False, note="本人为公职人员", by=w.office)

    again = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)

    assert again.pk == praise.pk
    kept = again.entries.get(person=w.volunteer)
    assert (kept.included, kept.note) == (False, "本人为公职人员")
    assert AuditEntry.objects.filter(action="appraisal.yearend.rebuild").count() == 1


def test_leaving_an_entry_out_needs_a_note(year_world: YearWorld) -> None:
    w = year_world.world
    praise = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    entry = praise.entries.get(unit=w.housing)

    with pytest.raises(DomainError, match="审核意见"):
        yearend_services.year_end_entry_toggle(entry=entry, included=False, note=" ", by=w.office)
    out = yearend_services.year_end_entry_toggle(entry=entry, included=False, note="年内发生安全事故", by=w.office)
    back = yearend_services.year_end_entry_toggle(entry=out, included=True, note="经复核恢复", by=w.office)

    assert (back.included, back.note) == (True, "经复核恢复")
    assert AuditEntry.objects.filter(action="appraisal.yearend.toggle").count() == 2


def test_confirming_numbers_the_list_and_makes_it_read_only(year_world: YearWorld) -> None:
    w = year_world.world
    praise = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    # The bulletins share the counter: nine months and a correction took 1–10, so the list is 11.
    confirmed = yearend_services.year_end_confirm(year_list=praise, by=w.office)

    assert confirmed.status == YearEndStatus.CONFIRMED
    assert confirmed.doc_number == "县创建办〔2026〕11号"
    assert confirmed.confirmed_by == w.office and confirmed.confirmed_at == TODAY
    with pytest.raises(DomainError, match="已确认"):
        yearend_services.year_end_entry_toggle(
            entry=confirmed.entries.first(), included=False, note="晚了", by=w.office
        )
    with pytest.raises(DomainError, match="已确认"):
        yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    with pytest.raises(DomainError, match="已确认"):
        yearend_services.year_end_confirm(year_list=confirmed, by=w.office)
    blame = yearend_services.year_end_build(
        scheme=year_world.scheme, year=2026, kind=YearEndKind.ACCOUNTABILITY, by=w.office
    )
    assert yearend_services.year_end_confirm(year_list=blame, by=w.office).doc_number == "县创建办〔2026〕12号"


def test_only_the_office_builds_and_reviews(year_world: YearWorld) -> None:
    from django.core.exceptions import PermissionDenied

    w = year_world.world
    for person in (w.supervisor, w.leader, w.admin_a):
        with pytest.raises(PermissionDenied):
            yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=person)
    praise = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    with pytest.raises(PermissionDenied):
        yearend_services.year_end_confirm(year_list=praise, by=w.leader)
    with pytest.raises(PermissionDenied):
        yearend_services.year_end_entry_toggle(entry=praise.entries.first(), included=False, note="x", by=w.leader)


def test_road_chiefs_are_judged_on_their_segments_inspections_too(year_world: YearWorld) -> None:
    from chuangcheng.inspections.models import Checklist
    from chuangcheng.inspections.selectors import active_items
    from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit

    w = year_world.world
    checklists_seed()
    for segment in (year_world.segment_a, year_world.segment_b):
        items = active_items(Checklist.objects.get(road_class=segment.road_class, is_active=True))
        answers = [Answer(item.pk, "pass") for item in items]
        inspection, _created = inspection_submit(
            by=w.inspector, kind=InspectionKind.CHECK, segment=segment, answers=answers
        )
        assert inspection.score == 100

    praise = yearend_services.year_end_build(scheme=year_world.scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    blame = yearend_services.year_end_build(
        scheme=year_world.scheme, year=2026, kind=YearEndKind.ACCOUNTABILITY, by=w.office
    )

    assert basis_of(praise)["孙路长"] == "所包路段按期处置率 100.0%（2/2），路段检查平均 100.0 分（1 次）"
    assert basis_of(blame)["吴路长"] == "所包路段按期处置率 50.0%（1/2），路段检查平均 100.0 分（1 次）"
    assert praise.entries.get(person=w.chief_a).data["inspection_mean"] == "100.0"
    scheme = year_world.scheme
    scheme.year_end_rules = {**scheme.year_end_rules, "chief_praise_min_inspection_score": 101}
    scheme.save()
    stricter = yearend_services.year_end_build(scheme=scheme, year=2026, kind=YearEndKind.PRAISE, by=w.office)
    assert "孙路长" not in basis_of(stricter)
