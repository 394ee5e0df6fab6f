"""The fixed demo logins: one per role, created by ``demo_county`` and listed by ``demo_logins``."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Role

DEMO_PASSWORD = "demo12345"
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    real_name: str
    title: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("office", Role.OFFICE, "王创建", "创建办工作人员"),
    DemoLogin("duchashi", Role.SUPERVISOR, "李督查", "督查室督查员"),
    DemoLogin("liaison", Role.UNIT_ADMIN, "陈联络", "城关街道联络员"),
    DemoLogin("handler", Role.HANDLER, "周处置", "城管执法队员"),
    DemoLogin("luzhang", Role.ROAD_CHIEF, "孙路长", "副县长（人民路路长）"),
    DemoLogin("xuncha", Role.INSPECTOR, "郑巡查", "巡查员"),
    DemoLogin("zhiyuan", Role.VOLUNTEER, "冯志愿", "市容义务管理员"),
    DemoLogin("lingdao", Role.LEADER, "赵县长", "县长"),
)
