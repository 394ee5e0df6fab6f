"""Write the national default category table (``cases/category_seed.py``); ``bootstrap`` runs it on every start."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chuangcheng.cases.services import seed_categories


class Command(BaseCommand):
    help = (
        "写入国家标准的问题类别表（部件/事件 大类、小类及立案、结案条件和时限）；创建办改过的字段保留，--force 时覆盖。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="用默认表覆盖创建办修改过的字段")

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_categories(force=options["force"])
        self.stdout.write(
            f"问题类别：新增 {result.created}，更新 {result.updated}，保留创建办修改 {len(result.kept)} 处"
        )
        for item in result.kept:
            self.stdout.write(f"  保留：{item}")
