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
        register_patrols()
        register_field()
        register_checks()

    @staticmethod
    def _ready_checklists() -> None:
        """Checklists: a link for the office (who edits them) and the 督查室 (who checks with them); the
        other readers (leaders, inspectors, road chiefs) open them from their own pages."""
        from chuangcheng.core.registry import NavEntry, register_nav
        from chuangcheng.org.access import scope_for
        from chuangcheng.org.choices import Role

        def keeps_checklists(user: Any) -> bool:
            return scope_for(user).acts_as(Role.OFFICE, Role.SUPERVISOR)

        register_nav(NavEntry("checklists", _("检查表"), "inspections:checklists", 46, keeps_checklists))

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


def register_patrols() -> None:
    """日巡查: the plan calendar in the navigation, the nightly route generation in ``tick``."""
    from chuangcheng.core.registry import NavEntry, TickJob, register_nav, register_tick_job

    from .access import sees_all_patrols, sees_own_patrols
    from .services import patrol_routes_nightly

    def sees_patrols(user: Any) -> bool:
        return sees_all_patrols(user) or sees_own_patrols(user)

    register_nav(NavEntry("patrols", _("巡查计划"), "inspections:patrol_calendar", 43, sees_patrols))
    register_tick_job(TickJob("日巡查路线生成", patrol_routes_nightly, order=40))


def register_field() -> None:
    """The phone pages: 现场检查 for the roles that inspect."""
    from chuangcheng.core.registry import NavEntry, register_nav

    from .access import can_inspect

    register_nav(NavEntry("field", _("现场检查"), "inspections:field_today", order=35, visible=can_inspect))


def register_checks() -> None:
    """周检查 / 模拟测评: one navigation link for the roles that read plans."""
    from chuangcheng.core.registry import NavEntry, register_nav
    from chuangcheng.org.access import scope_for

    from .access import PLAN_READERS

    def reads_plans(user: Any) -> bool:
        return scope_for(user).acts_as(*PLAN_READERS)

    register_nav(NavEntry("checks", _("检查计划"), "inspections:check_list", 44, reads_plans))
