"""Start-up check: a mistyped NOTIFICATION_CHANNELS entry fails loudly, not at the first escalation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def check_channels(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for path in settings.NOTIFICATION_CHANNELS:
        try:
            channel = import_string(path)
        except ImportError as exc:
            errors.append(Error(f"NOTIFICATION_CHANNELS: cannot import {path!r}: {exc}", id="notifications.E001"))
            continue
        if not callable(getattr(channel, "send", None)):
            errors.append(Error(f"NOTIFICATION_CHANNELS: {path!r} has no send() method", id="notifications.E002"))
    return errors
