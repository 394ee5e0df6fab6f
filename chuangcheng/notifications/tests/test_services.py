"""notify(): one message per recipient, idempotent per dedupe key, delivered after commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from chuangcheng.notifications import services
from chuangcheng.notifications.choices import DeliveryStatus
from chuangcheng.notifications.models import Delivery, Notification
from chuangcheng.notifications.services import mark_all_read, mark_read, notify

from .conftest import notify_now

pytestmark = pytest.mark.django_db


def escalate(recipients, key="case:7:level:yellow", **extra):
    return notify(
        recipients=recipients, kind="case.escalated", title="案卷 7 黄色督办", url="/cases/7/", dedupe_key=key, **extra
    )


def test_it_creates_one_message_per_recipient(world):
    created = escalate([world.admin_a, world.admin_b])

    assert {n.recipient for n in created} == {world.admin_a, world.admin_b}
    assert all(n.pk and n.read_at is None and n.kind == "case.escalated" for n in created)
    assert Notification.objects.count() == 2


def test_a_person_listed_twice_gets_one_message(world):
    assert len(notify(recipients=[world.admin_a, world.admin_a], kind="x", title="t")) == 1


def test_a_deactivated_person_gets_nothing(world):
    world.admin_b.is_active = False
    world.admin_b.save()

    created = escalate([world.admin_a, world.admin_b])

    assert [n.recipient for n in created] == [world.admin_a]


def test_the_same_dedupe_key_a_second_time_notifies_nobody(world):
    escalate([world.admin_a])

    assert escalate([world.admin_a]) == []
    assert Notification.objects.count() == 1


def test_a_repeated_key_still_reaches_new_recipients(world):
    escalate([world.admin_a])

    created = escalate([world.admin_a, world.admin_b])

    assert [n.recipient for n in created] == [world.admin_b]


def test_two_calls_in_one_transaction_notify_once(world):
    with transaction.atomic():
        first = escalate([world.admin_a, world.admin_b])
        second = escalate([world.admin_a, world.admin_b])

    assert (len(first), second) == (2, [])
    assert Notification.objects.count() == 2


def test_a_lost_race_keeps_only_the_rows_that_were_new(world, monkeypatch):
    """Another transaction inserted the same key after our check: the unique constraint decides."""
    escalate([world.admin_a])
    monkeypatch.setattr(services, "_already_notified", lambda people, key: set())

    created = escalate([world.admin_a, world.admin_b])

    assert [n.recipient for n in created] == [world.admin_b]
    assert Notification.objects.filter(recipient=world.admin_a).count() == 1


def test_messages_without_a_key_are_never_merged(world):
    notify(recipients=[world.admin_a], kind="x", title="一")
    notify(recipients=[world.admin_a], kind="x", title="一")

    assert Notification.objects.filter(recipient=world.admin_a).count() == 2


def test_delivery_runs_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        created = escalate([world.admin_a])
    assert not Delivery.objects.exists()  # nothing left the building before commit

    for callback in callbacks:
        callback()

    delivery = Delivery.objects.get()
    assert delivery.notification == created[0]
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.channel == "chuangcheng.notifications.channels.LogChannel"


def test_a_rolled_back_caller_sends_nothing(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        escalate([world.admin_a])
        raise RuntimeError("the case transition failed")

    assert callbacks == []
    assert not Notification.objects.exists()


def test_a_duplicate_call_enqueues_no_delivery(world, django_capture_on_commit_callbacks):
    escalate([world.admin_a])
    with django_capture_on_commit_callbacks() as callbacks:
        escalate([world.admin_a])

    assert callbacks == []


def test_no_channels_means_inbox_only(world, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = []

    created = notify_now(django_capture_on_commit_callbacks, recipients=[world.admin_a], kind="x", title="t")

    assert len(created) == 1
    assert not Delivery.objects.exists()


def test_a_title_is_required(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notify(recipients=[world.admin_a], kind="x", title="")
    assert not Notification.objects.exists()


def test_mark_read_touches_only_the_users_own_messages(world):
    mine = escalate([world.admin_a], key=None)[0]
    theirs = escalate([world.admin_b], key=None)[0]

    assert mark_read(user=world.admin_a, ids=[mine.pk, theirs.pk]) == 1

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_mark_read_keeps_the_first_read_time(world):
    mine = escalate([world.admin_a], key=None)[0]
    mark_read(user=world.admin_a, ids=[mine.pk])
    first = Notification.objects.get(pk=mine.pk).read_at

    assert mark_read(user=world.admin_a, ids=[mine.pk]) == 0
    assert Notification.objects.get(pk=mine.pk).read_at == first


def test_mark_all_read(world):
    for title in ("一", "二"):
        notify(recipients=[world.admin_a, world.admin_b], kind="x", title=title)

    assert mark_all_read(user=world.admin_a) == 2

    assert not Notification.objects.filter(recipient=world.admin_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.admin_b, read_at__isnull=True).count() == 2
