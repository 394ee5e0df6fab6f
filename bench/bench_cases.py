"""Case-loop benchmarks: generating N demo cases, the case list at N cases, intake over HTTP.

One throwaway database (var/bench/cases.sqlite3, or PostgreSQL when BENCH_DATABASE_URL is
set — it is wiped) with the demo county at scale 1, then:

(c) the time ``DemoCasesBuilder`` takes to write N cases (default 1 000 000, ``--cases``);
(b) the case list with typical filters (open, one town, one 大类, two weeks, first page of
    50 by -created_at, plus the count the paginator needs) through
    ``selectors.case_list_for_user`` against the equivalent hand-written SQL (target ≤ 3×);
(a) intake requests/s through gunicorn (``--workers`` processes on a free local port):
    the real ``POST /api/cases/`` (multipart, a fresh Idempotency-Key each, no photo) against
    ``/bench/cases/bare`` (BENCH_ENDPOINTS) that inserts the same Case and CaseEvent rows
    behind the same middleware and nothing else (target ≥ 50 %), and ``/healthz`` for context.
    The two alternate over ``--rounds`` rounds (median ratio reported); each round stops after
    ``--requests``/rounds answers or ``--seconds``, whichever comes first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie

from benchenv import BENCH_DIR, ROOT, build_county_and_cases, save_results, setup_django, setup_django_postgres

PAGE = 50
LIST_RUNS = 15
BOUNDARY = "----chuangchengbench"


# ----- database -------------------------------------------------------------------------------


def setup() -> dict[str, str]:
    """Django on a fresh database; returns the environment gunicorn needs for the same one."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        path = setup_django("cases")
        return {"SQLITE_PATH": str(path)}
    setup_django_postgres(url)
    return {"DATABASE_URL": url}


def build(cases: int) -> dict[str, float]:
    summary, county_s, generate_s = build_county_and_cases(cases)
    print(
        f"(c) 生成 {summary.cases:,} 件演示案卷（事件 {summary.events:,} 条）：{generate_s:.1f} s，"
        f"{summary.cases / generate_s:,.0f} 件/秒（演示县 {county_s:.1f} s）",
        flush=True,
    )
    return {"cases": summary.cases, "events": summary.events, "generate_s": generate_s}


# ----- (b) the list --------------------------------------------------------------------------


def list_filters() -> dict:
    from django.utils import timezone

    from chuangcheng.cases.models import Category
    from chuangcheng.org.models import Unit

    today = timezone.localdate()
    return {
        "open": True,
        "town": Unit.objects.get(name="城关街道").pk,
        "parent_category": Category.objects.get(name="暴露垃圾").parent_id,
        "date_from": today - dt.timedelta(days=13),
        "date_to": today,
    }


def orm_page(filters: dict) -> tuple[int, list]:
    from chuangcheng.cases.selectors import case_list_for_user
    from chuangcheng.org.models import Person

    office = Person.objects.get(username="office")
    qs = case_list_for_user(user=office, filters=filters).order_by("-created_at", "-pk")
    rows = list(qs[:PAGE])
    return qs.count(), [c.pk for c in rows]


SQL_FROM = "FROM cases_case c JOIN cases_category cat ON cat.id = c.category_id"
SQL_JOINS = """
    LEFT JOIN cases_category p ON p.id = cat.parent_id
    LEFT JOIN org_unit u ON u.id = c.unit_id
    LEFT JOIN org_unit t ON t.id = c.town_id
"""
SQL_WHERE = """
    WHERE c.status IN ({statuses}) AND c.town_id = %s AND cat.parent_id = %s
      AND c.created_at >= %s AND c.created_at < %s
"""
SQL_COLUMNS = """
    c.id, c.code, c.status, c.source, c.description, c.address, c.lon, c.lat, c.created_at,
    c.dispatched_at, c.deadline, c.closed_at, c.escalation, c.rework_count,
    cat.id, cat.name, p.id, p.name, u.id, u.name, t.id, t.name
"""


