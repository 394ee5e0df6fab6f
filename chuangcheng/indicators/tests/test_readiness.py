"""Readiness (自查自纠): hand-computed predicted scores, gaps, causes and units, as_of and snapshots.

The campaign's weights (chosen so every number below is exact): task_weight 0.60,
overdue_task_penalty 0.50, missing_evidence_penalty 0.25, untasked_credit 0.20,
case_tolerance 10, overdue_case_factor 2; pass line 60. Today is Tuesday 24 November 2026.

    A 公共环境 (60)
      A1 环境卫生 (30)  linked: 暴露垃圾       task t3 (on the 指标 itself)
        A1a 主次干道保洁 (20)                    tasks t1, t2
        A1b 背街小巷保洁 (10)                    no tasks → borrows t3 from A1
      A2 市容秩序 (30)
        A2a 占道经营整治 (30)                    no tasks anywhere → untasked
    B 宣传氛围 (60)    (its children are worth 30: its points are scaled by 2)
      B1 公益广告 (20)  linked: 宣传广告 (a 大类)   task t4
      B2 宣传栏 (10)                             task t5

Tasks now:
    t1 done, needs evidence, has it (accepted 100 % with a file)     credit 1
    t2 40 % accepted (a 70 % report is pending), no evidence needed   credit 0.4
    t3 50 %, deadline 20 Nov (overdue), needs a photo, only a
       *returned* report has a file                                    0.5 × 0.5 × 0.75 = 0.1875
    t4 done, needs a ledger, accepted without a file                  1 × 0.75 = 0.75
    t5 not started (cooperating: 城南街道)                             0
Cases now:
    暴露垃圾: open at 城南街道 (deadline 1 Dec), overdue at 城关街道 (deadline 20 Nov),
              reported and not dispatched, one closed on 15 Nov       → 2 + 2 × 1 = 4 → C = 0.6
    违规户外广告 (宣传广告): open at 住建局                             → 1 → C = 0.9
    非法小广告 (宣传广告): closed;  路灯不亮 (not linked): open       → not counted
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chuangcheng.cases import services as case_services
from chuangcheng.cases.choices import Source, Status
from chuangcheng.cases.models import Case, Category
from chuangcheng.indicators.choices import CampaignKind, MilestoneKind, NodeLevel, ReportStatus, TaskStatus, TitleLevel
from chuangcheng.indicators.models import (
    Campaign,
    Evidence,
    IndicatorNode,
    Milestone,
    ProgressReport,
    ReadinessSnapshot,
    Task,
)
from chuangcheng.indicators.readiness import (
    TaskSource,
    backfill_snapshots,
    compute_readiness,
    take_snapshots,
    trend,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 24)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def d(value: str) -> Decimal:
    return Decimal(value)


@dataclass
class Ready:
    campaign: Campaign
    nodes: dict[str, IndicatorNode]
    tasks: dict[str, Task]
    cases: dict[str, Case]


def node(campaign: Campaign, code: str, name: str, max_score: str, parent: IndicatorNode | None = None, order: int = 0):
    level = NodeLevel.PROJECT if parent is None else min(parent.level + 1, NodeLevel.STANDARD)
    made = IndicatorNode.objects.create(
        campaign=campaign, parent=parent, code=code, name=name, level=level, max_score=d(max_score), sort_order=order
    )
    made.path = f"{parent.path if parent else '/'}{made.pk}/"
    made.save(update_fields=["path"])
    return made


def task(campaign, indicator, code, lead, *, status, percent, deadline, evidence=()):
    return Task.objects.create(
        campaign=campaign,
        indicator=indicator,
        code=code,
        title=f"任务{code}",
        target="按标准完成",
        lead_unit=lead,
        deadline=deadline,
        evidence_types=list(evidence),
        status=status,
        percent=percent,
    )


def report(
    t: Task, percent: int, reviewed: dt.datetime | None, status: str = ReportStatus.ACCEPTED, file: bool = False
):
    made = ProgressReport.objects.create(
        task=t,
        unit=t.lead_unit,
        reported_at=(reviewed or at(11, 23)) - dt.timedelta(hours=2),
        percent=percent,
        narrative="按计划推进",
        status=status,
        reviewed_at=reviewed,
    )
    if file:
        Evidence.objects.create(
            report=made,
            file="evidence/2026/11/a.pdf",
            original_name="方案.pdf",
            file_type="pdf",
            size=10,
            sha256="0" * 64,
        )
    return made


@pytest.fixture
def ready(world, time_machine) -> Ready:
    time_machine.move_to(at(10, 1), tick=False)
    case_services.seed_categories()
    cats = {c.name: c for c in Category.objects.all()}
    campaign = Campaign.objects.create(
        code="WMXC",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024年版",
        pass_score=d("60"),
        task_weight=d("0.60"),
        overdue_task_penalty=d("0.50"),
        missing_evidence_penalty=d("0.25"),
        untasked_credit=d("0.20"),
        case_tolerance=10,
        overdue_case_factor=2,
    )
    a = node(campaign, "A", "公共环境", "60", order=1)
    a1 = node(campaign, "A1", "环境卫生", "30", a, 1)
    a1a = node(campaign, "A1a", "主次干道保洁", "20", a1, 1)
    a1b = node(campaign, "A1b", "背街小巷保洁", "10", a1, 2)
    a2 = node(campaign, "A2", "市容秩序", "30", a, 2)
    a2a = node(campaign, "A2a", "占道经营整治", "30", a2, 1)
    b = node(campaign, "B", "宣传氛围", "60", order=2)
    b1 = node(campaign, "B1", "公益广告", "20", b, 1)
    b2 = node(campaign, "B2", "宣传栏", "10", b, 2)
    a1.categories.add(cats["暴露垃圾"])
    b1.categories.add(cats["违规户外广告"].parent)
    dec31, done = dt.date(2026, 12, 31), TaskStatus.DONE
    t1 = task(campaign, a1a, "t1", world.town_b, status=done, percent=100, deadline=dec31, evidence=["document"])
    t2 = task(campaign, a1a, "t2", world.town_a, status=TaskStatus.PENDING_REVIEW, percent=40, deadline=dec31)
    t3 = task(
        campaign,
        a1,
        "t3",
        world.town_a,
        status=TaskStatus.IN_PROGRESS,
        percent=50,
        deadline=dt.date(2026, 11, 20),
        evidence=["photo"],
    )
    t4 = task(
        campaign, b1, "t4", world.housing, status=done, percent=100, deadline=dt.date(2026, 11, 30), evidence=["ledger"]
    )
    t5 = task(
        campaign, b2, "t5", world.housing, status=TaskStatus.NOT_STARTED, percent=0, deadline=dt.date(2026, 12, 15)
    )
    t5.cooperating_units.add(world.town_b)
    report(t1, 50, at(11, 5))
    report(t1, 100, at(11, 15), file=True)
    report(t2, 20, at(11, 1))
    report(t2, 40, at(11, 20))
    report(t2, 70, None, status=ReportStatus.PENDING)
    report(t3, 50, at(11, 8))
    report(t3, 80, at(11, 22), status=ReportStatus.RETURNED, file=True)
    report(t4, 100, at(11, 21))

    def case(name: str, when: dt.datetime, status: str, unit=None, deadline=None, closed=None) -> Case:
        time_machine.move_to(when, tick=False)
        n = Case.objects.count() + 1
        return Case.objects.create(
            code=f"C{n:04d}",
            source=Source.PATROL,
            category=cats[name],
            description=name,
            lon=114.3,
            lat=34.8,
            status=status,
            unit=unit,
            deadline=deadline,
            closed_at=closed,
        )

    dispatched = Status.DISPATCHED
    cases = {
        "open_b": case("暴露垃圾", at(11, 5), dispatched, world.town_b, at(12, 1)),
        "overdue_a": case("暴露垃圾", at(11, 12), dispatched, world.town_a, at(11, 20)),
        "reported": case("暴露垃圾", at(11, 22), Status.REPORTED),
        "closed": case("暴露垃圾", at(11, 2), Status.CLOSED, world.town_a, at(11, 9), closed=at(11, 15)),
        "billboard": case("违规户外广告", at(11, 18), dispatched, world.housing, at(12, 10)),
        "leaflet": case("非法小广告", at(11, 3), Status.CLOSED, world.housing, at(11, 5), closed=at(11, 6)),
        "lamp": case("路灯", at(11, 3), dispatched, world.town_a, at(11, 4)),
    }
    time_machine.move_to(at(11, 24), tick=False)
    nodes = {n.code: n for n in (a, a1, a1a, a1b, a2, a2a, b, b1, b2)}
    return Ready(campaign, nodes, {t.code: t for t in (t1, t2, t3, t4, t5)}, cases)


# ---- scores now -------------------------------------------------------------------------------------


def test_it_credits_each_task_by_status_overdue_and_evidence(ready):
    r = compute_readiness(ready.campaign)
    a1a, a1b = r.node("A1a"), r.node("A1b")
    credits = {t.code: t.credit for t in a1a.tasks + a1b.tasks + r.node("B1").tasks + r.node("B2").tasks}
    assert credits == {"t1": 1, "t2": d("0.4"), "t3": d("0.1875"), "t4": d("0.75"), "t5": 0}
    t3 = a1b.tasks[0]
    assert (t3.status, t3.overdue, t3.missing_evidence) == (TaskStatus.OVERDUE, True, True)
    # The pending 70 % report does not count: t2 stays at its accepted 40 %.
    assert a1a.tasks[1].percent == 40 and not a1a.tasks[1].missing_evidence


def test_a_leaf_mixes_its_tasks_and_its_linked_cases(ready):
    a1a = compute_readiness(ready.campaign).node("A1a")
    # T = (1 + 0.4) / 2 = 0.7; cases 2 + 2 × 1 = 4 → C = 1 − 4/10 = 0.6
    assert (a1a.task_part, a1a.case_part, a1a.case_load) == (d("0.7"), d("0.6"), 4)
    # 20 × (0.6 × 0.7 + 0.4 × 0.6) = 20 × 0.66 = 13.2
    assert a1a.predicted == d("13.2")
    assert a1a.gap == d("6.8")
    assert (a1a.open_cases, a1a.overdue_cases) == (3, 1)


def test_a_leaf_without_tasks_borrows_its_ancestors_tasks(ready):
    a1b = compute_readiness(ready.campaign).node("A1b")
    assert (a1b.task_source, a1b.inherited_from, a1b.task_part) == (TaskSource.INHERITED, "A1", d("0.1875"))
    # 10 × (0.6 × 0.1875 + 0.4 × 0.6) = 10 × 0.3525 = 3.525
    assert a1b.predicted == d("3.525")


def test_a_leaf_with_no_tasks_anywhere_gets_the_untasked_credit(ready):
    a2a = compute_readiness(ready.campaign).node("A2a")
    assert (a2a.task_source, a2a.task_part, a2a.case_part) == (TaskSource.UNTASKED, d("0.20"), None)
    assert a2a.predicted == d("6")  # 30 × 0.2, no linked categories


def test_a_linked_big_category_counts_its_small_categories_cases(ready):
    b1 = compute_readiness(ready.campaign).node("B1")
    # 违规户外广告 open (1, not overdue), 非法小广告 closed → C = 1 − 1/10 = 0.9
    assert b1.case_part == d("0.9")
    assert [(c.name, c.open, c.overdue) for c in b1.categories] == [("违规户外广告", 1, 0)]
    # 20 × (0.6 × 0.75 + 0.4 × 0.9) = 20 × 0.81 = 16.2
    assert b1.predicted == d("16.2")


def test_parents_scale_their_childrens_points_and_the_total_compares_to_the_pass_line(ready):
    r = compute_readiness(ready.campaign)
    assert r.node("A1").predicted == d("16.725")  # 30 × (13.2 + 3.525) / 30
    assert r.node("A2").predicted == d("6")
    assert r.node("A").predicted == d("22.725")  # 60 × (16.725 + 6) / 60
    assert r.node("B").predicted == d("32.4")  # 60 × (16.2 + 0) / 30
    assert (r.predicted_total, r.max_total, r.gap_total) == (d("55.125"), d("120"), d("64.875"))
    assert not r.passes and r.short_of_pass == d("4.875")


def test_the_biggest_gaps_come_first_with_their_causes_and_units(ready, world):
    r = compute_readiness(ready.campaign)
    # gaps: A2a 24, B2 10, A1a 6.8, A1b 6.475, B1 3.8
    assert [(n.code, n.gap) for n in r.leaves_by_gap()] == [
        ("A2a", d("24")),
        ("B2", d("10")),
        ("A1a", d("6.8")),
        ("A1b", d("6.475")),
        ("B1", d("3.8")),
    ]
    a1a = r.node("A1a")
    assert [t.code for t in a1a.unfinished_tasks] == ["t2"]
    # 城关街道: t2 + 1 overdue case; 城南街道: 1 open case; not dispatched: 1
    assert [(u.name, u.tasks, u.cases) for u in a1a.units] == [("城关街道", 1, 1), ("城南街道", 0, 1), ("待派遣", 0, 1)]
    b2 = r.node("B2")
    assert [(u.name, u.tasks) for u in b2.units] == [("县住建局", 1), ("城南街道", 1)]


def test_the_gap_is_split_among_units_and_adds_up(ready):
    r = compute_readiness(ready.campaign)
    by_unit = {g.name: (g.task_gap, g.case_gap, g.unfinished_tasks, g.open_cases, g.overdue_cases) for g in r.by_unit}
    # 城关街道: A1a t2 20 × 0.6 × 0.6 / 2 = 3.6, A1b t3 10 × 0.6 × 0.8125 = 4.875; cases: its overdue case
    # weighs 2 of 4 in A1a's case gap 20 × 0.4 × 0.4 = 3.2 → 1.6 and in A1b's 1.6 → 0.8.
    assert by_unit["城关街道"] == (d("8.475"), d("2.4"), 2, 1, 1)
    assert by_unit["城南街道"] == (0, d("1.2"), 0, 1, 0)
    # 住建局: B1 t4 (B is scaled × 2) 40 × 0.6 × 0.25 = 6, B2 t5 20; B1 cases 40 × 0.4 × 0.1 = 1.6
    assert by_unit["县住建局"] == (d("26"), d("1.6"), 2, 1, 0)
    assert [g.name for g in r.by_unit] == ["县住建局", "城关街道", "城南街道"]
    assert (r.untasked_gap, r.undispatched_gap) == (d("24"), d("1.2"))
    assert sum(g.gap for g in r.by_unit) + r.untasked_gap + r.undispatched_gap == r.gap_total


def test_weights_are_read_from_the_campaign(ready):
    ready.campaign.task_weight = d("1.00")
    ready.campaign.save()
    # No case part any more: A1a = 20 × 0.7 = 14
    assert compute_readiness(ready.campaign).node("A1a").predicted == d("14")


def test_the_next_milestone_counts_down(ready):
    Milestone.objects.create(
        campaign=ready.campaign, kind=MilestoneKind.SELF_CHECK, name="自查", date=TODAY - dt.timedelta(days=3)
    )
    Milestone.objects.create(
        campaign=ready.campaign, kind=MilestoneKind.PROVINCIAL_CHECK, name="省级验收", date=dt.date(2026, 12, 20)
    )
    r = compute_readiness(ready.campaign)
    assert (r.next_milestone.name, r.days_to_milestone) == ("省级验收", 26)


def test_an_empty_campaign_predicts_nothing(world):
    empty = Campaign.objects.create(
        code="YL",
        name="园林",
        kind=CampaignKind.GARDEN,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="x",
        pass_score=d("80"),
    )
    r = compute_readiness(empty)
    assert (r.predicted_total, r.max_total, r.nodes, r.by_unit) == (0, 0, [], [])


def test_it_reads_a_constant_number_of_queries(ready, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        compute_readiness(ready.campaign)


# ---- as of a past day --------------------------------------------------------------------------


def test_as_of_a_past_day_it_uses_the_progress_and_cases_of_that_day(ready):
    r = compute_readiness(ready.campaign, as_of=dt.date(2026, 11, 10))
    a1a, a1b, b1 = r.node("A1a"), r.node("A1b"), r.node("B1")
    # t1 was at an accepted 50 % without its file yet: 0.5 × 0.75 = 0.375; t2 at 20 %.
    assert {t.code: t.credit for t in a1a.tasks} == {"t1": d("0.375"), "t2": d("0.2")}
    # t3 at 50 %, not yet overdue (deadline 20 Nov), no file: 0.375.
    assert (a1b.tasks[0].credit, a1b.tasks[0].overdue) == (d("0.375"), False)
    # Cases open on 10 Nov: open_b (not overdue) and the one closed on 15 Nov, then past its
    # 9 Nov deadline → 1 + 2 × 1 = 3 → C = 0.7. The others came later.
    assert (a1a.case_load, a1a.case_part) == (3, d("0.7"))
    # A1a = 20 × (0.6 × 0.2875 + 0.4 × 0.7) = 9.05; A1b = 10 × (0.6 × 0.375 + 0.28) = 5.05
    assert (a1a.predicted, a1b.predicted) == (d("9.05"), d("5.05"))
    # t4 had nothing accepted: B1 = 20 × 0.4 × 1 = 8; the billboard case came on 18 Nov.
    assert (b1.task_part, b1.case_part, b1.predicted) == (0, 1, d("8"))
    # A = 9.05 + 5.05 + 6 = 20.1; B = 2 × (8 + 0) = 16
    assert r.predicted_total == d("36.1")


def test_as_of_today_matches_now(ready):
    assert compute_readiness(ready.campaign, as_of=TODAY).predicted_total == d("55.125")


# ---- snapshots -------------------------------------------------------------------------------------


def test_the_tick_takes_one_snapshot_per_campaign_per_day(ready):
    now = at(11, 24, 0)
    assert take_snapshots(now) == 1
    assert take_snapshots(now) == 0
    assert take_snapshots(at(11, 24, 23)) == 0
    snap = ReadinessSnapshot.objects.get()
    assert (snap.taken_on, snap.predicted_total, snap.max_total) == (TODAY, d("55.13"), d("120.00"))
    assert snap.by_node == {str(ready.nodes["A"].pk): 22.73, str(ready.nodes["B"].pk): 32.4}
    assert take_snapshots(at(11, 25, 0)) == 1


def test_inactive_campaigns_get_no_snapshot(ready):
    ready.campaign.is_active = False
    ready.campaign.save()
    assert take_snapshots(at(11, 24)) == 0


def test_backfill_computes_past_weeks_once_and_keeps_live_snapshots(ready):
    take_snapshots(at(11, 24))
    assert backfill_snapshots(ready.campaign, weeks=2) == 2
    assert backfill_snapshots(ready.campaign, weeks=2) == 0
    rows = {s.taken_on: s.predicted_total for s in trend(ready.campaign)}
    # 10 Nov as computed above; 17 Nov: t1 100 % with its file (1), t2 20 % → T 0.6; t3 0.375;
    # cases open_b and overdue_a (deadline 20 Nov, not yet overdue; the other closed on 15 Nov)
    # → 2 → C 0.8: A1a = 20 × (0.36 + 0.32) = 13.6, A1b = 10 × (0.225 + 0.32) = 5.45, A = 25.05;
    # B1: t4 0, the billboard case came on 18 Nov → 8; B = 16 → 41.05. Today 55.125 → 55.13.
    assert rows == {dt.date(2026, 11, 10): d("36.10"), dt.date(2026, 11, 17): d("41.05"), TODAY: d("55.13")}


def test_the_trend_keeps_the_last_eight_weeks(ready):
    for weeks_ago in (9, 8, 1):
        ReadinessSnapshot.objects.create(
            campaign=ready.campaign, taken_on=TODAY - dt.timedelta(weeks=weeks_ago), predicted_total=1, max_total=120
        )
    assert [s.taken_on for s in trend(ready.campaign)] == [TODAY - dt.timedelta(weeks=8), TODAY - dt.timedelta(weeks=1)]


def test_the_units_list_keeps_a_task_unit_that_also_holds_a_few_cases(ready, world):
    """Six other units hold more cases of 暴露垃圾 than 城关街道 (1 overdue case + task t2), yet with
    its task it totals 2 and beats the units holding 2 cases and no task."""
    from chuangcheng.org.choices import UnitGroup, UnitKind
    from chuangcheng.org.services import unit_create

    garbage = Category.objects.get(name="暴露垃圾")
    for n, count in enumerate([6, 5, 4, 3, 2, 2], start=1):
        unit = unit_create(
            name=f"社区{n}",
            code=f"T09C{n:02d}",
            kind=UnitKind.COMMUNITY,
            group=UnitGroup.COMMUNITY,
            parent=world.town_b,
        )
        for k in range(count):
            Case.objects.create(
                code=f"X{n}{k}", source=Source.PATROL, category=garbage, description="暴露垃圾", lon=114.3, lat=34.8,
                status=Status.DISPATCHED, unit=unit, deadline=at(12, 20),
            )  # fmt: skip
    a1a = compute_readiness(ready.campaign).node("A1a")
    assert [(u.name, u.tasks, u.cases) for u in a1a.units] == [
        ("社区1", 0, 6),
        ("社区2", 0, 5),
        ("社区3", 0, 4),
        ("社区4", 0, 3),
        ("城关街道", 1, 1),
    ]


def test_the_tick_command_takes_the_snapshots(ready):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("tick", stdout=out)
    assert "达标预测快照：1" in out.getvalue()
    assert ReadinessSnapshot.objects.filter(campaign=ready.campaign, taken_on=TODAY).exists()
