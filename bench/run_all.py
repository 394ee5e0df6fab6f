"""`make bench`: the routing, import, case, readiness, 日巡查, inspection-results and monthly-appraisal
benchmarks, each in its own process, then a summary.

The case benchmark generates BENCH_CASES cases (default 1 000 000, ~5 min on 2 cores); set
BENCH_CASES=100000 for a quicker run. The readiness benchmark reuses that database; the appraisal
benchmark builds its own (BENCH_CASES cases over 24 months in 200 ranked units).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchenv import load_results

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> bool:
    completed = subprocess.run([sys.executable, str(HERE / script), *args], check=False)
    return completed.returncode == 0


def summary() -> None:
    routing, imports = load_results("routing"), load_results("import")
    print("\n================ 基准汇总 ================")
    print(f"{'项目':<28}{'结果':>22}")
    for key in sorted(routing, key=int):
        r = routing[key]
        print(
            f"{'路由查询 ' + format(r['segments'], ',') + ' 路段':<26}"
            f"{1000 / r['per_lookup_ms']:>10.0f} 次/秒 {r['per_lookup_ms']:>6.3f} ms/次"
        )
        print(f"{'  索引构建 / 生成演示数据':<24}{r['index_build_s']:>10.2f} s / {r['build_s']:.1f} s")
        print(f"{'  SQL 基线（bbox + Python 距离）':<22}{1000 / r['baseline_ms']:>10.0f} 次/秒")
    if routing:
        sizes = sorted(routing, key=int)
        ratio = routing[sizes[-1]]["per_lookup_ms"] / routing[sizes[0]]["per_lookup_ms"]
        print(f"{'每次查询耗时 100k/1k':<24}{ratio:>10.2f}×（目标 ≤ 2×）")
    cases_summary(load_results("cases"))
    readiness_summary(load_results("readiness"))
    inspections_summary(load_results("inspections"))
    plans_summary(load_results("plans"))
    appraisal_summary(load_results("appraisal"))
    if imports:
        rows = imports["rows"]
        label, seconds = f"导入 {rows:,} 门店 .xlsx", imports["import_s"]
        print(f"{label:<26}{rows / seconds:>10.0f} 行/秒 ({seconds:.1f} s)")
        print(f"{'  原始基线（openpyxl + executemany）':<20}{rows / imports['baseline_s']:>10.0f} 行/秒")


def cases_summary(cases: dict) -> None:
    if not cases:
        return
    gen, lst, intake = cases["generate"], cases["list"], cases["intake"]
    label = f"生成 {gen['cases']:,} 演示案卷"
    print(f"{label:<24}{gen['cases'] / gen['generate_s']:>10.0f} 件/秒 ({gen['generate_s']:.0f} s)")
    ratio = f"{lst['ratio']:.2f}×（目标 ≤ 3×）"
    print(f"{'案卷列表（常用筛选）':<22}{lst['orm_ms']:>10.1f} ms，手写 SQL {lst['sql_ms']:.1f} ms，{ratio}")
    print(
        f"{'上报接口 / 裸写入':<24}{intake['full_rps']:>10.0f} / {intake['bare_rps']:.0f} 次/秒，"
        f"{intake['ratio']:.0%}（目标 ≥ 50%）；/healthz {intake['healthz_rps']:.0f} 次/秒"
    )


def readiness_summary(results: dict) -> None:
    if not results:
        return
    r = results["readiness"]
    label = f"达标预测 3×300 指标 {results['generate']['cases']:,} 案卷"
    print(
        f"{label:<22}{r['orm_ms']:>10.1f} ms，手写 SQL {r['sql_ms']:.1f} ms，{r['ratio']:.2f}×（目标 ≤ 2×）"
        + ("" if r["same"] else "  ⚠ 结果不同")
    )


def inspections_summary(results: dict) -> None:
    if not results:
        return
    gen = results["generate"]
    print(f"{'生成检查记录':<24}{gen['inspections']:>10,} 次 / {gen['results']:,} 条结果（{gen['generate_s']:.0f} s）")
    for key, label in (("unit", "本月检查结果按责任单位"), ("indicator", "本月检查结果按测评指标")):
        r = results[key]
        print(
            f"{label:<20}{r['orm_ms']:>10.1f} ms，手写 SQL {r['sql_ms']:.1f} ms，{r['ratio']:.2f}×（目标 ≤ 2×）"
            + ("" if r["same"] else "  ⚠ 结果不同")
        )


def plans_summary(results: dict) -> None:
    if not results:
        return
    label = f"日巡查生成 {results['segments']} 路段 {results['sites']} 点位 {results['inspectors']} 人"
    for key, name in (("with_chiefs", "路长+巡查员"), ("inspectors_only", "仅巡查员")):
        r = results[key]
        print(
            f"{label if key == 'with_chiefs' else '':<26}{name} 每天中位数 {r['median_s'] * 1000:.0f} ms（目标 < 1 s）"
        )


def appraisal_summary(results: dict) -> None:
    if not results:
        return
    m = results["month"]
    label = f"月度考核 {m['units']} 单位 {results['generate']['cases']:,} 案卷"
    print(
        f"{label:<22}{m['collect_ms']:>10.0f} ms，手写 SQL {m['sql_ms']:.0f} ms，{m['ratio']:.2f}×（目标 ≤ 1.5×）"
        + ("" if m["same"] else "  ⚠ 结果不同")
    )
    print(f"{'  含计分、排名、写入':<24}{m['compute_ms']:>10.0f} ms")


def main() -> int:
    started = time.perf_counter()
    ok = all(
        [
            run("bench_routing.py"),
            run("bench_import.py"),
            run("bench_cases.py"),
            run("bench_readiness.py", "--reuse-cases"),
            run("bench_inspections.py"),
            run("bench_plans.py"),
            run("bench_appraisal.py"),
        ]
    )
    summary()
    print(f"\n总耗时 {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
