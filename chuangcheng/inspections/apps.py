from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "chuangcheng.inspections"
    label = "inspections"
    verbose_name = "巡查检查"

    def ready(self) -> None:
        self._ready_results()

    # ---- results (an inspection's detail, results pages, readiness and case links) -------------

    def _ready_results(self) -> None:
        from django.utils.translation import gettext_lazy as _

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
