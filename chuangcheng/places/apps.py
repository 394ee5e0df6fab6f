from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "chuangcheng.places"
    label = "places"
    verbose_name = "责任体系"

    def ready(self) -> None:
        from . import signals  # noqa: F401
