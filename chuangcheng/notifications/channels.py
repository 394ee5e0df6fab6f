"""Ways a notification leaves the platform, besides the in-app inbox.

``settings.NOTIFICATION_CHANNELS`` lists dotted paths of classes with a ``send`` method.
``send`` returns True when it delivered (or logged) the message and False when there was
nothing to deliver to (no e-mail address, no mobile number); it raises on failure, and the
delivery task records the error and goes on with the other channels.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from functools import cache
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger(__name__)


class Channel(Protocol):
    def send(self, notification: Notification) -> bool: ...


@cache
def _channel_class(path: str) -> type[Channel]:
    return import_string(path)


def configured_channels() -> list[tuple[str, Channel]]:
    """(dotted path, instance) for each configured channel, in settings order."""
    return [(path, _channel_class(path)()) for path in settings.NOTIFICATION_CHANNELS]


def absolute_url(notification: Notification) -> str:
    """The message's link for use outside the site: made absolute when SITE_URL is set."""
    if not notification.url or not settings.SITE_URL:
        return notification.url
    return urljoin(settings.SITE_URL, notification.url)


def plain_text(notification: Notification) -> str:
    return "\n".join(part for part in (notification.title, notification.body, absolute_url(notification)) if part)


class LogChannel:
    """Writes each notification to the log: the default, for development and closed intranets."""

    def send(self, notification: Notification) -> bool:
        logger.info(
            "notification %s to %s (%s): %s",
            notification.kind,
            notification.recipient.get_username(),
            notification.recipient_id,
            notification.title,
        )
        return True


class EmailChannel:
    """Sends an e-mail through Django's mail backend to the recipient's address, if any."""

    def send(self, notification: Notification) -> bool:
        address = notification.recipient.email
        if not address:
            return False
        send_mail(notification.title, plain_text(notification), None, [address], fail_silently=False)
        return True


def post_json(url: str, payload: dict[str, Any], *, timeout: float) -> bytes:
    """POST ``payload`` as UTF-8 JSON; raise on a transport error or an HTTP error status."""
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError(f"webhook URL must be http(s): {url!r}")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked above: no file://
        return response.read()


class WebhookChannel:
    """POSTs JSON to the URL in ``settings.<url_setting>``; without a URL it only logs the payload."""

    url_setting = ""

    def payload(self, notification: Notification) -> dict[str, Any] | None:
        """The JSON body, or None when the recipient cannot be reached this way."""
        raise NotImplementedError

    def check_response(self, body: bytes) -> None:
        """Raise if the gateway answered 200 but refused the message."""

    def send(self, notification: Notification) -> bool:
        payload = self.payload(notification)
        if payload is None:
            return False
        url = getattr(settings, self.url_setting, "")
        if not url:
            logger.info("%s (no %s configured) would post: %s", type(self).__name__, self.url_setting, payload)
            return True
        self.check_response(post_json(url, payload, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT))
        return True


class SmsChannel(WebhookChannel):
    """A text message to the recipient's mobile through an SMS gateway's webhook."""

    url_setting = "SMS_WEBHOOK_URL"

    def payload(self, notification: Notification) -> dict[str, Any] | None:
        mobile = getattr(notification.recipient, "mobile", "")
        if not mobile:
            return None
        return {"mobile": mobile, "text": plain_text(notification), "kind": notification.kind}


class WeComChannel(WebhookChannel):
    """A 企业微信 group-robot message that @-mentions the recipient by mobile number."""

    url_setting = "WECOM_WEBHOOK_URL"

    def payload(self, notification: Notification) -> dict[str, Any] | None:
        mobile = getattr(notification.recipient, "mobile", "")
        text: dict[str, Any] = {"content": plain_text(notification)}
        if mobile:
            text["mentioned_mobile_list"] = [mobile]
        return {"msgtype": "text", "text": text}

    def check_response(self, body: bytes) -> None:
        # The robot answers HTTP 200 with {"errcode": non-zero} when it rejects a message.
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return
        if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
            raise RuntimeError(f"WeCom refused the message: {answer}")
