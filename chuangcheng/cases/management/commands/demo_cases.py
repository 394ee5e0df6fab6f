"""Generate a month of demo cases on the demo county, and a thinner history before it (``demo_county`` calls it)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_stubs_ext import StrOrPromise

from chuangcheng.cases.demo import CASES_PER_SCALE, HISTORY_PER_DAY, DemoCasesBuilder


class Command(BaseCommand):
    help = "在演示县上生成演示案卷：最近若干天的上报、立案、派遣、处置、核查和督办记录（同一 --seed 结果相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="最近多少天（默认 30）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--scale", type=int, default=1, help=f"倍数：生成 {CASES_PER_SCALE} × 倍数 件案卷")
        parser.add_argument("--count", type=int, default=0, help="直接指定案卷数（优先于 --scale），如 1000000")
        parser.add_argument(
            "--history-days",
            type=int,
            default=0,
            help="在最近若干天之前再生成多少天的历史案卷（每天约 20 件 × 倍数，默认 0）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"] or CASES_PER_SCALE * options["scale"]
        if count < 1 or options["days"] < 1 or options["history_days"] < 0:
            raise CommandError("--count/--scale 和 --days 必须为正数，--history-days 不能为负数")
        started = time.monotonic()
        builder = DemoCasesBuilder(
            seed=options["seed"],
            days=options["days"],
            count=count,
            history_days=options["history_days"],
            history_count=options["history_days"] * HISTORY_PER_DAY * options["scale"],
            log=self.stdout.write,
        )
        try:
            summary = builder.build()
        except ValueError:
            raise CommandError("没有路段数据，请先运行 manage.py demo_county") from None
        statuses = "，".join(f"{label} {summary.by_status.get(value, 0)}" for value, label in _labels())
        self.stdout.write(
            self.style.SUCCESS(
                f"演示案卷已生成（{time.monotonic() - started:.1f} 秒）：案卷 {summary.cases:,} 件，"
                f"事件 {summary.events:,} 条（{statuses}）。"
            )
        )


def _labels() -> list[tuple[str, StrOrPromise]]:
    from chuangcheng.cases.choices import Status

    return [(s.value, s.label) for s in Status]
