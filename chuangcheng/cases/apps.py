from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "chuangcheng.cases"
    label = "cases"
    verbose_name = "问题处置"

    def ready(self) -> None:
        from chuangcheng.core.registry import NavEntry, TickJob, register_nav, register_tick_job

        from .escalation import escalate_due

        register_nav(NavEntry("cases", _("问题"), "cases:list", order=30))
        register_tick_job(TickJob("督办升级", escalate_due, order=10))
