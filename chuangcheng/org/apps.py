from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "chuangcheng.org"
    label = "org"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from chuangcheng.core.registry import NavEntry, register_nav

        from .selectors import can_read_audit

        register_nav(
            NavEntry("units", _("单位"), "org:unit_tree", order=70),
            NavEntry("people", _("人员"), "org:person_list", order=80),
            NavEntry("audit", _("操作日志"), "org:audit_log", order=90, visible=can_read_audit),
        )
