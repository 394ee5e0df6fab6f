"""Routing benchmark: ``places.selectors.responsibility_at`` at 1k, 10k and 100k segments.

Without arguments it runs one child process per size (each with its own throwaway
database) and prints a table. A child (``--segments N``) builds the demo county at the
scale that gives about N segments, times the index build separately, then times lookups
over a fixed, seeded set of points in the county seat, and a hand-written SQL baseline
(bbox query over the bbox columns + distance in Python) answering the same
nearest-segment question.
"""

from __future__ import annotations

import argparse
import math
import random
import subprocess
import sys
import time
from itertools import pairwise

from benchenv import build_county, load_results, save_results, setup_django

SIZES = (1_000, 10_000, 100_000)
LOOKUPS = 2_000
BASELINE_LOOKUPS = 300
RADIUS_M = 50.0


def sample_points(count: int, seed: int = 20260101) -> list[tuple[float, float]]:
    """Points spread over the county seat (the first tile), the same at every size."""
    from django.conf import settings

    rng = random.Random(seed)
    lon0, lat0 = settings.MAP_CENTER_LON, settings.MAP_CENTER_LAT
    return [(lon0 + rng.uniform(-0.045, 0.045), lat0 + rng.uniform(-0.035, 0.045)) for _ in range(count)]


def time_lookups(points: list[tuple[float, float]]) -> tuple[float, int]:
    from chuangcheng.org.choices import Role
    from chuangcheng.org.models import Person
    from chuangcheng.places.selectors import responsibility_at

    # As the office asks: it sees the whole map, so every hit is named.
    office = Person.objects.filter(memberships__role=Role.OFFICE).first()
    assert office is not None, "the demo county has an office persona"
    for lon, lat in points[:50]:  # warm the connection and caches
        responsibility_at(lon, lat, user=office)
    hits = 0
    started = time.perf_counter()
    for lon, lat in points:
        hits += responsibility_at(lon, lat, user=office).segment is not None
    return time.perf_counter() - started, hits


def time_index_only(points: list[tuple[float, float]]) -> float:
    """The STRtree query alone, without fetching the rows: how much of a lookup is the index."""
    from chuangcheng.places.routing import holder, project_point

    index = holder.get()
    started = time.perf_counter()
    for lon, lat in points:
        index.nearest_segment(project_point(lon, lat), RADIUS_M)
    return time.perf_counter() - started


def _distance_m(lon: float, lat: float, coords: list[list[float]]) -> float:
    """Point-to-polyline distance on a local equirectangular plane (metres)."""
    kx, ky = 111_320.0 * math.cos(math.radians(lat)), 110_574.0
    best = math.inf
    for (x1, y1), (x2, y2) in pairwise(coords):
        ax, ay = (x1 - lon) * kx, (y1 - lat) * ky
        bx, by = (x2 - lon) * kx, (y2 - lat) * ky
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def baseline_nearest(cursor, lon: float, lat: float) -> int | None:  # type: ignore[no-untyped-def]
    import json

    dlat = RADIUS_M / 110_574.0
    dlon = RADIUS_M / (111_320.0 * math.cos(math.radians(lat)))
    cursor.execute(
        "SELECT id, geometry FROM places_roadsegment"
        " WHERE max_lon >= %s AND min_lon <= %s AND max_lat >= %s AND min_lat <= %s",
        [lon - dlon, lon + dlon, lat - dlat, lat + dlat],
    )
    best: tuple[float, int] | None = None
    for pk, geometry in cursor.fetchall():
        distance = _distance_m(lon, lat, json.loads(geometry)["coordinates"])
        if distance <= RADIUS_M and (best is None or (distance, pk) < best):
            best = (distance, pk)
    return best[1] if best else None


def time_baseline(points: list[tuple[float, float]]) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        for lon, lat in points:
            baseline_nearest(cursor, lon, lat)
        return time.perf_counter() - started


def run_child(target: int) -> None:
    setup_django(f"routing_{target}")
    from chuangcheng.places.demo import segments_per_tile
    from chuangcheng.places.models import RoadSegment
    from chuangcheng.places.routing import holder

    scale = max(1, math.ceil(target / segments_per_tile(1)))  # at least the target count
    build_s = build_county(scale)
    segments = RoadSegment.objects.count()
    started = time.perf_counter()
    holder.mark_stale()
    holder.get()
    index_s = time.perf_counter() - started
    points = sample_points(LOOKUPS)
    lookup_s, hits = time_lookups(points)
    index_only_s = time_index_only(points)
    baseline_s = time_baseline(points[:BASELINE_LOOKUPS])
    result = {
        "target": target,
        "segments": segments,
        "scale": scale,
        "build_s": build_s,
        "index_build_s": index_s,
        "lookups": LOOKUPS,
        "hits": hits,
        "per_lookup_ms": lookup_s / LOOKUPS * 1000,
        "index_only_ms": index_only_s / LOOKUPS * 1000,
        "baseline_ms": baseline_s / BASELINE_LOOKUPS * 1000,
    }
    save_results(f"routing_{target}", result)
    print(
        f"  {segments:>7} 路段：建库 {build_s:6.1f} s，建索引 {index_s:5.2f} s，"
        f"查询 {1000 / result['per_lookup_ms']:7.0f} 次/秒（命中路段 {hits}/{LOOKUPS}），"
        f"SQL 基线 {1000 / result['baseline_ms']:7.0f} 次/秒",
        flush=True,
    )


def run_all() -> dict:
    print("路由查询基准（responsibility_at，半径 50 米）", flush=True)
    for target in SIZES:
        subprocess.run([sys.executable, __file__, "--segments", str(target)], check=True)
    results = {str(t): load_results(f"routing_{t}") for t in SIZES}
    print_table(results)
    save_results("routing", results)
    return results


def print_table(results: dict) -> None:
    headers = ("路段数", "索引构建 s", "查询/秒", "每次 ms", "仅索引 ms", "SQL基线/秒", "对比基线")
    widths = (8, 10, 9, 8, 9, 10, 8)
    print("\n" + " ".join(f"{h:>{w}}" for h, w in zip(headers, widths, strict=True)))
    for r in results.values():
        speedup = r["baseline_ms"] / r["per_lookup_ms"]
        print(
            f"{r['segments']:>8} {r['index_build_s']:>10.2f} {1000 / r['per_lookup_ms']:>9.0f} "
            f"{r['per_lookup_ms']:>8.3f} {r['index_only_ms']:>9.3f} {1000 / r['baseline_ms']:>10.0f} {speedup:>7.1f}×"
        )
    small, large = results[str(SIZES[0])], results[str(SIZES[-1])]
    ratio = large["per_lookup_ms"] / small["per_lookup_ms"]
    base_ratio = large["baseline_ms"] / small["baseline_ms"]
    verdict = "达标" if ratio <= 2 else "未达标"
    print(f"每次查询耗时 100k/1k = {ratio:.2f}×（目标 ≤ 2×，{verdict}）；SQL 基线 100k/1k = {base_ratio:.1f}×")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, help="只测这一规模（子进程用）")
    args = parser.parse_args()
    if args.segments:
        run_child(args.segments)
    else:
        run_all()
