"""Writes of the notifications app: create inbox messages (idempotently) and mark them read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from chuangcheng.org.models import Person

from .models import Notification

logger = logging.getLogger(__name__)


def _unique_active(recipients: Iterable[Person]) -> list[Person]:
    """Each active person once, in the order given: a deactivated account gets nothing."""
    people: dict[int, Person] = {}
    for person in recipients:
        if person.is_active:
            people.setdefault(person.pk, person)
    return list(people.values())


def _already_notified(people: list[Person], dedupe_key: str | None) -> set[int]:
    if dedupe_key is None:
        return set()
    qs = Notification.objects.filter(dedupe_key=dedupe_key, recipient__in=people)
    return set(qs.values_list("recipient_id", flat=True))


def _insert_one(row: Notification) -> bool:
    row.pk = None
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _insert(rows: list[Notification]) -> list[Notification]:
    """Insert ``rows`` and return those that were new.

    The fast path is one bulk INSERT. If a concurrent call with the same dedupe key won the
    race (unique violation), fall back to one savepoint per row and keep the rows that went in.
    """
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        return [row for row in rows if _insert_one(row)]


def _enqueue_delivery(ids: list[int]) -> None:
    from .tasks import deliver_notifications

    deliver_notifications.enqueue(ids)


def notify(
    *,
    recipients: Iterable[Person],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Put a message in each recipient's inbox and, after commit, send it through the channels.

    Idempotent per ``dedupe_key``: a recipient who already has a message with that key gets
    nothing new, so a job that runs twice notifies once. Returns only the new messages.
    """
    people = _unique_active(recipients)
    now = timezone.now()
    with transaction.atomic():
        done = _already_notified(people, dedupe_key)
        rows = [
            Notification(recipient=p, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key, created_at=now)
            for p in people
            if p.pk not in done
        ]
        for row in rows:
            row.full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
        fresh = _insert(rows)
        if fresh and settings.NOTIFICATION_CHANNELS:
            # robust: the messages are committed and in the inbox; a failed enqueue is only logged.
            transaction.on_commit(partial(_enqueue_delivery, [n.pk for n in fresh]), robust=True)
    return fresh


def mark_read(*, user: Person, ids: Iterable[int]) -> int:
    """Mark the user's own messages among ``ids`` read; others' ids are ignored. Returns the count changed."""
    qs = Notification.objects.filter(recipient=user, pk__in=list(ids), read_at__isnull=True)
    return qs.update(read_at=timezone.now())


def mark_all_read(*, user: Person) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
