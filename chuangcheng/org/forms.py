from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import throttle
from .choices import UnitKind
from .models import Unit

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


class UnitSetForm(forms.Form):
    """A 单位分组: its word, a rule over unit kinds (and name endings) and/or units listed by hand."""

    name = forms.CharField(label=_("分组名称"), max_length=50, help_text=_("任务分解表里的写法，如 各乡镇（街道）"))
    kinds = forms.MultipleChoiceField(
        label=_("单位类型"), choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    name_endings = forms.CharField(
        label=_("名称结尾"),
        max_length=100,
        required=False,
        help_text=_("只含名称以这些字结尾的单位，多个用顿号分隔，如 镇、乡"),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("指定单位"),
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("按规则选不出的单位（如县直各执法单位）在此逐个指定"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
