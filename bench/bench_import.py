"""Import benchmark: 100k shops from an .xlsx through ``places.imports`` (the real importer).

Builds the demo county (for the segment codes the shops refer to), writes a workbook in the
importer's own column layout, times ``import_file(kind="shop")``, then times a raw
baseline on the same file: openpyxl read + one executemany INSERT (no validation).
"""

from __future__ import annotations

import os
import random
import sys
import time

from benchenv import BENCH_DIR, build_county, save_results, setup_django

ROWS = 100_000


def write_workbook(path, rows: int) -> float:  # type: ignore[no-untyped-def]
    """A shop workbook like an exported one; returns the seconds it took to write."""
    from openpyxl import Workbook

    from chuangcheng.org import demo_names as org_names
    from chuangcheng.places import demo_names as names
    from chuangcheng.places.imports import ShopImporter
    from chuangcheng.places.models import RoadSegment

    started = time.perf_counter()
    rng = random.Random(7)
    segments = list(RoadSegment.objects.values_list("code", "min_lon", "min_lat", "max_lon", "max_lat"))
    statuses = ["已签订"] * 8 + ["未签订", "履约警示"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("门店")
    columns = [c for c in ShopImporter.columns if not c.readonly]
    sheet.append([c.header for c in columns])
    for n in range(rows):
        code, x0, y0, x1, y1 = rng.choice(segments)
        status = rng.choice(statuses)
        values = {
            "code": f"IM{n + 1:07d}",
            "name": rng.choice(names.SHOP_PREFIXES) + rng.choice(names.SHOP_KINDS),
            "address": f"测试路{n % 400 + 1}号",
            "operator_name": rng.choice(org_names.SURNAMES) + rng.choice(org_names.GIVEN_CHARS) * 2,
            "operator_mobile": f"139{rng.randrange(10**8):08d}",
            "segment": code,
            "pledge_items": "包卫生、包秩序、包绿化、包设施、包文明" if status != "未签订" else "",
            "pledge_signed_on": "2026-03-01" if status != "未签订" else None,
            "pledge_status": status,
            "lon": round(rng.uniform(x0, x1), 7),
            "lat": round(rng.uniform(y0, y1), 7),
        }
        sheet.append([values.get(c.field) for c in columns])
    workbook.save(path)
    return time.perf_counter() - started


def time_importer(path) -> tuple[float, dict]:  # type: ignore[no-untyped-def]
    from chuangcheng.places.imports import import_file

    started = time.perf_counter()
    with open(path, "rb") as handle:
        result = import_file(kind="shop", file=handle, filename=path.name)
    elapsed = time.perf_counter() - started
    summary = {"created": result.created, "updated": result.updated, "errors": len(result.errors)}
    if result.errors:
        print("  导入报错（前 5 条）：", [(e.row, e.column, e.message) for e in result.errors[:5]], file=sys.stderr)
    return elapsed, summary


def time_baseline(path) -> float:  # type: ignore[no-untyped-def]
    """openpyxl read + executemany INSERT of the same rows: the floor for any importer."""
    from django.db import connection, transaction
    from django.utils import timezone
    from openpyxl import load_workbook

    from chuangcheng.places.models import RoadSegment

    started = time.perf_counter()
    segment_ids = dict(RoadSegment.objects.values_list("code", "pk"))
    statuses = {"已签订": "signed", "未签订": "unsigned", "履约警示": "warned", "已撤销": "revoked"}
    now = timezone.now()
    workbook = load_workbook(path, read_only=True)
    rows = workbook.active.iter_rows(min_row=2, values_only=True)
    params = [
        ("B" + r[0], r[1], r[2], r[9], r[10], r[3], r[4], segment_ids[r[5]], r[7], statuses[r[8]], now, now)
        for r in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO places_shop (code, name, address, lon, lat, operator_name, operator_mobile, segment_id,"
            " pledge_signed_on, pledge_status, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            params,
        )
    return time.perf_counter() - started


def main() -> dict:
    print(f"导入基准：{ROWS:,} 家门店（.xlsx）", flush=True)
    # The importer as a background job will run it: the web worker's row and size limits raised.
    os.environ.setdefault("IMPORT_MAX_ROWS", str(ROWS))
    os.environ.setdefault("IMPORT_MAX_CELLS", str(ROWS * 20))
    os.environ.setdefault("UPLOAD_MAX_UNZIPPED_BYTES", str(1024 * 1024 * 1024))
    setup_django("import")
    build_county(1)
    path = BENCH_DIR / "shops_100k.xlsx"
    write_s = write_workbook(path, ROWS)
    print(f"  生成工作簿 {write_s:.1f} s（{path.stat().st_size / 1e6:.1f} MB，不计入）", flush=True)
    import_s, summary = time_importer(path)
    counts = f"新建 {summary['created']}，错误 {summary['errors']}"
    print(f"  平台导入器 {import_s:6.1f} s → {ROWS / import_s:8.0f} 行/秒（{counts}）")
    baseline_s = time_baseline(path)
    note = "openpyxl 读取 + executemany，无校验、不含承诺事项"
    print(f"  原始基线   {baseline_s:6.1f} s → {ROWS / baseline_s:8.0f} 行/秒（{note}）")
    results = {
        "rows": ROWS,
        "import_s": import_s,
        "baseline_s": baseline_s,
        "workbook_mb": path.stat().st_size / 1e6,
        **summary,
    }
    save_results("import", results)
    return results


if __name__ == "__main__":
    main()