def sql_page(filters: dict) -> tuple[int, list]:
    """The same page and count in plain SQL: a created_at range instead of a per-row date cast."""
    from django.db import connection
    from django.utils import timezone

    from chuangcheng.cases.choices import Status
    from chuangcheng.cases.demo import _adapter
    from chuangcheng.cases.models import Case

    statuses = sorted(Status.open())
    adapt = _adapter(Case._meta.get_field("created_at")) or (lambda v: v)
    start = timezone.make_aware(dt.datetime.combine(filters["date_from"], dt.time()))
    end = timezone.make_aware(dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time()))
    params = [*statuses, filters["town"], filters["parent_category"], adapt(start), adapt(end)]
    where = SQL_WHERE.format(statuses=", ".join(["%s"] * len(statuses)))
    order = f"ORDER BY c.created_at DESC, c.id DESC LIMIT {PAGE}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {SQL_COLUMNS} {SQL_FROM} {SQL_JOINS} {where} {order}", params)
        rows = cursor.fetchall()
        cursor.execute(f"SELECT COUNT(*) {SQL_FROM} {where}", params)
        count = cursor.fetchone()[0]
    return count, [r[0] for r in rows]


def timed(fn, filters: dict) -> tuple[float, tuple]:  # type: ignore[no-untyped-def]
    fn(filters)  # warm
    times, result = [], None
    for _ in range(LIST_RUNS):
        started = time.perf_counter()
        result = fn(filters)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result  # type: ignore[return-value]


def list_bench() -> dict[str, float]:
    filters = list_filters()
    orm_s, (orm_count, orm_ids) = timed(orm_page, filters)
    sql_s, (sql_count, sql_ids) = timed(sql_page, filters)
    same = orm_count == sql_count and orm_ids == sql_ids
    ratio = orm_s / sql_s
    verdict = "达标" if ratio <= 3 else "未达标"
    print(
        f"(b) 案卷列表（未结束 + 乡镇 + 大类 + 两周，首页 {PAGE} 条 + 总数 {orm_count:,}）："
        f"selectors {orm_s * 1000:.1f} ms，手写 SQL {sql_s * 1000:.1f} ms，{ratio:.2f}×（目标 ≤ 3×，{verdict}）"
        + ("" if same else "  ⚠ 两者结果不同"),
        flush=True,
    )
    return {"orm_ms": orm_s * 1000, "sql_ms": sql_s * 1000, "ratio": ratio, "matches": orm_count, "same": same}


