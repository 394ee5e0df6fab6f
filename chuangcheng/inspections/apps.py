from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "chuangcheng.inspections"
    label = "inspections"
    verbose_name = "巡查检查"

    def ready(self) -> None:
        self._ready_checklists()

    @staticmethod
    def _ready_checklists() -> None:
        """Checklists: the office's link to its checklist pages (others who may read them open them from elsewhere)."""
        from chuangcheng.core.registry import NavEntry, register_nav

        from .access import can_edit_checklists

        def edits_checklists(user: Any) -> bool:
            return can_edit_checklists(user)

        register_nav(NavEntry("checklists", _("检查表"), "inspections:checklists", 45, edits_checklists))
