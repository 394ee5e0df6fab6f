from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "chuangcheng.inspections"
    label = "inspections"
    verbose_name = "巡查检查"

    def ready(self) -> None:
        register_patrols()


def register_patrols() -> None:
    """日巡查: the plan calendar in the navigation, the nightly route generation in ``tick``."""
    from chuangcheng.core.registry import NavEntry, TickJob, register_nav, register_tick_job

    from .access import sees_all_patrols, sees_own_patrols
    from .services import patrol_routes_nightly

    def sees_patrols(user: Any) -> bool:
        return sees_all_patrols(user) or sees_own_patrols(user)

    register_nav(NavEntry("patrols", _("巡查计划"), "inspections:patrol_calendar", 45, sees_patrols))
    register_tick_job(TickJob("日巡查路线生成", patrol_routes_nightly, order=40))
