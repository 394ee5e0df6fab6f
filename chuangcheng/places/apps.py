from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "chuangcheng.places"
    label = "places"
    verbose_name = "责任体系"

    def ready(self) -> None:
        from chuangcheng.org.contacts import register_chief_facts

        from . import signals  # noqa: F401
        from .selectors import chief_contact_facts

        # org's contact policy needs a road chief's segments, which only this app knows.
        register_chief_facts(chief_contact_facts)
