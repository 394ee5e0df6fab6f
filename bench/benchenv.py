"""Shared set-up for the benchmarks: Django against a throwaway SQLite file under var/bench/."""

from __future__ import annotations

import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def setup_django(db_name: str) -> Path:
    """Point Django at a fresh var/bench/<db_name>.sqlite3, set it up and migrate."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"{db_name}.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(path)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangcheng.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return path


def build_county(scale: int) -> float:
    """Run demo_county at ``scale``; returns the seconds it took."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("demo_county", seed=1, scale=scale, case_days=0, stdout=io.StringIO())
    return time.perf_counter() - started


def save_results(name: str, results: dict) -> None:
    (BENCH_DIR / f"{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


def load_results(name: str) -> dict:
    path = BENCH_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}
