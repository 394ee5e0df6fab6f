from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DeliveryStatus


class Notification(models.Model):
    """One message in a person's in-app inbox; channels deliver copies of it elsewhere."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    kind = models.CharField(_("类型"), max_length=50, help_text=_("如 case.escalated"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A job that runs twice passes the same key and notifies once. NULLs are distinct
            # (SQLite and PostgreSQL alike), so messages without a key are never merged.
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_recipient_dedupe_unique"),
        ]
        indexes = [
            # Serves the inbox page and API: one recipient's messages, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # Serves the nav badge's COUNT on every page: only unread rows are in it, so it stays small.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Delivery(models.Model):
    """One notification sent through one channel: a retried run skips what already went out."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        constraints = [
            # One row per (message, channel): the claim in tasks.py is a conditional UPDATE on it.
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_notification_channel_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.get_status_display()}"
