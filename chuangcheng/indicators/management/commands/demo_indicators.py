"""Build the demo campaigns, frameworks, 任务分解表 and 推进台帐 (``demo_county`` calls it at the end)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuangcheng.indicators.choices import TaskStatus
from chuangcheng.indicators.demo import DemoIndicatorsBuilder, wipe_indicators
from chuangcheng.indicators.models import Campaign


class Command(BaseCommand):
    help = "在演示县上生成创建项目演示数据：测评体系、任务分解表、推进台帐和督办单（同一 --seed 结果相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--force", action="store_true", help="先删除现有的创建项目、任务和台帐数据再生成")

    def handle(self, *args: Any, **options: Any) -> None:
        if Campaign.objects.exists():
            if not options["force"]:
                raise CommandError("数据库中已有创建项目数据，未生成演示数据。如需删除后重建，请加 --force。")
            self.stdout.write("正在删除现有的创建项目、任务和台帐数据……")
            wipe_indicators()
        started = time.monotonic()
        builder = DemoIndicatorsBuilder(seed=options["seed"], log=self.stdout.write)
        try:
            s = builder.build()
        except ValueError:
            raise CommandError("演示县的单位或人员不全，请先运行 manage.py demo_county") from None
        statuses = "，".join(f"{label} {s.by_status.get(value, 0)}" for value, label in TaskStatus.choices)
        self.stdout.write(
            self.style.SUCCESS(
                f"创建项目演示数据已生成（{time.monotonic() - started:.1f} 秒）：项目 {s.campaigns} 个，"
                f"指标 {s.nodes} 个，任务 {s.tasks} 条（{statuses}），进展报送 {s.reports} 条，"
                f"督办单 {s.notices} 张，佐证材料 {s.evidence} 份。"
            )
        )
