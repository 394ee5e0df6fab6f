"""日巡查 route generation benchmark: the demo county (~640 segments, 226 sites) with 40 inspectors.

A throwaway database (var/bench/plans.sqlite3) with the demo county's map and people
(``DemoCountyBuilder``, no cases or campaigns), topped up to 40 inspectors spread over the
乡镇/街道, and the default patrol rules (every 主干道 daily, 次干道 3×/week, 背街小巷 weekly,
markets twice a week…). Then ``services.patrol_routes_generate`` for 28 consecutive days, so the
history that keeps a place with yesterday's inspector grows as it would, in two set-ups:

- as the demo has it: every segment has a 路长, who gets it;
- inspectors only: no segment has a 路长, so every place is balanced over the inspectors.

Prints the median and the slowest day (target: median < 1 s), and a day regenerated unchanged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from benchenv import save_results, setup_django

DAYS = 28
INSPECTORS = 40
START = dt.date(2026, 6, 1)


def build() -> dict[str, int]:
    from chuangcheng.cases.services import seed_categories
    from chuangcheng.inspections.models import PatrolRule
    from chuangcheng.inspections.services import checklists_seed, patrol_rules_seed
    from chuangcheng.org.choices import Role, UnitKind
    from chuangcheng.org.models import Membership, Unit
    from chuangcheng.org.services import membership_grant, person_create
    from chuangcheng.places.demo import DemoCountyBuilder
    from chuangcheng.places.models import RoadSegment, Site

    DemoCountyBuilder(seed=1).build()
    seed_categories()
    checklists_seed()
    patrol_rules_seed()
    towns = list(Unit.objects.filter(kind=UnitKind.TOWN).order_by("code"))
    have = Membership.objects.filter(role=Role.INSPECTOR).values("person").distinct().count()
    for n in range(max(INSPECTORS - have, 0)):
        town = towns[n % len(towns)]
        person = person_create(username=f"bench_inspector_{n}", real_name=f"巡查员{n}", unit=town)
        membership_grant(person=person, unit=town, role=Role.INSPECTOR, log=False)
    return {
        "segments": RoadSegment.objects.count(),
        "sites": Site.objects.count(),
        "inspectors": Membership.objects.filter(role=Role.INSPECTOR).values("person").distinct().count(),
        "rules": PatrolRule.objects.filter(is_active=True).count(),
    }


def run_days(label: str) -> dict[str, float]:
    from chuangcheng.inspections.models import Visit
    from chuangcheng.inspections.services import patrol_routes_generate

    Visit.objects.all().delete()
    seconds, visits = [], []
    for n in range(DAYS):
        day = START + dt.timedelta(days=n)
        started = time.perf_counter()
        generated = patrol_routes_generate(day=day)
        seconds.append(time.perf_counter() - started)
        visits.append(generated.created)
    started = time.perf_counter()
    again = patrol_routes_generate(day=START + dt.timedelta(days=DAYS - 1))
    regenerate = time.perf_counter() - started
    assert again.total == 0, again
    result = {
        "median_s": statistics.median(seconds),
        "max_s": max(seconds),
        "visits_per_day": statistics.mean(visits),
        "regenerate_s": regenerate,
    }
    print(
        f"{label:<16} 每天 {result['visits_per_day']:.0f} 处：中位数 {result['median_s'] * 1000:.0f} ms，"
        f"最慢 {result['max_s'] * 1000:.0f} ms，原样重新生成 {regenerate * 1000:.0f} ms"
        + ("" if result["median_s"] < 1 else "  ⚠ 超过 1 s")
    )
    return result


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    setup_django("plans")
    started = time.perf_counter()
    county = build()
    print(
        f"日巡查基准：路段 {county['segments']} 条，点位 {county['sites']} 个，巡查员 {county['inspectors']} 人，"
        f"规则 {county['rules']} 条（准备 {time.perf_counter() - started:.1f} s），连续生成 {DAYS} 天"
    )
    with_chiefs = run_days("路长 + 巡查员")
    from chuangcheng.places.models import RoadSegment

    RoadSegment.objects.update(chief=None)
    inspectors_only = run_days("仅巡查员")
    save_results("plans", {**county, "days": DAYS, "with_chiefs": with_chiefs, "inspectors_only": inspectors_only})


if __name__ == "__main__":
    main()
