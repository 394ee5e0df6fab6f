from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "chuangcheng.inspections"
    label = "inspections"
    verbose_name = "巡查检查"

    def ready(self) -> None:
        self._register_checks()

    @staticmethod
    def _register_checks() -> None:
        """周检查 / 模拟测评: one navigation link for the roles that read plans."""
        from typing import Any

        from django.utils.translation import gettext_lazy as _

        from chuangcheng.core.registry import NavEntry, register_nav
        from chuangcheng.org.access import scope_for

        from .access import PLAN_READERS

        def reads_plans(user: Any) -> bool:
            return scope_for(user).acts_as(*PLAN_READERS)

        register_nav(NavEntry("checks", _("检查计划"), "inspections:check_list", 45, reads_plans))
