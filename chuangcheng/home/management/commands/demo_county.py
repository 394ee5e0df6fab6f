"""Build the demo county (``make demo``; ``make run`` calls it on an empty database).

The one place that knows every app's demo: each app's builder writes only its own tables, in
layer order (organisation and map, then cases, campaigns, checklists); ``--force`` wipes them top down.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chuangcheng.appraisal.demo import build_appraisal, wipe_appraisal
from chuangcheng.cases.demo import wipe_cases
from chuangcheng.core.errors import DomainError
from chuangcheng.indicators.demo import wipe_indicators
from chuangcheng.inspections.demo import (
    build_checklists,
    build_patrols,
    build_plans,
    link_checklist_indicators,
    wipe_checklists,
    wipe_patrols,
    wipe_plans,
)
from chuangcheng.org.models import Unit
from chuangcheng.places.demo import DemoCountyBuilder, wipe_map_and_org

# About six months before the recent month: the appraisal's six published months need their cases.
HISTORY_DAYS = 190


class Command(BaseCommand):
    help = "生成演示县：单位、人员、路段、网格、点位和门店（同一 --seed 结果相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
        parser.add_argument("--scale", type=int, default=1, help="倍数：路段、网格、点位、门店按此复制（压测用）")
        parser.add_argument("--force", action="store_true", help="先删除现有的案卷、地图和组织数据再生成")
        parser.add_argument(
            "--case-days", type=int, default=30, help="最后生成最近多少天的演示案卷（默认 30，0 表示不生成）"
        )
        parser.add_argument(
            "--case-history-days",
            type=int,
            default=HISTORY_DAYS,
            help=f"再往前生成多少天的历史案卷，供月度考核排名（默认 {HISTORY_DAYS}，约六个月）",
        )
        parser.add_argument("--no-appraisal", action="store_true", help="不生成月度考核（六个月已发布、本月草稿）")
        parser.add_argument("--no-indicators", action="store_true", help="不生成创建项目、任务分解表和推进台帐")

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.exists():
            if not options["force"]:
                raise CommandError("数据库中已有单位数据，未生成演示县。如需清空地图和组织数据后重建，请加 --force。")
            self.stdout.write("正在删除现有的案卷、地图和组织数据……")
            wipe_appraisal()
            wipe_patrols()
            wipe_plans()
            wipe_checklists()
            wipe_indicators()
            wipe_cases()
            wipe_map_and_org()
        started = time.monotonic()
        builder = DemoCountyBuilder(seed=options["seed"], scale=options["scale"], log=self.stdout.write)
        try:
            summary = builder.build()
        except DomainError as exc:
            raise CommandError(exc.message) from None
        s = summary
        self.stdout.write(
            self.style.SUCCESS(
                f"演示县已生成（{time.monotonic() - started:.1f} 秒）：单位 {s.units} 个，人员 {s.people} 人，"
                f"路段 {s.segments} 条，网格 {s.grids} 个，点位 {s.sites} 个，门店 {s.shops} 家。"
            )
        )
        if options["case_days"] > 0:
            call_command(
                "demo_cases",
                seed=options["seed"],
                days=options["case_days"],
                history_days=options["case_history_days"],
                stdout=self.stdout,
            )
        if not options["no_indicators"]:
            call_command("demo_indicators", seed=options["seed"], stdout=self.stdout)
        checklists = build_checklists()
        self.stdout.write(f"检查表已生成：{checklists.checklists} 张，检查项 {checklists.items} 条。")
        linking = time.monotonic()
        links = link_checklist_indicators()
        self.stdout.write(f"检查项已关联实地考察指标（{time.monotonic() - linking:.1f} 秒）：{links} 处。")
        self._patrols(options["seed"])
        plans = build_plans(today=timezone.localdate(), seed=options["seed"])
        self.stdout.write(
            f"周检查 {plans.checks} 次、模拟测评 {plans.mocks} 次已生成，检查记录 {plans.inspections} 条。"
        )
        if options["case_days"] > 0 and not options["no_appraisal"]:
            self._appraisal()
        call_command("demo_logins", stdout=self.stdout)

    def _appraisal(self) -> None:
        started = time.monotonic()
        a = build_appraisal(today=timezone.localdate())
        self.stdout.write(
            f"月度考核已生成（{time.monotonic() - started:.1f} 秒）：已发布 {a.published} 期，"
            f"本月草稿 {a.drafts} 份，参评单位 {a.units} 个。"
        )

    def _patrols(self, seed: int) -> None:
        started = time.monotonic()
        p = build_patrols(seed=seed)
        self.stdout.write(
            f"日巡查已生成（{time.monotonic() - started:.1f} 秒）：规则 {p.rules} 条，计划点位 {p.visits} 处，"
            f"完成检查 {p.inspections} 次，漏巡 {p.missed} 处，新立案 {p.cases} 件。"
        )
