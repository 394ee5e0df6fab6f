"""Channels: the log default, e-mail, SMS/WeCom webhooks, and a failing channel that harms no other."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from chuangcheng.notifications.channels import EmailChannel, LogChannel, SmsChannel, WeComChannel
from chuangcheng.notifications.choices import DeliveryStatus
from chuangcheng.notifications.models import Delivery, Notification
from chuangcheng.notifications.tasks import deliver_notifications

from .conftest import notify_now

pytestmark = pytest.mark.django_db

LOG = "chuangcheng.notifications.channels.LogChannel"
EMAIL = "chuangcheng.notifications.channels.EmailChannel"
SMS = "chuangcheng.notifications.channels.SmsChannel"
WECOM = "chuangcheng.notifications.channels.WeComChannel"
BROKEN = "chuangcheng.notifications.tests.test_channels.BrokenChannel"


class BrokenChannel:
    def send(self, notification: Notification) -> bool:
        raise ConnectionError("gateway down")


@pytest.fixture
def message(world) -> Notification:
    world.admin_a.mobile = "13800000001"
    world.admin_a.email = "chen@example.gov.cn"
    world.admin_a.save()
    return Notification.objects.create(
        recipient=world.admin_a, kind="case.escalated", title="案卷 7 橙色督办", body="已超期", url="/cases/7/"
    )


def statuses() -> dict[str, str]:
    return dict(Delivery.objects.values_list("channel", "status"))


def test_the_log_channel_logs_the_message(message, caplog):
    with caplog.at_level(logging.INFO, logger="chuangcheng.notifications.channels"):
        assert LogChannel().send(message) is True

    assert "case.escalated" in caplog.text
    assert "admin_a" in caplog.text
    assert "案卷 7 橙色督办" in caplog.text


def test_the_default_settings_deliver_through_the_log(world, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO, logger="chuangcheng.notifications.channels"):
        notify_now(django_capture_on_commit_callbacks, recipients=[world.admin_b], kind="x.y", title="请查收")

    assert "请查收" in caplog.text
    assert statuses() == {LOG: DeliveryStatus.SENT}


def test_a_failing_channel_does_not_stop_the_others(world, settings, caplog, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = [BROKEN, LOG]

    with caplog.at_level(logging.INFO):
        created = notify_now(django_capture_on_commit_callbacks, recipients=[world.admin_a], kind="x", title="t")

    assert len(created) == 1  # the inbox message stands
    assert statuses() == {BROKEN: DeliveryStatus.FAILED, LOG: DeliveryStatus.SENT}
    assert "gateway down" in Delivery.objects.get(channel=BROKEN).error
    assert f"channel {BROKEN} failed" in caplog.text


def test_running_the_task_again_resends_nothing_but_retries_failures(message, settings, caplog):
    settings.NOTIFICATION_CHANNELS = [BROKEN, LOG]
    deliver_notifications.call([message.pk])

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="chuangcheng.notifications.channels"):
        tally = deliver_notifications.call([message.pk])

    assert tally == {DeliveryStatus.FAILED: 1}  # only the broken channel was tried again
    assert "案卷 7 橙色督办" not in caplog.text
    assert Delivery.objects.get(channel=BROKEN).attempts == 2
    assert Delivery.objects.get(channel=LOG).attempts == 1


def test_the_email_channel_mails_the_recipient(message, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://cc.example.gov.cn"

    assert EmailChannel().send(message) is True

    (sent,) = mail.outbox
    assert sent.to == ["chen@example.gov.cn"]
    assert sent.subject == "案卷 7 橙色督办"
    assert "已超期" in sent.body and "https://cc.example.gov.cn/cases/7/" in sent.body


def test_the_email_channel_skips_a_person_without_an_address(world, settings):
    settings.NOTIFICATION_CHANNELS = [EMAIL]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = Notification.objects.create(recipient=world.admin_b, kind="x", title="t")

    deliver_notifications.call([message.pk])

    assert mail.outbox == []
    assert statuses() == {EMAIL: DeliveryStatus.SKIPPED}


def test_the_sms_channel_posts_json_to_the_gateway(message, settings, webhook):
    settings.SMS_WEBHOOK_URL = webhook.url

    assert SmsChannel().send(message) is True

    (request,) = webhook.received
    assert request["path"] == "/hook"
    assert request["content_type"] == "application/json; charset=utf-8"
    assert request["json"]["mobile"] == "13800000001"
    assert request["json"]["kind"] == "case.escalated"
    assert request["json"]["text"].startswith("案卷 7 橙色督办\n已超期")


def test_the_wecom_channel_mentions_the_recipient_through_the_task(message, settings, webhook):
    settings.NOTIFICATION_CHANNELS = [WECOM]
    settings.WECOM_WEBHOOK_URL = webhook.url

    deliver_notifications.call([message.pk])

    (request,) = webhook.received
    assert request["json"]["msgtype"] == "text"
    assert request["json"]["text"]["mentioned_mobile_list"] == ["13800000001"]
    assert "案卷 7 橙色督办" in request["json"]["text"]["content"]
    assert statuses() == {WECOM: DeliveryStatus.SENT}


def test_a_wecom_refusal_is_a_failure(message, settings, webhook):
    settings.NOTIFICATION_CHANNELS = [WECOM]
    settings.WECOM_WEBHOOK_URL = webhook.url
    webhook.answer = b'{"errcode": 93000, "errmsg": "invalid webhook url"}'

    deliver_notifications.call([message.pk])

    assert statuses() == {WECOM: DeliveryStatus.FAILED}
    assert "93000" in Delivery.objects.get().error


def test_an_http_error_from_the_gateway_is_a_failure(message, settings, webhook):
    settings.NOTIFICATION_CHANNELS = [SMS, LOG]
    settings.SMS_WEBHOOK_URL = webhook.url
    webhook.status = 500

    deliver_notifications.call([message.pk])

    assert statuses() == {SMS: DeliveryStatus.FAILED, LOG: DeliveryStatus.SENT}


def test_without_a_url_the_webhook_channels_only_log(message, settings, caplog):
    settings.SMS_WEBHOOK_URL = ""
    settings.WECOM_WEBHOOK_URL = ""

    with caplog.at_level(logging.INFO, logger="chuangcheng.notifications.channels"):
        assert SmsChannel().send(message) is True
        assert WeComChannel().send(message) is True

    assert "no SMS_WEBHOOK_URL configured" in caplog.text
    assert "no WECOM_WEBHOOK_URL configured" in caplog.text
    assert "13800000001" in caplog.text


def test_the_sms_channel_skips_a_person_without_a_mobile(world, settings, webhook):
    settings.SMS_WEBHOOK_URL = webhook.url
    message = Notification.objects.create(recipient=world.admin_b, kind="x", title="t")

    assert SmsChannel().send(message) is False
    assert webhook.received == []


def test_a_mistyped_channel_fails_the_system_check(settings):
    from chuangcheng.notifications.checks import check_channels

    settings.NOTIFICATION_CHANNELS = [LOG, "chuangcheng.notifications.channels.PigeonChannel"]

    assert [e.id for e in check_channels()] == ["notifications.E001"]
