from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "chuangcheng.indicators"
    label = "indicators"
    verbose_name = "测评体系与任务台帐"

    def ready(self) -> None:
        from chuangcheng.core.registry import (
            HomePanel,
            NavEntry,
            TickJob,
            register_home_panel,
            register_nav,
            register_tick_job,
        )
        from chuangcheng.org.access import scope_for
        from chuangcheng.org.choices import Role

        from .readiness import take_snapshots
        from .services import scan_deadlines

        def reports_for_a_unit(user: Any) -> bool:
            return scope_for(user).has_unit_role

        def keeps_the_ledger(user: Any) -> bool:
            county = scope_for(user).acts_as(*Role.county_wide())
            return county and not reports_for_a_unit(user)

        # One link, id nav-indicators: a unit's own tasks, or the county's ledger.
        register_nav(
            NavEntry("tasks", _("我的任务"), "indicators:mine", 40, reports_for_a_unit, element_id="nav-indicators"),
            NavEntry("ledger", _("创建任务"), "indicators:ledger", 41, keeps_the_ledger, element_id="nav-indicators"),
        )
        register_home_panel(HomePanel("tasks", "indicators/_home_panel.html", order=10))
        register_tick_job(
            TickJob("任务催办与逾期督办", scan_deadlines, order=20),
            TickJob("达标预测快照", take_snapshots, order=30),
        )
