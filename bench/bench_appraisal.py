"""Monthly appraisal benchmark: a month's figures for 200 ranked units over 1 M cases and their events.

One database (var/bench/appraisal.sqlite3, or PostgreSQL when BENCH_DATABASE_URL or DATABASE_URL
is set — it is wiped) with the demo county at scale 1 grown to 200 ranked units (the demo's 38
plus 81 towns with two communities each and 81 departments), its tasks, 督办单 and inspections,
and N demo cases (default 1 000 000, ``--cases`` or BENCH_CASES) reported over 24 months and
dispatched across those units, with their full event histories (返工, 退回, 挂账, late and
overdue handling, as ``cases.demo`` simulates them). ``--reuse`` keeps a SQLite file built
before with the same N.

For the last complete month it times

- ``appraisal.figures.collect`` (every ranked unit's raw figures, replayed from the events),
- ``appraisal.services.compute`` (collect + scoring + ranking + writing the results), against
- ONE hand-written SQL query (window functions over the case events: rounds rebuilt per case,
  the due moment, the 退回/挂账 rules, attribution to ranked ancestors) giving per unit 立案数,
  rounds due, on time, cases due, closed, closed on time, 返工, 处置, 延期, rounds held and
  超期未处置 (target: collect ≤ 1.5× the SQL), and asserts both give the same counts.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import io
import os
import pstats
import statistics
import time

from benchenv import BENCH_DIR, load_results, save_results, setup_django, setup_django_postgres, setup_django_sqlite

EXTRA_TOWNS = 81
EXTRA_DEPARTMENTS = 81
COMMUNITIES_PER_TOWN = 2
MONTHS = 24
COPIES = 8
EXTENDED = 0.05  # share of rounds with an approved 延期
FIELDS = (
    "dispatched",
    "due",
    "on_time",
    "due_cases",
    "closed",
    "closed_on_time",
    "rework",
    "handled",
    "extensions",
    "held",
    "overdue_open",
)
LABELS = ("立案", "应处置", "按期", "应结案", "已结案", "按期结案", "返工", "处置", "延期", "在办", "超期未处置")


# ----- database -------------------------------------------------------------------------------


def setup(cases: int, reuse: bool) -> bool:
    """Django on the bench database; True when an earlier build with ``cases`` cases is reused."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        setup_django_postgres(url, flush=True)
        return False
    path = BENCH_DIR / "appraisal.sqlite3"
    built = load_results("appraisal").get("generate") or {}
    if reuse and path.exists() and built.get("cases") == cases:
        # The demo county's own cases (from its inspections) come on top of the generated ones.
        setup_django_sqlite(path)
        return True
    setup_django("appraisal")
    return False


