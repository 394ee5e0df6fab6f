"""Forms of the core pages: the office's holiday table."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HolidayForm(forms.Form):
    """One date set by hand: a day off (放假) or a working day (调休上班)."""

    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("当天"),
        choices=[("0", _("放假")), ("1", _("上班"))],
        coerce=lambda value: value == "1",
        initial="0",
    )
    name = forms.CharField(label=_("名称"), max_length=50, required=False, help_text=_("如：国庆节、国庆调休上班"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
