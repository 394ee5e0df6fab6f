from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "chuangcheng.appraisal"
    label = "appraisal"
    verbose_name = "月度考核"

    def ready(self) -> None:
        from chuangcheng.core.registry import NavEntry, register_nav

        from .access import can_read_runs, reads_every_unit

        register_nav(NavEntry("appraisal", _("月度考核"), "appraisal:runs", 60, can_read_runs))
        register_nav(NavEntry("yearend", _("年终评定"), "appraisal:yearend", 61, reads_every_unit))
