from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "chuangcheng.inspections"
    label = "inspections"
    verbose_name = "巡查检查"

    def ready(self) -> None:
        self._ready_checklists()
        self._ready_results()

    @staticmethod
    def _ready_checklists() -> None:
        """Checklists: a link for the office (who edits them) and the 督查室 (who checks with them); the
        other readers (leaders, inspectors, road chiefs) open them from their own pages."""
        from chuangcheng.core.registry import NavEntry, register_nav
        from chuangcheng.org.access import scope_for
        from chuangcheng.org.choices import Role

        def keeps_checklists(user: Any) -> bool:
            return scope_for(user).acts_as(Role.OFFICE, Role.SUPERVISOR)

        register_nav(NavEntry("checklists", _("检查表"), "inspections:checklists", 45, keeps_checklists))

    # ---- results (an inspection's detail, results pages, readiness and case links) -------------

    @staticmethod
    def _ready_results() -> None:
        from chuangcheng.core.registry import NavEntry, register_case_links, register_nav, register_readiness_source

        from .access import can_see_inspections
        from .results import case_links, readiness_source

        register_nav(
            NavEntry(
                "inspection_results",
                _("检查结果"),
                "inspections:results",
                36,
                can_see_inspections,
                element_id="nav-results",
            )
        )
        register_case_links("inspections", case_links)
        register_readiness_source("inspections", readiness_source)
