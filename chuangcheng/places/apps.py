from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "chuangcheng.places"
    label = "places"
    verbose_name = "责任体系"

    def ready(self) -> None:
        from chuangcheng.core.registry import NavEntry, register_nav
        from chuangcheng.org.access import scope_for
        from chuangcheng.org.choices import Role
        from chuangcheng.org.contacts import register_chief_facts

        from . import signals  # noqa: F401
        from .selectors import chief_contact_facts

        # org's contact policy needs a road chief's segments, which only this app knows.
        register_chief_facts(chief_contact_facts)
        register_nav(
            NavEntry("map", _("责任地图"), "places:map", order=50),
            NavEntry(
                "mine", _("我的责任区"), "places:mine", order=51, visible=lambda u: scope_for(u).has(Role.ROAD_CHIEF)
            ),
            NavEntry("segments", _("路段"), "places:segment_list", order=52),
            NavEntry("grids", _("网格"), "places:grid_list", order=53),
            NavEntry("sites", _("点位"), "places:site_list", order=54),
            NavEntry("shops", _("门店"), "places:shop_list", order=55),
        )
