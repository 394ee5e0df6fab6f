from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from chuangcheng.org.models import Unit
from chuangcheng.places.services import seed_reference_lists


class Command(BaseCommand):
    help = "First start: seed reference lists and, on an empty database, build the demo county."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_reference_lists()
        if Unit.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示县生成。")
            # The default category table moves with the code: new 小类 and rules arrive, office edits stay.
            call_command("seed_categories", stdout=self.stdout)
            call_command("demo_logins", stdout=self.stdout)
        else:
            self.stdout.write("空数据库：正在生成演示县……")
            call_command("demo_county", seed=1, stdout=self.stdout)
