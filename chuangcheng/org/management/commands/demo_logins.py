"""Print the demo logins (``make run`` calls it on every start)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chuangcheng.org.choices import Role
from chuangcheng.org.demo import ADMIN_USERNAME, DEMO_LOGINS, DEMO_PASSWORD
from chuangcheng.org.models import Person


def _cell(text: str, width: int) -> str:
    """Pad to a display width, counting a CJK character as two columns."""
    shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(width - shown, 0)


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、单位、密码）。"

    def handle(self, *args: Any, **options: Any) -> None:
        usernames = [login.username for login in DEMO_LOGINS] + [ADMIN_USERNAME]
        people = {p.username: p for p in Person.objects.filter(username__in=usernames).select_related("unit")}
        if not people:
            self.stdout.write("没有演示账号（请先运行 manage.py demo_county）。")
            return
        rows = [(login.username, str(Role(login.role).label)) for login in DEMO_LOGINS]
        rows.append((ADMIN_USERNAME, "超级管理员"))
        widths = (12, 14, 24, 10)
        self.stdout.write("演示账号：")
        self.stdout.write("".join(_cell(h, w) for h, w in zip(("用户名", "角色", "单位", "密码"), widths, strict=True)))
        for username, role in rows:
            person = people.get(username)
            if person is None:
                continue
            unit = person.unit.name if person.unit else ""
            cells = (username, role, unit, DEMO_PASSWORD)
            self.stdout.write("".join(_cell(c, w) for c, w in zip(cells, widths, strict=True)))
