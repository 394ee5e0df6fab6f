from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chuangcheng.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        # Connects the signals that drop the working calendar's cache when an override changes.
        # And the audit log's receiver of the admin's own log entries.
        from chuangcheng.core import audit, workcalendar  # noqa: F401
