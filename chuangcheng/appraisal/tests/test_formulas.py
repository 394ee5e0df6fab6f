"""November 2026 in a small county, every unit's every figure computed by hand.

Every case below uses a 48 natural-hour limit (see conftest): dispatched at 10:00 on day d,
it is due at 10:00 on day d + 2.

城关街道 (town_a)
  A1 dispatched 2nd, handled 3rd (on time), closed 3rd.
  A2 dispatched 5th (due 7th), handled 8th (late), closed 8th.
  A3 dispatched 10th, handled 11th (on time), 核查不通过 11th 15:00 → 返工 due 13th 15:00,
     handled 12th (on time), closed 12th.
  A4 dispatched 20th (due 22nd), never handled: 超期未处置 at the month's end.
  A5 dispatched 29th (due 1 Dec 10:00): not yet due, not overdue.
  A6 dispatched 15th (due 17th), extension +24 h approved 16th (due 18th), handled 18th 09:00
     (on time), not yet verified.
城南街道 (town_b)
  B1 dispatched 3rd, handled 4th, closed; B2 dispatched 6th, handled 7th, closed.
县住建局 (housing)
  H1 dispatched 28 Oct (due 30 Oct), handled 3 Nov (late: October's figure), closed 4 Nov.
  H2, H5, H6 dispatched 2nd/9th/12th, handled the next day (on time), closed.
  H7 dispatched 16th (due 18th), handled 20th (late), closed 20th.
  H3 dispatched 2nd, returned (退回) 2nd 11:00: counted against nobody.
  H4 dispatched 9th, suspended (挂账) 10th: left out while suspended.
  Tasks: T1 due 15 Nov done 14 Nov; T2 due 20 Nov never done; T3 due 10 Dec (not November's);
  T4 due 28 Nov, moved on 2 Dec to 20 Dec: November counts it as due 28 Nov and not met.
  督办单 N1 on T2, issued 10 Nov, replied 11 Nov within its deadline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chuangcheng.appraisal import services
from chuangcheng.appraisal.models import UnitResult
from chuangcheng.appraisal.scoring import Scored, assign_boards, rank_group
from chuangcheng.cases import services as cases
from chuangcheng.indicators import services as ledger
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode

from .conftest import County, at

pytestmark = pytest.mark.django_db


def make_tasks(c: County) -> dict[str, object]:
    w = c.world
    c.move(at(10, 21, 9))
    campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="2024年版",
        pass_score=Decimal("85"),
    )
    node = IndicatorNode.objects.create(
        campaign=campaign, code="P1", name="公共环境", level=NodeLevel.PROJECT, max_score=Decimal("10")
    )
    node.path = f"/{node.pk}/"
    node.save(update_fields=["path"])

    def task(code: str, deadline: dt.date):  # type: ignore[no-untyped-def]
        return ledger.task_create(
            by=w.office,
            campaign=campaign,
            indicator=node,
            code=code,
            title=f"背街小巷整治（{code}）",
            target="整治到位",
            lead_unit=w.housing,
            deadline=deadline,
        )

    tasks = {
        "T1": task("T1", dt.date(2026, 11, 15)),
        "T2": task("T2", dt.date(2026, 11, 20)),
        "T3": task("T3", dt.date(2026, 12, 10)),
        "T4": task("T4", dt.date(2026, 11, 28)),
    }
    c.move(at(11, 13))
    report, _created = ledger.report_progress(task=tasks["T1"], by=c.housing_admin, percent=100, narrative="已完成")
    c.move(at(11, 14))
    ledger.review_report(report=report, by=w.office, accept=True)
    c.move(at(11, 10))
    notice = ledger.notice_issue(task=tasks["T2"], by=w.office, reason="进度滞后", reply_days=2)
    c.move(at(11, 11))
    ledger.notice_reply(notice=notice, by=c.housing_admin, reply="已加派人手")
    tasks["N1"] = notice
    return tasks


@pytest.fixture
def november(county: County) -> County:
    c, w = county, county.world
    housing, town_a, town_b = w.housing, w.town_a, w.town_b
    # 住建局, starting in October.
    h1 = c.dispatched(housing, at(10, 28))
    c.handle(h1, at(11, 3))
    c.verify(h1, at(11, 4))
    for day in (2, 9, 12):
        c.closed(housing, at(11, day), at(11, day + 1), at(11, day + 1, 15))
    c.closed(housing, at(11, 16), at(11, 20), at(11, 20, 15))
    h3 = c.dispatched(housing, at(11, 2))
    c.move(at(11, 2, 11))
    cases.case_return(case=h3, by=c.housing_admin, reason="不属于本单位")
    h4 = c.dispatched(housing, at(11, 9))
    c.move(at(11, 10))
    cases.case_suspend(case=h4, by=w.office, project="背街小巷改造工程", reason="需立项改造")
    # 城关街道.
    c.closed(town_a, at(11, 2), at(11, 3), at(11, 3, 15))
    c.closed(town_a, at(11, 5), at(11, 8), at(11, 8, 15))
    a3 = c.dispatched(town_a, at(11, 10))
    c.handle(a3, at(11, 11))
    c.verify(a3, at(11, 11, 15), passed=False)
    c.handle(a3, at(11, 12))
    c.verify(a3, at(11, 12, 15))
    c.dispatched(town_a, at(11, 20))
    c.dispatched(town_a, at(11, 29))
    a6 = c.dispatched(town_a, at(11, 15))
    c.extend(a6, at(11, 16), hours=24)
    c.handle(a6, at(11, 18, 9))
    # 城南街道.
    c.closed(town_b, at(11, 3), at(11, 4), at(11, 4, 15))
    c.closed(town_b, at(11, 6), at(11, 7), at(11, 7, 15))
    make_tasks(c)
    # After the month: T4's deadline moves; recomputing November must not see it.
    c.move(at(12, 2))
    task4 = next(t for t in ledger.Task.objects.filter(code="T4"))
    ledger.task_update(task=task4, by=w.office, deadline=dt.date(2026, 12, 20))
    c.move(at(12, 3))
    return c


def figures_of(result: UnitResult) -> dict[str, tuple]:
    """kind → (state, num, den, score) as stored, for compact assertions."""
    return {k: (f["state"], f["num"], f["den"], f["score"]) for k, f in result.figures.items()}


def run_november(c: County):  # type: ignore[no-untyped-def]
    scheme = services.scheme_create_default(by=c.world.office)
    return services.month_run_create(scheme=scheme, by=c.world.office, year=2026, month=11)


def test_every_component_of_every_unit(november: County) -> None:
    w = november.world
    run = run_november(november)
    results = {r.unit_id: r for r in run.results.all()}

    a = figures_of(results[w.town_a.pk])
    assert a["case_count"] == ("scored", 6, None, "100")  # A1–A6; A3's rework is no new 立案; bands ≤10 → 100
    assert a["on_time_handle"] == ("scored", 4, 6, "66.67")  # due: A1✓ A2✗ A3✓ A3返工✓ A4✗ A6✓
    assert a["close_rate"] == ("scored", 3, 5, "60.00")  # due cases A1 A2 A3 A4 A6; closed A1 A2 A3
    assert a["on_time_close"] == ("scored", 2, 5, "40.00")  # closed and on time: A1 A3
    assert a["rework"] == ("scored", 1, 5, "80.00")  # 处置 A1 A2 A3 A3 A6; 返工 A3 → (1 − 1/5) × 100
    assert a["extension"] == ("scored", 1, 7, "85.71")  # rounds held A1 A2 A3 A3′ A4 A5 A6; one extension
    assert a["overdue_open"] == ("scored", 1, None, "95.00")  # A4: 100 − 5 × 1
    assert a["task_on_time"][0] == "no_denominator"
    assert results[w.town_a.pk].figures["task_on_time"]["label"] == "无到期任务"
    # (10×100 + 30×60 + 30×66.67 + 30×80 + 10×40 + 5×85.71 + 10×95) / (10+30+30+30+10+5+10)
    # = (1000 + 1800 + 2000.10 + 2400 + 400 + 428.55 + 950) / 125 = 8978.65 / 125 = 71.8292
    assert results[w.town_a.pk].total == Decimal("71.83")
    assert results[w.town_a.pk].grade == "C"

    b = figures_of(results[w.town_b.pk])
    assert b["on_time_handle"] == ("small_sample", 2, 2, None)
    assert results[w.town_b.pk].figures["on_time_handle"]["label"] == "样本不足（2 件）"
    # Only 立案数 (2 → 100) and 超期未处置 (0 → 100) are scored: (10×100 + 10×100) / 20.
    assert results[w.town_b.pk].total == Decimal("100.00")

    h = figures_of(results[w.housing.pk])
    assert h["case_count"] == ("scored", 5, None, "100")  # H2 H4 H5 H6 H7; H3 was returned
    assert h["on_time_handle"] == ("scored", 3, 4, "75.00")  # H2✓ H5✓ H6✓ H7✗ (H1 was October's)
    assert h["close_rate"] == ("scored", 4, 4, "100.00")
    assert h["on_time_close"] == ("scored", 3, 4, "75.00")
    assert h["rework"] == ("scored", 0, 5, "100.00")  # 处置 H1 H2 H5 H6 H7
    assert h["extension"] == ("scored", 0, 5, "100.00")  # held H1 H2 H5 H6 H7 (H3 returned, H4 suspended)
    assert h["overdue_open"] == ("scored", 0, None, "100.00")
    assert h["task_on_time"] == ("scored", 1, 3, "33.33")  # due T1✓ T2✗ T4✗ (28 Nov as it stood)
    assert h["notice_on_time"] == ("scored", 1, 1, "100.00")
    assert h["inspection"][0] == "no_denominator"
    # (10×100 + 30×100 + 30×75 + 30×100 + 10×75 + 5×100 + 10×100 + 20×33.33 + 10×100) / 155
    # = 13166.60 / 155 = 84.9458
    assert results[w.housing.pk].total == Decimal("84.95")
    assert results[w.housing.pk].grade == "B"

    # Departments: the two offices had nothing (100), housing third; the same total → the same rank.
    assert results[w.office_unit.pk].rank == results[w.supervision_unit.pk].rank == 1
    assert results[w.housing.pk].rank == 3
    assert results[w.town_b.pk].rank == 1 and results[w.town_a.pk].rank == 2


def test_a_unit_rated_by_counts_alone_is_ranked_but_stays_off_the_red_board(november: County) -> None:
    """城南街道 leads the towns on 立案数 and 超期未处置 alone (its two cases are too few to rate), and
    the two offices had no case at all: none of them is on the 红榜. 县住建局, the one department
    with rates, is last of three, so not in the upper half: no department is red either."""
    w = november.world
    run = run_november(november)
    results = {r.unit_id: r for r in run.results.all()}
    assert results[w.town_b.pk].rank == 1 and results[w.town_b.pk].board == ""
    assert results[w.town_a.pk].board == "black"
    assert [results[u.pk].board for u in (w.office_unit, w.supervision_unit, w.housing)] == ["", "", "black"]

    # The office may turn the rule off (the scheme's setting, frozen into the run at its computing).
    scheme = run.scheme
    scheme.red_needs_rate = False
    scheme.save()
    services.run_recompute(run=run, by=w.office)
    results = {r.unit_id: r for r in run.results.all()}
    assert results[w.town_b.pk].board == "red"
    assert results[w.office_unit.pk].board == results[w.supervision_unit.pk].board == "red"


def _row(unit_id: int, total: str, eligible: bool = True) -> Scored:
    return Scored(unit_id, "department", {}, {}, Decimal(total), Decimal(0), Decimal(total), {}, red_eligible=eligible)


def test_the_red_board_passes_over_ineligible_units_within_the_upper_half() -> None:
    """Twelve departments, the first three with no case due (100, not eligible): the 红榜's three seats
    go to the next three, a tie at the third seat takes both; nobody below the middle."""
    rows = [_row(i, "100", eligible=False) for i in (1, 2, 3)]
    rows += [_row(4, "95"), _row(5, "93"), _row(6, "90"), _row(7, "90"), _row(8, "80"), _row(9, "70"), _row(10, "60")]
    rows += [_row(11, "55"), _row(12, "50")]
    rank_group(rows, "shared")
    assign_boards(rows, red_top_n=3, black_bottom_n=2, red_min_score=None, black_max_score=None)
    assert [r.unit_id for r in rows if r.board == "red"] == [4, 5, 6, 7]
    assert [r.unit_id for r in rows if r.board == "black"] == [11, 12]

    few = [_row(1, "100", eligible=False), _row(2, "100", eligible=False), _row(3, "99"), _row(4, "50")]
    rank_group(few, "shared")
    assign_boards(few, red_top_n=3, black_bottom_n=1, red_min_score=None, black_max_score=None)
    assert [r.board for r in few] == ["", "", "", "black"]  # 3rd of 4 is below the upper half


def test_a_tie_across_the_group_puts_nobody_on_the_black_board() -> None:
    """Four units all at 80 share rank 1: "the bottom two" would be everyone, so the 黑榜 by rank only
    reaches units in the lower half of the group; a tie at the bottom across the middle stays off it."""
    tied = [_row(i, "80", eligible=False) for i in (1, 2, 3, 4)]
    rank_group(tied, "shared")
    assign_boards(tied, red_top_n=1, black_bottom_n=2, red_min_score=None, black_max_score=None)
    assert [r.board for r in tied] == ["", "", "", ""]

    middle = [_row(1, "95"), _row(2, "70"), _row(3, "70"), _row(4, "70")]
    rank_group(middle, "shared")
    assign_boards(middle, red_top_n=1, black_bottom_n=1, red_min_score=None, black_max_score=None)
    assert [r.board for r in middle] == ["red", "", "", ""]

    # A score line still applies to everyone below it, tie or not.
    assign_boards(tied, red_top_n=1, black_bottom_n=2, red_min_score=None, black_max_score=Decimal("85"))
    assert [r.board for r in tied] == ["black"] * 4


def test_traced_ids_are_the_cases_counted(november: County) -> None:
    w = november.world
    run = run_november(november)
    result = run.results.get(unit=w.town_a)
    trace = result.trace["on_time_handle"]
    assert trace["model"] == "case"
    assert len(trace["den"]) == 6 and len(set(trace["den"])) == 5  # A3 counted twice: two rounds
    overdue = result.trace["overdue_open"]["num"]
    from chuangcheng.cases.models import Case

    assert [c.dispatched_at.day for c in Case.objects.filter(pk__in=overdue)] == [20]


def test_recomputing_later_gives_the_same_answer(november: County) -> None:
    """Events after the month (A4 handled, A6 closed, a new case) do not change November."""
    c, w = november, november.world
    run = run_november(c)
    before = {r.unit_id: (r.total, r.figures) for r in run.results.all()}
    a4 = cases.Case.objects.get(unit=w.town_a, dispatched_at=at(11, 20))
    c.handle(a4, at(12, 4))
    a6 = cases.Case.objects.get(unit=w.town_a, dispatched_at=at(11, 15))
    c.verify(a6, at(12, 4, 15))
    c.dispatched(w.town_a, at(12, 7))
    c.move(at(12, 8))
    services.run_recompute(run=run, by=w.office)
    after = {r.unit_id: (r.total, r.figures) for r in run.results.all()}
    assert after == before


def test_adjustments_change_total_and_rank_at_once(november: County) -> None:
    w = november.world
    run = run_november(november)
    services.adjustment_add(
        run=run, unit=w.town_b, kind="superior_notice", points=Decimal("-30"), reason="被市创建办通报", by=w.office
    )
    results = {r.unit_id: r for r in run.results.all()}
    assert results[w.town_b.pk].total == Decimal("70.00") and results[w.town_b.pk].adjustment == Decimal("-30.00")
    assert results[w.town_a.pk].rank == 1 and results[w.town_b.pk].rank == 2
    assert results[w.town_b.pk].board == "black"


def test_tie_break_rule_orders_equal_totals(november: County) -> None:
    w = november.world
    scheme = services.scheme_create_default(by=w.office)
    scheme.tie_break = "on_time_handle"
    scheme.save()
    run = services.month_run_create(scheme=scheme, by=w.office, year=2026, month=11)
    # Town B's 100 vs town A's 71.83 + 28.17: equal totals; B's 按期处置率 100 % > A's 66.67 %.
    services.adjustment_add(run=run, unit=w.town_a, kind="praise", points=Decimal("28.17"), reason="表扬", by=w.office)
    results = {r.unit_id: r for r in run.results.all()}
    assert results[w.town_a.pk].total == results[w.town_b.pk].total == Decimal("100.00")
    assert (results[w.town_b.pk].rank, results[w.town_a.pk].rank) == (1, 2)
    # With the shared rule the two tie.
    scheme.tie_break = "shared"
    scheme.save()
    services.run_recompute(run=run, by=w.office)
    results = {r.unit_id: r for r in run.results.all()}
    assert results[w.town_a.pk].rank == results[w.town_b.pk].rank == 1


def test_a_unit_created_during_the_month_is_ranked_with_a_note(november: County) -> None:
    from chuangcheng.org.choices import UnitGroup, UnitKind
    from chuangcheng.org.services import unit_create

    c, w = november, november.world
    c.move(at(11, 15, 9))
    new_town = unit_create(
        name="城北街道", code="T03", kind=UnitKind.TOWN, group=UnitGroup.TOWN, parent=w.county, by=w.office
    )
    c.move(at(12, 3))
    run = run_november(c)
    result = run.results.get(unit=new_town)
    assert result.note == "本月新设（11月15日起）"
    assert result.total == Decimal("100.00") and result.rank is not None


def test_a_merged_unit_counts_at_its_successor(november: County) -> None:
    """城南街道 is merged into 城关街道 on 20 November: November ranks only 城关街道, with B's cases;
    October, recomputed afterwards, still ranks both."""
    from chuangcheng.org.services import unit_merge

    c, w = november, november.world
    unit_merge(unit=w.town_b, into=w.town_a, by=w.office, at=at(11, 20))
    run = run_november(c)
    units = set(run.results.values_list("unit_id", flat=True))
    assert w.town_b.pk not in units
    a = run.results.get(unit=w.town_a)
    assert a.note == "含并入单位：城南街道"
    assert a.figures["case_count"]["num"] == 6 + 2
    assert a.figures["on_time_handle"]["num"] == 4 + 2 and a.figures["on_time_handle"]["den"] == 6 + 2
    october = services.month_run_create(scheme=run.scheme, by=w.office, year=2026, month=10)
    assert w.town_b.pk in set(october.results.values_list("unit_id", flat=True))
