"""Inspection results benchmark: N inspections (default 200,000) with ~15 item results each (3 M).

One throwaway SQLite database (var/bench/inspections.sqlite3, or PostgreSQL when
BENCH_DATABASE_URL is set — it is wiped) with the demo county at scale 1 (its 600 segments,
226 sites, people, campaigns and the seeded checklists), every checklist item linked to one or
two leaves of the first campaign, then ``--inspections`` inspections spread over 90 days, each
with a result for every item of its place's checklist (one in eight failed, one in twenty
不适用), written with raw ``executemany`` (no ORM objects).

Times the month's aggregation per responsible unit (``results.scores_by(..., "unit")``) and per
indicator (``results.indicator_results``, i.e. ``scoring.indicator_pass_rates``) through the
selectors as the office sees them, against one hand-written SQL query each; median of
``--runs``; target ≤ 2×. Both must give the same figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from decimal import ROUND_HALF_UP, Decimal

from benchenv import build_county, save_results, setup_django, setup_django_postgres

DAYS = 90
CHUNK = 20_000


def setup() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        setup_django_postgres(url, flush=True)
    else:
        setup_django("inspections")


def link_items(rng: random.Random):  # type: ignore[no-untyped-def]
    """Every checklist item evidences one or two leaves of the first active campaign."""
    from chuangcheng.indicators.models import Campaign, IndicatorNode
    from chuangcheng.inspections.models import ChecklistItem

    campaign = Campaign.objects.filter(is_active=True).order_by("pk").first()
    assert campaign is not None, "the demo county has no campaign"
    leaves = list(IndicatorNode.objects.filter(campaign=campaign, children__isnull=True).values_list("pk", flat=True))
    through = ChecklistItem.indicators.through
    rows = []
    for item_id in ChecklistItem.objects.values_list("pk", flat=True):
        for node in rng.sample(leaves, rng.choice((1, 1, 2))):
            rows.append(through(checklistitem_id=item_id, indicatornode_id=node))
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return campaign


def places():  # type: ignore[no-untyped-def]
    """(site id, segment id, checklist id, unit id, town id, [(version id, deduction)]) of every place."""
    from chuangcheng.inspections.models import Checklist, ChecklistItemVersion
    from chuangcheng.places.models import RoadSegment, Site
    from chuangcheng.places.selectors import town_of

    versions: dict[int, list[tuple[int, Decimal]]] = {}
    for pk, checklist_id, deduction in ChecklistItemVersion.objects.filter(item__is_active=True, number=1).values_list(
        "pk", "item__checklist_id", "deduction"
    ):
        versions.setdefault(checklist_id, []).append((pk, deduction))
    by_type = dict(Checklist.objects.filter(site_type__isnull=False).values_list("site_type_id", "pk"))
    by_class = dict(Checklist.objects.filter(road_class__gt="").values_list("road_class", "pk"))
    found = []
    for site in Site.objects.all():
        checklist = by_type.get(site.site_type_id)
        if checklist in versions:
            found.append((site.pk, None, checklist, site.unit_id, town_of(site), versions[checklist]))
    for segment in RoadSegment.objects.all():
        checklist = by_class.get(segment.road_class)
        if checklist in versions:
            found.append((None, segment.pk, checklist, segment.unit_id, town_of(segment), versions[checklist]))
    return found


def generate(count: int, seed: int = 1) -> tuple[int, int, float]:
    """``count`` inspections and their results, written in chunks with executemany."""
    from django.db import connection, transaction
    from django.utils import timezone

    from chuangcheng.org.models import Person

    rng = random.Random(f"inspections-{seed}")
    started = time.perf_counter()
    campaign = link_items(rng)
    where = places()
    inspectors = list(Person.objects.values_list("pk", flat=True))
    now = timezone.now()
    kinds = ("patrol", "patrol", "patrol", "check", "mock")
    adapt = connection.ops.adapt_datetimefield_value
    inspection_sql = (
        "INSERT INTO inspections_inspection (id, created_at, updated_at, kind, inspector_id, checklist_id, site_id,"
        " segment_id, unit_id, town_id, submitted_at, lon, lat, note, deductions, score, idempotency_key)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, '', %s, %s, '')"
    )
    result_sql = (
        "INSERT INTO inspections_inspectionresult (inspection_id, item_version_id, outcome, note, deduction,"
        " case_opened) VALUES (%s, %s, %s, '', %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM inspections_inspection")
        next_id = cursor.fetchone()[0] + 1
    results = 0
    with transaction.atomic(), connection.cursor() as cursor:
        inspections_rows: list[tuple] = []
        result_rows: list[tuple] = []
        for n in range(count):
            site, segment, checklist, unit, town, items = rng.choice(where)
            # As the ORM writes it (SQLite: naive UTC text), so raw and ORM comparisons agree.
            when = adapt(now - dt.timedelta(seconds=rng.randrange(DAYS * 86400)))
            deducted = Decimal(0)
            for version, deduction in items:
                roll = rng.random()
                outcome = "fail" if roll < 0.125 else ("na" if roll < 0.175 else "pass")
                lost = deduction if outcome == "fail" else Decimal(0)
                deducted += lost
                result_rows.append((next_id + n, version, outcome, str(lost), False))
            score = max(Decimal(0), Decimal(100) - deducted)
            inspections_rows.append(
                (
                    next_id + n,
                    when,
                    when,
                    rng.choice(kinds),
                    rng.choice(inspectors),
                    checklist,
                    site,
                    segment,
                    unit,
                    town,
                    when,
                    str(deducted),
                    str(score),
                )
            )
            if len(inspections_rows) >= CHUNK:
                cursor.executemany(inspection_sql, inspections_rows)
                cursor.executemany(result_sql, result_rows)
                results += len(result_rows)
                inspections_rows, result_rows = [], []
        cursor.executemany(inspection_sql, inspections_rows)
        cursor.executemany(result_sql, result_rows)
        results += len(result_rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"活动 {campaign.code}：{len(where)} 个点位/路段", flush=True)
    return count, results, time.perf_counter() - started


def month() -> dict[str, dt.date]:
    from django.utils import timezone

    today = timezone.localdate()
    return {"date_from": today - dt.timedelta(days=29), "date_to": today}


def bounds(period: dict[str, dt.date]) -> tuple:
    from django.db import connection
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(period["date_from"], dt.time()))
    end = timezone.make_aware(dt.datetime.combine(period["date_to"] + dt.timedelta(days=1), dt.time()))
    adapt = connection.ops.adapt_datetimefield_value
    return adapt(start), adapt(end)


def by_unit_orm(office, period) -> dict:  # type: ignore[no-untyped-def]
    from chuangcheng.inspections.results import inspection_list_for_user, scores_by

    rows = scores_by(inspection_list_for_user(user=office, filters=period), "unit")
    return {r.key: (r.inspections, r.mean_score, r.deductions, r.failed_items) for r in rows}


UNIT_SQL = """
WITH failed AS (
  SELECT r.inspection_id, COUNT(*) AS n
  FROM inspections_inspectionresult r JOIN inspections_inspection i ON i.id = r.inspection_id
  WHERE i.submitted_at >= %s AND i.submitted_at < %s AND r.outcome = 'fail'
  GROUP BY r.inspection_id
)
SELECT i.unit_id, u.name, COUNT(*), AVG(i.score), SUM(i.deductions), COALESCE(SUM(failed.n), 0)
FROM inspections_inspection i
LEFT JOIN failed ON failed.inspection_id = i.id
LEFT JOIN org_unit u ON u.id = i.unit_id
WHERE i.submitted_at >= %s AND i.submitted_at < %s
GROUP BY i.unit_id, u.name
"""


def _tenth(value) -> Decimal:  # type: ignore[no-untyped-def]
    return Decimal(str(value or 0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def by_unit_sql(period) -> dict:  # type: ignore[no-untyped-def]
    from django.db import connection

    start, end = bounds(period)
    with connection.cursor() as cursor:
        cursor.execute(UNIT_SQL, [start, end, start, end])
        return {unit: (n, _tenth(mean), _tenth(ded), failed) for unit, _name, n, mean, ded, failed in cursor.fetchall()}


def by_indicator_orm(office, period, campaign) -> dict:  # type: ignore[no-untyped-def]
    from chuangcheng.inspections.results import indicator_results, inspection_list_for_user

    rows = indicator_results(inspection_list_for_user(user=office, filters=period), campaign)
    return {r.id: (r.rate.passed, r.rate.failed) for r in rows}


INDICATOR_SQL = """
SELECT m.indicatornode_id,
       SUM(CASE WHEN r.outcome = 'pass' THEN 1 ELSE 0 END),
       SUM(CASE WHEN r.outcome = 'fail' THEN 1 ELSE 0 END)
