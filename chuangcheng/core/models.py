from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
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


class AuditEntry(AppendOnlyModel):
    """One change that is not a domain event (units, people, roles, settings, imports, admin edits).

    The object is named by content type and id, with its text kept at write time: the row
    outlives the object. ``data`` holds the changed fields (old → new), never a secret.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    data = models.JSONField(_("变更内容"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def lines(self) -> list[tuple[str, str]]:
        """``data`` for reading: "old → new" for a changed field, the value itself otherwise."""
        return [(key, _line(value)) for key, value in (self.data or {}).items()]


def _line(value: object) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_text(value[0])} → {_text(value[1])}"
    return _text(value)


def _text(value: object) -> str:
    return "—" if value in (None, "") else str(value)
