"""Background delivery of notifications through the configured channels.

Each (notification, channel) pair is claimed with a conditional UPDATE on its Delivery row,
so running the task twice — a retry, or two workers — sends nothing twice; a failed channel
is recorded and retried by the next run, and never stops the other channels.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django_tasks import task

from .channels import Channel, configured_channels
from .choices import DeliveryStatus
from .models import Delivery, Notification

logger = logging.getLogger(__name__)


def _claim(notification: Notification, path: str) -> Delivery | None:
    """The delivery row, if this run won it; None when it is done or another run holds it."""
    delivery, _ = Delivery.objects.get_or_create(notification=notification, channel=path)
    won = Delivery.objects.filter(pk=delivery.pk, status__in=DeliveryStatus.claimable()).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1
    )
    return delivery if won else None


def _send(delivery: Delivery, channel: Channel, notification: Notification) -> str:
    try:
        sent = channel.send(notification)
    except Exception as exc:  # any channel error: record it, go on with the others
        logger.exception("notification %s: channel %s failed", notification.pk, delivery.channel)
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, error=repr(exc)[:2000])
        return DeliveryStatus.FAILED
    status = DeliveryStatus.SENT if sent else DeliveryStatus.SKIPPED
    Delivery.objects.filter(pk=delivery.pk).update(status=status, error="")
    return status


@task()
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """Send each notification through each channel once; returns how many ended in each status."""
    tally: dict[str, int] = {}
    channels = configured_channels()
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        for path, channel in channels:
            delivery = _claim(notification, path)
            if delivery is not None:
                status = _send(delivery, channel, notification)
                tally[status] = tally.get(status, 0) + 1
    return tally
