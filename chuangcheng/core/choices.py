from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    """The unit of a time limit; see chuangcheng.core.workcalendar for how each is counted."""

    WORK_HOURS = "work_hours", _("工作时")
    WORK_DAYS = "work_days", _("工作日")
    NATURAL_HOURS = "natural_hours", _("自然小时")
