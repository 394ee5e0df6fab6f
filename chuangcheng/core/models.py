from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: creation and last-change times on every domain row."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """Abstract base for history rows (case and task events): written once, never changed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)


class HolidayOverride(TimeStampedModel):
    """One day whose working status the office sets by hand; it beats the chinese-calendar library."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"), default=False)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：国庆节、国庆调休上班"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("放假")
        return f"{self.date:%Y-%m-%d} {self.name or kind}"
