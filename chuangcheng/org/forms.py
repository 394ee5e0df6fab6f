from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import throttle

THROTTLED = _("登录失败次数过多，请 %(minutes)s 分钟后再试。")


def throttled_error(request: HttpRequest | None) -> forms.ValidationError | None:
    """The lockout message when the throttle (in LoginBackend) refused this request."""
    minutes = throttle.refused_minutes(request)
    if not minutes:
        return None
    return forms.ValidationError(THROTTLED, code="throttled", params={"minutes": minutes})


class ThrottledLoginForm(AuthenticationForm):
    """The login page's form; the lock itself is enforced by LoginBackend, this only words it."""

    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("该账号已停用，请联系创建办。"),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        return throttled_error(self.request) or super().get_invalid_login_error()


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin login: the same lock (LoginBackend), the same Chinese lockout message."""

    def get_invalid_login_error(self) -> forms.ValidationError:
        return throttled_error(self.request) or super().get_invalid_login_error()


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Checks the old password through authenticate(), so guessing it here is counted too.

    A stolen session must not become an unthrottled oracle for the account's password.
    """

    def __init__(self, user: Any, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=old_password) != self.user:
            error = throttled_error(self.request)
            raise error or forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class ThrottledAdminPasswordChangeForm(ThrottledPasswordChangeForm, AdminPasswordChangeForm):
    """The admin's own password change, counted by the same throttle."""
