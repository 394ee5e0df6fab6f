from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "chuangcheng.inspections"
    label = "inspections"
    verbose_name = "巡查检查"

    def ready(self) -> None:
        self._register_field()

    # ---- field (the phone pages) ----
    def _register_field(self) -> None:
        from chuangcheng.core.registry import NavEntry, register_nav

        from .access import can_inspect

        register_nav(NavEntry("field", _("现场检查"), "inspections:field_today", order=35, visible=can_inspect))
