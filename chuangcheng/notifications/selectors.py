"""Reads of the notifications app: a person only ever sees their own messages."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chuangcheng.org.models import Person

from .models import Notification


def unread_count(user: Person) -> int:
    """One COUNT on the partial unread index; 0 for anonymous users."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_for_user(*, user: Person, filters: dict[str, Any] | None = None) -> QuerySet[Notification]:
    """The user's messages, unread first, then newest first; ``filters={"unread": True}`` keeps only unread."""
    filters = filters or {}
    qs = Notification.objects.filter(recipient=user)
    if filters.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return qs.annotate(unread=unread).order_by("-unread", "-created_at", "-id")


def get_notification_for_user(user: Person, pk: int) -> Notification:
    """The user's own message; another person's is a 404, the same as a missing one."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404(_("消息不存在"))
    return notification
