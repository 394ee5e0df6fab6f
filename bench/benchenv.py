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
    _start_django()
    return path


def setup_django_sqlite(path: Path) -> None:
    """Django on an existing SQLite file (kept as it is), migrated."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(path)
    _start_django()


def setup_django_postgres(url: str, *, flush: bool = False) -> None:
    """Django on the PostgreSQL database at ``url`` (emptied first with ``flush``), migrated."""
    os.environ["DATABASE_URL"] = url
    _start_django(flush=flush)


def _start_django(*, flush: bool = False) -> None:
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuangcheng.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    if flush:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def build_county_and_cases(cases: int):  # type: ignore[no-untyped-def]
    """The demo county at scale 1 (rebuilt) and ``cases`` bulk demo cases over 30 days.

    Returns (the builder's summary, seconds for the county, seconds for the cases).
    """
    from django.core.management import call_command

    from chuangcheng.cases.demo import DemoCasesBuilder

    started = time.perf_counter()
    call_command("demo_county", seed=1, force=True, case_days=0, stdout=io.StringIO())
    county_s = time.perf_counter() - started
    started = time.perf_counter()
    summary = DemoCasesBuilder(seed=1, days=30, count=cases).build()
    return summary, county_s, time.perf_counter() - started


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
