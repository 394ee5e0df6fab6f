"""Readiness benchmark: 3 campaigns × 300 indicator nodes × 2,000 tasks with N cases (default 1 M).

One throwaway database (var/bench/readiness.sqlite3, or PostgreSQL when BENCH_DATABASE_URL is
set — it is wiped) with the demo county at scale 1 and ``DemoCasesBuilder`` cases (``--cases``,
default BENCH_CASES or 1 000 000), then three campaigns generated here: 6 测评项目 × 7 指标 ×
6 测评内容 (300 nodes), 2,000 tasks each (most on the leaves, some on the 指标, a tenth of the
leaves untasked) in every state, accepted reports with and without evidence files, and case
categories linked to the 指标 and some 测评项目.

Times ``readiness.compute_readiness`` for the three campaigns against the same computation as
hand-written SQL (a few aggregate queries + the same Decimal arithmetic in plain Python, no
ORM), median of ``--runs`` (target ≤ 2×), and checks both give the same totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
from collections import defaultdict
from decimal import Decimal

from benchenv import (
    BENCH_DIR,
    build_county_and_cases,
    save_results,
    setup_django,
    setup_django_postgres,
    setup_django_sqlite,
)

CAMPAIGNS = 3
PROJECTS, INDICATORS, CONTENTS = 6, 7, 6  # 6 + 42 + 252 = 300 nodes
TASKS = 2000
ONE, ZERO = Decimal(1), Decimal(0)


# ----- database -------------------------------------------------------------------------------


def setup(reuse: bool) -> bool:
    """Django on a fresh database; True when the case benchmark's SQLite file was copied instead
    (``--reuse-cases``: make bench already generated the cases once)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        setup_django_postgres(url, flush=True)
        return False
    source = BENCH_DIR / "cases.sqlite3"
    if reuse and source.exists():
        _copy_sqlite(source, BENCH_DIR / "readiness.sqlite3")
        setup_django_sqlite(BENCH_DIR / "readiness.sqlite3")
        return True
    setup_django("readiness")
    return False


def _copy_sqlite(source, target) -> None:  # type: ignore[no-untyped-def]
    """A consistent copy of a WAL-mode SQLite database (the backup API, not a file copy)."""
    import sqlite3

    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def build_cases(cases: int) -> dict[str, float]:
    summary, county_s, generate_s = build_county_and_cases(cases)
    print(f"生成 {summary.cases:,} 件演示案卷：{generate_s:.1f} s（演示县 {county_s:.1f} s）", flush=True)
    return {"cases": summary.cases, "generate_s": generate_s}