FROM inspections_inspectionresult r
JOIN inspections_inspection i ON i.id = r.inspection_id
JOIN inspections_checklistitemversion v ON v.id = r.item_version_id
JOIN inspections_checklistitem_indicators m ON m.checklistitem_id = v.item_id
JOIN indicators_indicatornode node ON node.id = m.indicatornode_id
WHERE i.submitted_at >= %s AND i.submitted_at < %s AND r.outcome IN ('pass', 'fail') AND node.campaign_id = %s
GROUP BY m.indicatornode_id
"""


def by_indicator_sql(period, campaign) -> dict:  # type: ignore[no-untyped-def]
    from django.db import connection

    start, end = bounds(period)
    with connection.cursor() as cursor:
        cursor.execute(INDICATOR_SQL, [start, end, campaign.pk])
        return {node: (passed, failed) for node, passed, failed in cursor.fetchall()}


def timed(func, runs: int):  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), value


def interleaved(orm, sql, runs: int):  # type: ignore[no-untyped-def]
    """Median ms of each, run alternately so both meet the same cache state; and their last answers."""
    orm_times, sql_times, orm_value, sql_value = [], [], None, None
    for _ in range(runs):
        orm_ms, orm_value = timed(orm, 1)
        sql_ms, sql_value = timed(sql, 1)
        orm_times.append(orm_ms)
        sql_times.append(sql_ms)
    return statistics.median(orm_times), orm_value, statistics.median(sql_times), sql_value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = int(os.environ.get("BENCH_INSPECTIONS", "200000"))
    parser.add_argument("--inspections", type=int, default=default, help="how many inspections (default 200,000)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup()
    county_s = build_county(1)
    print(f"演示县：{county_s:.1f} s", flush=True)
    count, results, generate_s = generate(args.inspections)
    print(f"生成 {count:,} 次检查、{results:,} 条检查结果：{generate_s:.1f} s", flush=True)

    from chuangcheng.indicators.models import Campaign
    from chuangcheng.org.choices import Role
    from chuangcheng.org.models import Person

    office = Person.objects.filter(memberships__role=Role.OFFICE).first()
    campaign = Campaign.objects.filter(is_active=True).order_by("pk").first()
    period = month()
    figures = {}
    for name, orm, sql in (
        ("unit", lambda: by_unit_orm(office, period), lambda: by_unit_sql(period)),
        (
            "indicator",
            lambda: by_indicator_orm(office, period, campaign),
            lambda: by_indicator_sql(period, campaign),
        ),
    ):
        orm(), sql()  # warm the caches (scope, SQLite's pages) once
        orm_ms, orm_value, sql_ms, sql_value = interleaved(orm, sql, args.runs)
        same = orm_value == sql_value
        figures[name] = {
            "orm_ms": orm_ms,
            "sql_ms": sql_ms,
            "ratio": orm_ms / sql_ms,
            "same": same,
            "rows": len(orm_value),
        }
        label = "按责任单位" if name == "unit" else "按测评指标"
        print(
            f"本月{label}：选择器 {orm_ms:.0f} ms，手写 SQL {sql_ms:.0f} ms，{orm_ms / sql_ms:.2f}×（目标 ≤ 2×），"
            f"{len(orm_value)} 行" + ("" if same else "  ⚠ 结果不同"),
            flush=True,
        )
    save_results(
        "inspections",
        {"generate": {"inspections": count, "results": results, "generate_s": generate_s}, **figures},
    )


if __name__ == "__main__":
    main()
