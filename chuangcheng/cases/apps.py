from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "chuangcheng.cases"
    label = "cases"
    verbose_name = "问题处置"

    def ready(self) -> None:
        from chuangcheng.core.registry import (
            CalendarListener,
            NavEntry,
            TickJob,
            register_calendar_listener,
            register_nav,
            register_tick_job,
        )

        from .escalation import escalate_due
        from .recount import provisional_spans, recount_provisional

        register_nav(NavEntry("cases", _("问题"), "cases:list", order=30))
        # Recount before escalating, so the levels follow the official deadlines.
        register_tick_job(TickJob("期限按正式节假日重算", recount_provisional, order=5))
        register_tick_job(TickJob("督办升级", escalate_due, order=10))
        register_calendar_listener(CalendarListener("cases", recount_provisional, provisional_spans))
