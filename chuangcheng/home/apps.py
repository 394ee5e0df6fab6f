from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The interface app at the top: the home page and the demo county, reading every app below."""

    name = "chuangcheng.home"
    label = "home"
    verbose_name = "首页"

    def ready(self) -> None:
        from chuangcheng.core.registry import NavEntry, register_nav

        register_nav(NavEntry("home", _("首页"), "home:home", order=10))
