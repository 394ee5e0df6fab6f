from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chuangcheng.core"
    label = "core"
    verbose_name = "基础"
