from __future__ import annotations

import math
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LoginFailure


def client_ip(request) -> str:  # type: ignore[no-untyped-def]
    """The client's address; behind our own proxy, the one that proxy appended last.

    nginx's ``proxy_add_x_forwarded_for`` appends the peer it saw, so the rightmost entry
    is the only one a client cannot forge. Without BEHIND_PROXY every user would share
    the proxy's address and one attacker could lock everybody out.
    """
    if request is None:
        return ""
    if settings.BEHIND_PROXY:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_minutes_left(username: str, ip: str) -> int:
    """Minutes until this username+address may try again; 0 when it is not locked."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    times = list(
        LoginFailure.objects.filter(username=username, ip=ip, at__gte=since).order_by("at").values_list("at", flat=True)
    )
    if len(times) < settings.LOGIN_MAX_FAILURES:
        return 0
    # The lock lifts when enough of the oldest failures leave the window to drop below the limit.
    unlock_at = times[len(times) - settings.LOGIN_MAX_FAILURES] + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    return max(1, math.ceil((unlock_at - timezone.now()).total_seconds() / 60))


class ThrottledLoginForm(AuthenticationForm):
    """Login form that locks a username+address pair after repeated failures."""

    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("该账号已停用，请联系创建办。"),
        "throttled": _("登录失败次数过多，请 %(minutes)s 分钟后再试。"),
    }

    def clean(self):  # type: ignore[no-untyped-def]
        username = (self.cleaned_data.get("username") or "").strip()
        ip = client_ip(self.request)
        minutes = lockout_minutes_left(username, ip)
        if minutes:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": minutes})
        try:
            return super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username, ip=ip)
            raise
