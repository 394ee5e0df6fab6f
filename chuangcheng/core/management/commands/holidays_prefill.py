from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuangcheng.core.errors import DomainError
from chuangcheng.core.services import holidays_prefill


class Command(BaseCommand):
    help = "Copy chinese-calendar's holidays and 调休 working days of a year into the editable override table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: object, year: int, **options: object) -> None:
        try:
            result = holidays_prefill(year=year)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{year} 年：导入 {result.added} 天，已有 {result.kept} 天保持不变。")
