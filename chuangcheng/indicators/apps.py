from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "chuangcheng.indicators"
    label = "indicators"
    verbose_name = "测评体系与任务台帐"