def build_campaigns(seed: int = 1) -> float:
    """Three campaigns of 300 nodes and 2,000 tasks each, written with bulk_create."""
    from django.db import transaction
    from django.utils import timezone

    from chuangcheng.cases.models import Category
    from chuangcheng.indicators.choices import CampaignKind, NodeLevel, ReportStatus, TaskStatus, TitleLevel
    from chuangcheng.indicators.models import (
        Campaign,
        Evidence,
        IndicatorNode,
        Milestone,
        ProgressReport,
        Task,
    )
    from chuangcheng.org.models import Unit

    started = time.perf_counter()
    rng = random.Random(f"readiness-{seed}")
    today = timezone.localdate()
    now = timezone.now()
    units = list(Unit.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    leaves = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    bigs = list(Category.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    kinds = [CampaignKind.CIVILIZED, CampaignKind.SANITARY, CampaignKind.GARDEN]
    with transaction.atomic():
        for n, kind in enumerate(kinds, start=1):
            campaign = Campaign.objects.create(
                code=f"BENCH-{n}",
                name=f"基准创建项目{n}",
                kind=kind,
                title_level=TitleLevel.NATIONAL,
                framework_edition="基准",
                pass_score=Decimal("85"),
            )
            Milestone.objects.create(
                campaign=campaign, kind="provincial_check", name="省级验收", date=today + dt.timedelta(days=40)
            )

            def level(parents, count, lvl, score, campaign=campaign):  # type: ignore[no-untyped-def]
                rows = [
                    IndicatorNode(
                        campaign=campaign,
                        parent=p,
                        code=f"{p.code + '.' if p else 'N'}{i + 1}",
                        name=f"指标{i + 1}",
                        level=lvl,
                        max_score=Decimal(score),
                        sort_order=i,
                    )
                    for p in parents
                    for i in range(count)
                ]
                return IndicatorNode.objects.bulk_create(rows)

            projects = level([None], PROJECTS, NodeLevel.PROJECT, "16.80")
            indicators = level(projects, INDICATORS, NodeLevel.INDICATOR, "2.40")
            contents = level(indicators, CONTENTS, NodeLevel.CONTENT, "0.40")
            through = IndicatorNode.categories.through
            links = [through(indicatornode_id=i.pk, category_id=c) for i in indicators for c in rng.sample(leaves, 2)]
            links += [through(indicatornode_id=p.pk, category_id=rng.choice(bigs)) for p in projects[:2]]
            through.objects.bulk_create(links, ignore_conflicts=True)
            tasked = [c for c in contents if rng.random() > 0.1]
            tasks = []
            for t in range(TASKS):
                node = rng.choice(indicators) if t % 10 == 0 else rng.choice(tasked)
                status = rng.choice(
                    [TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED, TaskStatus.PENDING_REVIEW]
                )
                percent = (
                    100
                    if status == TaskStatus.DONE
                    else (0 if status == TaskStatus.NOT_STARTED else rng.randrange(10, 95, 5))
                )
                tasks.append(
                    Task(
                        campaign=campaign,
                        indicator=node,
                        code=f"T{t + 1:05d}",
                        title=f"创建任务{t + 1}",
                        target="按测评标准完成",
                        lead_unit_id=rng.choice(units),
                        deadline=today + dt.timedelta(days=rng.randint(-40, 90)),
                        evidence_types=["document"] if rng.random() < 0.6 else [],
                        status=status,
                        percent=percent,
                    )
                )
            tasks = Task.objects.bulk_create(tasks)
            coop = Task.cooperating_units.through
            coop.objects.bulk_create(
                [coop(task_id=t.pk, unit_id=rng.choice(units)) for t in tasks if rng.random() < 0.4],
                ignore_conflicts=True,
            )
            reports = [
                ProgressReport(
                    task=t,
                    unit_id=t.lead_unit_id,
                    reported_at=now - dt.timedelta(days=rng.randint(2, 50)),
                    percent=t.percent,
                    narrative="按计划推进",
                    status=ReportStatus.ACCEPTED,
                    reviewed_at=now - dt.timedelta(days=1),
                )
                for t in tasks
                if t.percent
            ]
            reports = ProgressReport.objects.bulk_create(reports)
            Evidence.objects.bulk_create(
                [
                    Evidence(
                        report=r,
                        file="evidence/bench.pdf",
                        original_name="方案.pdf",
                        file_type="pdf",
                        size=1,
                        sha256="0" * 64,
                    )
                    for r in reports
                    if rng.random() < 0.7
                ]
            )
    return time.perf_counter() - started


# ----- the two computations --------------------------------------------------------------------


def orm_all(campaigns: list) -> dict[str, Decimal]:
    from chuangcheng.indicators.readiness import compute_readiness

    return {c.code: compute_readiness(c).predicted_total for c in campaigns}


def _in(values) -> str:  # type: ignore[no-untyped-def]
    return ", ".join(["%s"] * len(values))


def _date(value) -> dt.date:  # type: ignore[no-untyped-def]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def sql_one(cursor, campaign, now: dt.datetime, today: dt.date, adapt) -> Decimal:  # type: ignore[no-untyped-def]
    """The readiness of one campaign from raw rows: the same formula, causes and unit split."""
    from chuangcheng.cases.choices import Status

    cid = campaign.pk
    w, over_keep = campaign.task_weight, ONE - campaign.overdue_task_penalty
    ev_keep, untasked = ONE - campaign.missing_evidence_penalty, campaign.untasked_credit
    tolerance, factor = campaign.case_tolerance, campaign.overdue_case_factor
    cursor.execute(
        "SELECT id, parent_id, code, name, level, max_score, sort_order FROM indicators_indicatornode "
        "WHERE campaign_id = %s",
        [cid],
    )
    nodes = {r[0]: r for r in cursor.fetchall()}
    cursor.execute(
        "SELECT l.indicatornode_id, l.category_id FROM indicators_indicatornode_categories l "
        "JOIN indicators_indicatornode n ON n.id = l.indicatornode_id WHERE n.campaign_id = %s",
        [cid],
    )
    linked: dict[int, set[int]] = defaultdict(set)
    for node_id, cat in cursor.fetchall():
        linked[node_id].add(cat)
    cursor.execute(
        "SELECT id, indicator_id, status, percent, deadline, evidence_types, lead_unit_id FROM indicators_task "
        "WHERE campaign_id = %s ORDER BY deadline, code",
        [cid],
    )
    task_rows = cursor.fetchall()
    cursor.execute(
        "SELECT DISTINCT r.task_id FROM indicators_progressreport r JOIN indicators_evidence e ON e.report_id = r.id "
        "JOIN indicators_task t ON t.id = r.task_id WHERE t.campaign_id = %s AND r.status = 'accepted'",
        [cid],
    )
    with_evidence = {r[0] for r in cursor.fetchall()}
    cursor.execute(
        "SELECT c.task_id, c.unit_id FROM indicators_task_cooperating_units c "
        "JOIN indicators_task t ON t.id = c.task_id WHERE t.campaign_id = %s",
        [cid],
    )
    coop: dict[int, list[int]] = defaultdict(list)
    for task_id, unit_id in cursor.fetchall():
        coop[task_id].append(unit_id)
    credits: dict[int, list[tuple[int, Decimal, int]]] = defaultdict(list)  # node → (task, credit, lead)
    for pk, node_id, status, percent, deadline, evidence_types, lead in task_rows:
        done = status == "done"
        credit = ONE if done else Decimal(percent) / 100
        if not done and _date(deadline) < today:
            credit *= over_keep
        types = json.loads(evidence_types) if isinstance(evidence_types, str) else evidence_types
        if types and pk not in with_evidence:
            credit *= ev_keep
        credits[node_id].append((pk, credit, lead))
    wanted = set().union(*linked.values()) if linked else set()
    members: dict[int, set[int]] = defaultdict(set)
    cases: dict[int, dict] = {}
    if wanted:
        ids = sorted(wanted)
        cursor.execute(
            f"SELECT id, parent_id, name FROM cases_category WHERE id IN ({_in(ids)}) OR parent_id IN ({_in(ids)})",
            ids + ids,
        )
        for cat, parent, _name in cursor.fetchall():
            members[cat].add(cat)
            if parent is not None:
                members[parent].add(cat)
            cases[cat] = {}
        cats = sorted(cases)
        opened, held = sorted(Status.open()), sorted(Status.with_unit())
        cursor.execute(
            "SELECT category_id, unit_id, COUNT(*), "
            f"SUM(CASE WHEN status IN ({_in(held)}) AND deadline < %s THEN 1 ELSE 0 END) FROM cases_case "
            f"WHERE status IN ({_in(opened)}) AND category_id IN ({_in(cats)}) GROUP BY category_id, unit_id",
            [*held, adapt(now), *opened, *cats],
        )
        for cat, unit, n, late in cursor.fetchall():
            cases[cat][unit] = (n, int(late or 0))
    children: dict[int | None, list] = defaultdict(list)
    for row in sorted(nodes.values(), key=lambda r: (r[6], r[2])):
        children[row[1]].append(row)
    unit_gap: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    closers: dict[int, list] = {}

    def leaf(row, borrowed, cats: set[int], scale: Decimal) -> Decimal:  # type: ignore[no-untyped-def]
        max_score = Decimal(str(row[5]))
        t_part = sum((c for _, c, _ in borrowed), ZERO) / len(borrowed) if borrowed else untasked
        loads: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
        if borrowed:
            for pk, credit, lead in borrowed:
                if credit < ONE:
                    loads[lead][0] += 1
                    for u in coop[pk]:
                        loads[u][0] += 1
                    unit_gap[lead] += max_score * scale * (w if cats else ONE) * (ONE - credit) / len(borrowed)
        if not cats:
            closers[row[0]] = sorted(loads.items(), key=lambda kv: -sum(kv[1]))[:5]
            return max_score * t_part
        weight = w
        covered = set().union(*(members.get(c, set()) for c in cats))
        by_unit: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
        for cat in covered:
            for unit, (n, late) in cases[cat].items():
                by_unit[unit][0] += n
                by_unit[unit][1] += late
        open_n = sum(v[0] for v in by_unit.values())
        late_n = sum(v[1] for v in by_unit.values())
        load = open_n - late_n + factor * late_n
        c_part = ONE - min(ONE, Decimal(load) / tolerance) if tolerance else (ZERO if load else ONE)
        case_gap = max_score * scale * (ONE - weight) * (ONE - c_part)
        for unit, (n, late) in by_unit.items():
            loads[unit][1] += n
            if load:
                unit_gap[unit] += case_gap * (n - late + factor * late) / load
        closers[row[0]] = sorted(loads.items(), key=lambda kv: -sum(kv[1]))[:5]
        return max_score * (weight * t_part + (ONE - weight) * c_part)

    def visit(row, borrowed, cats: set[int], scale: Decimal) -> Decimal:  # type: ignore[no-untyped-def]
        own = credits.get(row[0])
        borrowed = own or borrowed
        cats = cats | linked.get(row[0], set())
        kids = children.get(row[0], [])
        if not kids:
            return leaf(row, borrowed, cats, scale)
        max_score = Decimal(str(row[5]))
        kids_max = sum((Decimal(str(k[5])) for k in kids), ZERO)
        inner = scale * max_score / kids_max if kids_max else ZERO
        total = sum((visit(k, borrowed, cats, inner) for k in kids), ZERO)
        return max_score * total / kids_max if kids_max else ZERO

    predicted = sum((visit(r, None, set(), ONE) for r in children[None]), ZERO)
    unit_ids = sorted(u for u in unit_gap if u is not None)
    if unit_ids:
        cursor.execute(f"SELECT id, name FROM org_unit WHERE id IN ({_in(unit_ids)})", unit_ids)
        cursor.fetchall()
    cursor.execute(
        "SELECT name, date FROM indicators_milestone WHERE campaign_id = %s AND date >= %s ORDER BY date LIMIT 1",
        [cid, today],
    )
    cursor.fetchone()
    return predicted


def sql_all(campaigns: list) -> dict[str, Decimal]:
    from django.db import connection
    from django.utils import timezone

    from chuangcheng.cases.demo import _adapter
    from chuangcheng.cases.models import Case

    adapt = _adapter(Case._meta.get_field("deadline")) or (lambda v: v)
    now, today = timezone.now(), timezone.localdate()
    with connection.cursor() as cursor:
        return {c.code: sql_one(cursor, c, now, today, adapt) for c in campaigns}


def compare(campaigns: list, runs: int) -> tuple[float, dict, float, dict]:
    """Median seconds of each computation, run alternately so both see the same machine load."""
    orm_all(campaigns), sql_all(campaigns)  # warm
    orm_times, sql_times = [], []
    orm_result: dict = {}
    sql_result: dict = {}
    for _ in range(runs):
        started = time.perf_counter()
        orm_result = orm_all(campaigns)
        orm_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        sql_result = sql_all(campaigns)
        sql_times.append(time.perf_counter() - started)
    return statistics.median(orm_times), orm_result, statistics.median(sql_times), sql_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", 1_000_000)))
    parser.add_argument("--runs", type=int, default=9, help="计时次数（取中位数）")
    parser.add_argument(
        "--reuse-cases", action="store_true", help="复制案卷基准的数据库（var/bench/cases.sqlite3），不再生成案卷"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"达标预测基准（{CAMPAIGNS} 个创建项目 × 300 个指标 × {TASKS:,} 项任务）", flush=True)
    if setup(args.reuse_cases):
        from chuangcheng.cases.models import Case

        count = Case.objects.count()
        print(f"沿用案卷基准的数据库：{count:,} 件案卷", flush=True)
        results: dict[str, object] = {"generate": {"cases": count, "generate_s": 0.0, "reused": True}}
    else:
        results = {"generate": build_cases(args.cases)}
    results["campaigns_s"] = build_campaigns()
    from django.db import connection

    from chuangcheng.indicators.models import Campaign

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    campaigns = list(Campaign.objects.filter(code__startswith="BENCH-").order_by("code"))
    orm_s, orm_totals, sql_s, sql_totals = compare(campaigns, args.runs)
    same = {k: v.quantize(Decimal("0.0001")) for k, v in orm_totals.items()} == {
        k: v.quantize(Decimal("0.0001")) for k, v in sql_totals.items()
    }
    ratio = orm_s / sql_s
    verdict = "达标" if ratio <= 2 else "未达标"
    totals = "，".join(f"{k} {v:.2f}" for k, v in orm_totals.items())
    print(
        f"达标预测（3 个项目合计）：compute_readiness {orm_s * 1000:.1f} ms，手写 SQL {sql_s * 1000:.1f} ms，"
        f"{ratio:.2f}×（目标 ≤ 2×，{verdict}）；预测总分 {totals}" + ("" if same else "  ⚠ 两者结果不同"),
        flush=True,
    )
    results["readiness"] = {"orm_ms": orm_s * 1000, "sql_ms": sql_s * 1000, "ratio": ratio, "same": same}
    results["total_s"] = time.perf_counter() - started
    save_results("readiness", results)
    print(f"达标预测基准用时 {results['total_s']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