def build(cases: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("demo_county", seed=1, force=True, case_days=0, stdout=io.StringIO())
    county_s = time.perf_counter() - started
    started = time.perf_counter()
    add_units()
    builder = spread_builder()(seed=1, days=MONTHS * 30, count=cases)
    summary = builder.build()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    generate_s = time.perf_counter() - started
    print(
        f"演示县 {county_s:.1f} s；生成 {summary.cases:,} 件案卷（{MONTHS} 个月，事件 {summary.events:,} 条）："
        f"{generate_s:.1f} s",
        flush=True,
    )
    return {"cases": summary.cases, "events": summary.events, "generate_s": generate_s, "county_s": county_s}


def add_units() -> None:
    """Grow the county to 200 ranked units (founded, like the demo's, years before the cases)."""
    from django.db import transaction
    from django.utils import timezone

    from chuangcheng.org.choices import UnitGroup, UnitKind
    from chuangcheng.org.models import Unit
    from chuangcheng.org.services import unit_create

    root = Unit.objects.get(parent__isnull=True)
    with transaction.atomic():
        for n in range(1, EXTRA_TOWNS + 1):
            town = unit_create(
                name=f"压测镇{n:03d}", code=f"BT{n:03d}", kind=UnitKind.TOWN, group=UnitGroup.TOWN, parent=root
            )
            for k in range(1, COMMUNITIES_PER_TOWN + 1):
                unit_create(
                    name=f"压测镇{n:03d}第{k}社区",
                    code=f"BT{n:03d}C{k}",
                    kind=UnitKind.COMMUNITY,
                    group=UnitGroup.COMMUNITY,
                    parent=town,
                )
        for n in range(1, EXTRA_DEPARTMENTS + 1):
            unit_create(
                name=f"县压测局{n:03d}",
                code=f"BD{n:03d}",
                kind=UnitKind.DEPARTMENT,
                group=UnitGroup.DEPARTMENT,
                parent=root,
            )
        Unit.objects.update(created_at=timezone.now() - dt.timedelta(days=(MONTHS + 12) * 31))


def spread_builder():  # type: ignore[no-untyped-def]
    """The demo's case builder, dispatching to any town, community or department of the county."""
    from django.db import transaction
    from django.db.models import Max

    from chuangcheng.cases.choices import Action
    from chuangcheng.cases.demo import BATCH, DemoCasesBuilder, _reset_sequences
    from chuangcheng.cases.models import Case, CaseCounter
    from chuangcheng.org.choices import Role, UnitGroup
    from chuangcheng.org.models import Unit

    class SpreadCasesBuilder(DemoCasesBuilder):
        """Each simulated story is written ``COPIES`` times, the copies in other units (the simulation,
        not the writing, is what takes the time: 1 M simulated cases take ~20 min on a busy box)."""

        def load(self) -> None:
            super().load()
            groups = (UnitGroup.TOWN, UnitGroup.COMMUNITY, UnitGroup.DEPARTMENT)
            self.targets = list(Unit.objects.filter(group__in=groups).order_by("code").values_list("pk", flat=True))
            self.index = {pk: i for i, pk in enumerate(self.targets)}
            self.next_pk = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

        def _route(self, story, *, second: bool = False) -> int:  # type: ignore[no-untyped-def]
            return self.rng.choice(self.targets)

        def _work(self, story, started):  # type: ignore[no-untyped-def]
            """Some rounds get a 延期 half-way (the deadline one limit later), as the services write it."""
            deadline = story.fields.get("deadline")
            if deadline is not None and self.rng.random() < EXTENDED:
                at = started + (deadline - started) / 2
                if at <= self.now:
                    later = self._deadline(story, deadline, 1.0)
                    unit = story.fields["unit_id"]
                    office = self._one(Role.OFFICE)
                    story.event(Action.EXTENSION_APPROVE, at, office, story.status, unit=unit, deadline=later)
                    story.fields["deadline"] = later
            return super()._work(story, started)

        def _suspend(self, story, started, at):  # type: ignore[no-untyped-def]
            """Half the 挂账 rounds resume after a week with the deadline moved by the pause, and go on."""
            super()._suspend(story, started, at)
            back = at + dt.timedelta(days=7)
            if self.rng.random() < 0.5 and back <= self.now:
                deadline = story.fields["deadline"] + dt.timedelta(days=7)
                resume_to = story.events[-1][-1]["resume_to"]
                story.event(Action.RESUME, back, self._one(Role.OFFICE), resume_to, deadline=deadline)
                story.fields.update(deadline=deadline, suspended_at=None)
                DemoCasesBuilder._work(self, story, back)

        def build(self):  # type: ignore[no-untyped-def]
            self.load()
            counters = dict(CaseCounter.objects.values_list("day", "last"))
            simulated = -(-self.count // COPIES)
            moments = sorted(self._report_time(0, self.days) for _ in range(simulated))
            step = BATCH // COPIES
            for start in range(0, len(moments), step):
                stories = [self.simulate(0, t) for t in moments[start : start + step]]
                copies = [c for story in stories for c in self.copies(story)][: self.count - start * COPIES]
                with transaction.atomic():
                    self._insert(copies, counters)
                    self._save_counters(counters)
            _reset_sequences()
            return self.summary

        def copies(self, story):  # type: ignore[no-untyped-def]
            shift = len(self.targets) // COPIES + 1
            for k in range(COPIES):
                pk, self.next_pk = self.next_pk, self.next_pk + 1

                def moved(unit, k=k):  # type: ignore[no-untyped-def]
                    i = self.index.get(unit)
                    return unit if i is None else self.targets[(i + k * shift) % len(self.targets)]

                events = [(pk, *e[1:6], moved(e[6]), *e[7:]) for e in story.events]
                fields = {**story.fields, "unit_id": moved(story.fields.get("unit_id"))}
                yield dataclasses.replace(story, pk=pk, fields=fields, events=events)

    return SpreadCasesBuilder


# ----- the month ------------------------------------------------------------------------------


def last_month() -> tuple[dt.date, dt.date]:
    from django.utils import timezone

    today = timezone.localdate()
    end = today.replace(day=1)
    return (end - dt.timedelta(days=1)).replace(day=1), end


def ranked() -> tuple[list, set[int]]:
    from chuangcheng.appraisal import figures
    from chuangcheng.appraisal.models import default_groups
    from chuangcheng.appraisal.services import ranked_units
    from chuangcheng.org.models import Unit

    start, end = last_month()
    units = ranked_units(default_groups(), *figures.period_bounds(start, end))
    return list(Unit.objects.all()), {u.pk for u in units}


def python_figures(units: list, ranked_ids: set[int]) -> dict[int, tuple[int, ...]]:
    from chuangcheng.appraisal.figures import collect

    start, end = last_month()
    raw, _county = collect(start, end, units, ranked_ids)
    return {
        pk: (
            len(f.dispatched),
            len(f.on_time_handle.den),
            len(f.on_time_handle.num),
            len(f.close.den),
            len(f.close.num),
            len(f.on_time_close.num),
            len(f.rework.num),
            len(f.rework.den),
            len(f.extension.num),
            len(f.extension.den),
            len(f.overdue_open),
        )
        for pk, f in raw.items()
    }


# The whole month in one statement. ``ev``: the case events before the period's end of the cases
# that may count (an event in the period, or unfinished when it began), numbered per case, each
# with its round (the running count of 派遣/返工); ``live``: the events of a round up to its first
# 退回/重新打开 (later ones find no round, as in the replay); ``rounds``: per round its unit, start,
# first 处置, 退回, the deadline as last set (派遣/返工, 延期, 恢复) and whether its last 挂账/恢复 was a
# 挂账; ``due``: the due moment (the 处置 if on time, else the deadline; none when suspended, or
# 退回 first); then per ranked ancestor the round, case and event counts, summed per unit.
SQL = """
WITH
relevant AS (
  SELECT c.id FROM cases_case c
  WHERE c.id IN (SELECT case_id FROM cases_caseevent WHERE at >= :start AND at < :end)
     OR (c.created_at < :end AND (c.closed_at IS NULL OR c.closed_at >= :start)
         AND NOT (c.status IN ('rejected', 'merged') AND c.updated_at < :start))
),
ev AS (
  SELECT e.id, e.case_id, e.action, e.at, e.unit_id, e.deadline,
         ROW_NUMBER() OVER (PARTITION BY e.case_id ORDER BY e.at, e.id) AS n,
         SUM(CASE WHEN e.action IN ('dispatch', 'verify_fail') THEN 1 ELSE 0 END)
           OVER (PARTITION BY e.case_id ORDER BY e.at, e.id ROWS UNBOUNDED PRECEDING) AS seg
  FROM cases_caseevent e JOIN relevant r ON r.id = e.case_id
  WHERE e.at < :end AND e.action <> 'escalate'
),
marked AS (
  SELECT ev.*,
         COALESCE(SUM(CASE WHEN action IN ('return', 'reopen') THEN 1 ELSE 0 END)
           OVER (PARTITION BY case_id, seg ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
           AS closers_before,
         CASE WHEN action IN ('dispatch', 'verify_fail')
                OR (action IN ('extension_approve', 'resume') AND deadline IS NOT NULL)
              THEN 1 ELSE 0 END AS sets_deadline,
         CASE WHEN action IN ('suspend', 'resume') THEN 1 ELSE 0 END AS sets_suspension
  FROM ev WHERE seg > 0
),
live AS (
  SELECT marked.*,
         ROW_NUMBER() OVER (PARTITION BY case_id, seg, sets_deadline ORDER BY n DESC) AS deadline_rank,
         ROW_NUMBER() OVER (PARTITION BY case_id, seg, sets_suspension ORDER BY n DESC) AS suspension_rank
  FROM marked WHERE closers_before = 0
),
rounds AS (
  SELECT case_id, seg,
         MAX(CASE WHEN action IN ('dispatch', 'verify_fail') THEN unit_id END) AS unit_id,
         MAX(CASE WHEN action IN ('dispatch', 'verify_fail') THEN at END) AS start,
         MAX(CASE WHEN action = 'verify_fail' THEN 1 ELSE 0 END) AS from_rework,
         MIN(CASE WHEN action = 'handle' THEN at END) AS handled_at,
         MAX(CASE WHEN action = 'return' THEN at END) AS returned_at,
         MAX(CASE WHEN action IN ('return', 'reopen') THEN 1 ELSE 0 END) AS ended_by_closer,
         MAX(CASE WHEN sets_deadline = 1 AND deadline_rank = 1 THEN deadline END) AS deadline,
         MAX(CASE WHEN sets_suspension = 1 AND suspension_rank = 1 AND action = 'suspend' THEN 1 ELSE 0 END)
           AS suspended
  FROM live GROUP BY case_id, seg
),
closed AS (
  SELECT case_id,
         CASE WHEN MAX(CASE WHEN action = 'verify_pass' THEN n END)
                   > COALESCE(MAX(CASE WHEN action = 'reopen' THEN n END), 0) THEN 1 ELSE 0 END AS closed
  FROM live GROUP BY case_id
),
judged AS (
  SELECT r.*,
         CASE WHEN handled_at IS NOT NULL AND deadline IS NOT NULL AND handled_at <= deadline THEN 1 ELSE 0 END
           AS on_time
  FROM rounds r
),
due AS (
  SELECT j.*,
         CASE WHEN deadline IS NULL OR suspended = 1 THEN NULL
              WHEN returned_at IS NOT NULL
                   AND returned_at <= CASE WHEN on_time = 1 THEN handled_at ELSE deadline END THEN NULL
              WHEN on_time = 1 THEN handled_at ELSE deadline END AS due_at
  FROM judged j
),
ranked AS (
  SELECT u.id, u.path FROM org_unit u WHERE u.id IN ({ranked})
),
owner AS (  -- a unit -> the ranked units answering for it (itself and its ancestors), after a merge
  SELECT u.id AS unit_id, rk.id AS ranked_id
  FROM org_unit u
  JOIN org_unit eff ON eff.id = CASE WHEN u.merged_into_id IS NOT NULL AND u.merged_at < :end
                                     THEN u.merged_into_id ELSE u.id END
  JOIN ranked rk ON eff.path LIKE rk.path || '%%'
),
round_rows AS (
  SELECT o.ranked_id, d.case_id, d.seg, d.on_time,
         CASE WHEN d.start >= :start AND d.start < :end AND d.from_rework = 0 AND d.returned_at IS NULL
              THEN 1 ELSE 0 END AS dispatched,
         CASE WHEN d.due_at >= :start AND d.due_at < :end THEN 1 ELSE 0 END AS is_due,
         CASE WHEN d.suspended = 0 AND d.start < :end AND d.returned_at IS NULL  -- a returned round was never held
                   AND (d.handled_at IS NULL OR d.handled_at >= :start)
              THEN 1 ELSE 0 END AS held,
         CASE WHEN d.handled_at IS NULL AND d.returned_at IS NULL AND d.suspended = 0
                   AND d.deadline IS NOT NULL AND d.deadline < :end THEN 1 ELSE 0 END AS overdue
  FROM due d JOIN owner o ON o.unit_id = d.unit_id
),
due_cases AS (
  SELECT ranked_id, case_id, on_time,
         ROW_NUMBER() OVER (PARTITION BY case_id, ranked_id ORDER BY seg DESC) AS latest
  FROM round_rows WHERE is_due = 1
),
event_rows AS (  -- 处置 and 延期 by the round's unit, 返工 by the unit of the round it sends back
  SELECT o.ranked_id,
         CASE WHEN l.action = 'handle' THEN 1 ELSE 0 END AS handled,
         CASE WHEN l.action = 'extension_approve' THEN 1 ELSE 0 END AS extensions,
         0 AS rework
  FROM live l JOIN rounds r ON r.case_id = l.case_id AND r.seg = l.seg JOIN owner o ON o.unit_id = r.unit_id
  WHERE l.action IN ('handle', 'extension_approve') AND l.at >= :start AND l.at < :end
  UNION ALL
  SELECT o.ranked_id, 0, 0, 1
  FROM live l JOIN rounds p ON p.case_id = l.case_id AND p.seg = l.seg - 1 AND p.ended_by_closer = 0
  JOIN owner o ON o.unit_id = p.unit_id
  WHERE l.action = 'verify_fail' AND l.at >= :start AND l.at < :end
),
tallies AS (
  SELECT ranked_id, dispatched, is_due AS due, is_due * on_time AS on_time, 0 AS due_cases, 0 AS closed,
         0 AS closed_on_time, 0 AS rework, 0 AS handled, 0 AS extensions, held, overdue
  FROM round_rows
  UNION ALL
  SELECT dc.ranked_id, 0, 0, 0, 1, cl.closed, cl.closed * dc.on_time, 0, 0, 0, 0, 0
  FROM due_cases dc JOIN closed cl ON cl.case_id = dc.case_id WHERE dc.latest = 1
  UNION ALL
  SELECT ranked_id, 0, 0, 0, 0, 0, 0, rework, handled, extensions, 0, 0 FROM event_rows
)
SELECT rk.id, COALESCE(SUM(t.dispatched), 0), COALESCE(SUM(t.due), 0), COALESCE(SUM(t.on_time), 0),
       COALESCE(SUM(t.due_cases), 0), COALESCE(SUM(t.closed), 0), COALESCE(SUM(t.closed_on_time), 0),
       COALESCE(SUM(t.rework), 0), COALESCE(SUM(t.handled), 0), COALESCE(SUM(t.extensions), 0),
       COALESCE(SUM(t.held), 0), COALESCE(SUM(t.overdue), 0)
FROM ranked rk LEFT JOIN tallies t ON t.ranked_id = rk.id
GROUP BY rk.id
"""


def sql_figures(ranked_ids: set[int]) -> dict[int, tuple[int, ...]]:
    from django.db import connection

    from chuangcheng.appraisal.figures import period_bounds
    from chuangcheng.cases.demo import _adapter
    from chuangcheng.cases.models import CaseEvent

    adapt = _adapter(CaseEvent._meta.get_field("at")) or (lambda v: v)
    start, end = (adapt(moment) for moment in period_bounds(*last_month()))
    text = SQL.replace("{ranked}", ", ".join(str(pk) for pk in sorted(ranked_ids)))
    params: list = []
    pieces = text.split(":")
    out = [pieces[0]]
    for piece in pieces[1:]:
        for name, value in (("start", start), ("end", end)):
            if piece.startswith(name):
                out.append("%s" + piece[len(name) :])
                params.append(value)
                break
        else:
            out.append(":" + piece)
    with connection.cursor() as cursor:
        cursor.execute("".join(out), params)
        return {row[0]: tuple(int(v) for v in row[1:]) for row in cursor.fetchall()}


def compute_once() -> float:
    """services.compute on a fresh draft of the month (collect, scoring, ranking, writing results)."""
    from django.db import transaction

    from chuangcheng.appraisal import services
    from chuangcheng.appraisal.models import Run, Scheme

    scheme = Scheme.objects.first() or services.scheme_create_default(by=None)
    start, end = last_month()
    with transaction.atomic():
        Run.objects.filter(scheme=scheme).delete()
        run = Run.objects.create(scheme=scheme, period_start=start, period_end=end, label="bench")
        started = time.perf_counter()
        services.compute(run)
        return (time.perf_counter() - started) * 1000


def timed(func):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = func()
    return (time.perf_counter() - started) * 1000, value


def differences(py: dict, sql: dict) -> list[str]:
    lines = []
    for pk in sorted(set(py) | set(sql)):
        a, b = py.get(pk), sql.get(pk)
        if a != b:
            diff = [f"{label} {x}≠{y}" for label, x, y in zip(LABELS, a or (), b or (), strict=False) if x != y]
            lines.append(f"单位 {pk}: Python {a} / SQL {b}: {'，'.join(diff)}")
    return lines


def profile(units: list, ranked_ids: set[int]) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    python_figures(units, ranked_ids)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "1000000")))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse var/bench/appraisal.sqlite3 built before")
    parser.add_argument("--profile", action="store_true", help="print where collect spends its time")
    args = parser.parse_args()
    from benchenv import load_results

    reused = setup(args.cases, args.reuse)
    generate = load_results("appraisal").get("generate") if reused else build(args.cases)
    units, ranked_ids = ranked()
    start, end = last_month()
    from chuangcheng.cases.models import CaseEvent

    events = CaseEvent.objects.count()
    print(f"考核期 {start}—{end}，参评单位 {len(ranked_ids)} 个，案卷事件共 {events:,} 条", flush=True)

    py_times, sql_times, compute_times = [], [], []
    py_value: dict = {}
    sql_value: dict = {}
    python_figures(units, ranked_ids), sql_figures(ranked_ids)  # warm the caches once
    for _ in range(args.runs):
        ms, py_value = timed(lambda: python_figures(units, ranked_ids))
        py_times.append(ms)
        ms, sql_value = timed(lambda: sql_figures(ranked_ids))
        sql_times.append(ms)
        compute_times.append(compute_once())
    py_ms, sql_ms, compute_ms = (statistics.median(t) for t in (py_times, sql_times, compute_times))
    wrong = differences(py_value, sql_value)
    totals = [sum(row[i] for row in py_value.values()) for i in range(len(FIELDS))]
    print("全部参评单位合计：" + "，".join(f"{label} {n:,}" for label, n in zip(LABELS, totals, strict=True)))
    ratio = py_ms / sql_ms
    print(
        f"figures.collect {py_ms:.0f} ms，手写 SQL {sql_ms:.0f} ms，{ratio:.2f}×（目标 ≤ 1.5×）；"
        f"services.compute（含计分、排名、写入）{compute_ms:.0f} ms；{len(py_value)} 个单位"
        + ("，结果一致" if not wrong else f"，⚠ {len(wrong)} 个单位结果不同"),
        flush=True,
    )
    for line in wrong[:20]:
        print("  " + line)
    if args.profile or ratio > 1.5:
        print(profile(units, ranked_ids))
    save_results(
        "appraisal",
        {
            "generate": generate,
            "month": {
                "period": f"{start}—{end}",
                "units": len(py_value),
                "events": events,
                "collect_ms": py_ms,
                "compute_ms": compute_ms,
                "sql_ms": sql_ms,
                "ratio": ratio,
                "same": not wrong,
                "totals": dict(zip(FIELDS, totals, strict=True)),
            },
        },
    )
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