# ----- (a) intake over HTTP ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        **db_env,
        "DJANGO_SETTINGS_MODULE": "chuangcheng.settings",
        "DEBUG": "false",
        "BENCH_ENDPOINTS": "true",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "chuangcheng.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--threads=2",
        "--log-level=warning",
    ]
    log = open(BENCH_DIR / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            if Session(port).request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start; see var/bench/gunicorn.log")


class Session:
    """A keep-alive connection carrying the session and CSRF cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):  # type: ignore[no-untyped-def]
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if "csrftoken" in self.cookies:
            sent["X-CSRFToken"] = self.cookies["csrftoken"]
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        return response.status, data


def log_in(port: int) -> dict[str, str]:
    session = Session(port)
    session.request("GET", "/accounts/login/")
    form = {"csrfmiddlewaretoken": session.cookies["csrftoken"], "username": "xuncha", "password": "demo12345"}
    status, _ = session.request(
        "POST",
        "/accounts/login/",
        urllib.parse.urlencode(form).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"login failed ({status})")
    return session.cookies


def multipart(fields: dict[str, object]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


def intake_body(rng: random.Random, category: int, lon0: float, lat0: float) -> bytes:
    return multipart(
        {
            "source": "patrol",
            "category": category,
            "description": "路边乱堆乱放（基准测试）",
            "lon": round(lon0 + rng.uniform(-0.02, 0.02), 6),
            "lat": round(lat0 + rng.uniform(-0.02, 0.02), 6),
        }
    )


def hammer(port: int, cookies: dict, path: str, body_of, clients: int, total: int, seconds: float, expect: int):  # type: ignore[no-untyped-def]
    """``total`` requests from ``clients`` threads (or until ``seconds``); returns (ok/s, ok, errors)."""
    counts = {"ok": 0, "bad": 0, "next": 0}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        session, rng = Session(port, cookies), random.Random(n)
        while time.monotonic() < stop_at:
            with lock:
                if counts["next"] >= total:
                    return
                counts["next"] += 1
            method, body, headers = body_of(rng)
            status, _ = session.request(method, path, body, headers)
            with lock:
                counts["ok" if status == expect else "bad"] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return counts["ok"] / elapsed, counts["ok"], counts["bad"]


def http_bench(db_env: dict[str, str], args: argparse.Namespace) -> dict[str, float]:
    from django.conf import settings
    from django.db import connection

    from chuangcheng.cases.models import Category

    category = Category.objects.get(name="乱堆乱放").pk  # not auto-dispatched: intake only
    lon0, lat0 = settings.MAP_CENTER_LON, settings.MAP_CENTER_LAT
    connection.close()
    port = free_port()
    server = start_server(db_env, port, args.workers)
    try:
        cookies = log_in(port)
        headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}

        def intake(rng: random.Random):  # type: ignore[no-untyped-def]
            return "POST", intake_body(rng, category, lon0, lat0), {**headers, "Idempotency-Key": uuid.uuid4().hex}

        def health(rng: random.Random):  # type: ignore[no-untyped-def]
            return "GET", None, {}

        run = {"clients": args.clients, "seconds": args.seconds}
        hammer(port, cookies, "/api/cases/", intake, total=20 * args.workers, expect=201, **run)  # warm: routing index
        hammer(port, cookies, "/bench/cases/bare", intake, total=20 * args.workers, expect=201, **run)
        # Alternate the two phases over several rounds: on a shared machine the disk's fsync
        # time drifts, and a ratio of neighbouring rounds is steadier than one of two long runs.
        rounds = []
        for _ in range(args.rounds):
            full = hammer(port, cookies, "/api/cases/", intake, total=args.requests // args.rounds, expect=201, **run)
            bare = hammer(
                port, cookies, "/bench/cases/bare", intake, total=args.requests // args.rounds, expect=201, **run
            )
            rounds.append((full, bare))
        trivial = hammer(port, cookies, "/healthz", health, total=args.requests * 2, expect=200, **run)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratios = [full[0] / bare[0] for full, bare in rounds]
    ratio = statistics.median(ratios)
    full_rps = statistics.median(full[0] for full, _ in rounds)
    bare_rps = statistics.median(bare[0] for _, bare in rounds)
    errors = sum(full[2] + bare[2] for full, bare in rounds)
    verdict = "达标" if ratio >= 0.5 else "未达标"
    print(
        f"(a) 上报（gunicorn {args.workers} 进程，{args.clients} 个客户端线程，{args.rounds} 轮交替，取中位数）："
        f"完整接口 {full_rps:.0f} 次/秒，裸写入 {bare_rps:.0f} 次/秒，比值 {ratio:.0%}"
        f"（各轮 {'、'.join(f'{r:.0%}' for r in ratios)}；目标 ≥ 50%，{verdict}；失败 {errors} 次）；"
        f"/healthz {trivial[0]:.0f} 次/秒",
        flush=True,
    )
    return {
        "full_rps": full_rps,
        "bare_rps": bare_rps,
        "healthz_rps": trivial[0],
        "ratio": ratio,
        "round_ratios": ratios,
        "errors": errors,
        "workers": args.workers,
        "clients": args.clients,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", 1_000_000)))
    parser.add_argument("--requests", type=int, default=2500, help="每个接口最多请求数（分到各轮）")
    parser.add_argument("--seconds", type=float, default=20.0, help="每个阶段最长秒数")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn 进程数")
    parser.add_argument("--clients", type=int, default=4, help="客户端线程数")
    parser.add_argument("--rounds", type=int, default=5, help="完整接口与裸写入交替的轮数")
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"案卷基准（{args.cases:,} 件案卷）", flush=True)
    db_env = setup()
    results: dict[str, object] = {"generate": build(args.cases)}
    results["list"] = list_bench()
    results["intake"] = http_bench(db_env, args)
    results["total_s"] = time.perf_counter() - started
    save_results("cases", results)
    print(f"案卷基准用时 {results['total_s']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
