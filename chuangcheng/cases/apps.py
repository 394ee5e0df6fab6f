from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "chuangcheng.cases"
    label = "cases"
    verbose_name = "问题处置"
