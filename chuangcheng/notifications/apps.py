from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "chuangcheng.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from chuangcheng.core.registry import NavEntry, register_nav

        from . import checks  # noqa: F401

        badge = "notifications/_nav_badge.html"
        register_nav(NavEntry("inbox", _("消息"), "notifications:inbox", order=20, badge_template=badge))
