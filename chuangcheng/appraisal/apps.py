from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "chuangcheng.appraisal"
    label = "appraisal"
    verbose_name = "月度考核"
