"""Forms of the core pages (the office's holiday table) and the base of every list's filter bar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from chuangcheng.core import provisional_holidays
from chuangcheng.core.schemas import DB_INT_MAX


def with_blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Choices with a leading "全部" (no filter)."""
    return [("", _("全部")), *choices]


class FilterForm(forms.Form):
    """A list's filter bar: GET values are validated, and invalid ones are dropped, not fatal."""

    # Fields that steer the page (e.g. table or map view) rather than filter the rows.
    not_filters: tuple[str, ...] = ()

    def full_clean(self) -> None:
        # Here rather than in __init__, so fields a subclass adds after it are bounded too.
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField):
                _bound_integer(field)
        super().full_clean()

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty values as selector filters (objects become primary keys)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: value.pk if isinstance(value, Model) else value
            for name, value in cleaned.items()
            if value not in (None, "") and name not in self.not_filters
        }


def _bound_integer(field: forms.IntegerField) -> None:
    """The database's range: a larger number in a filter would raise deep in the driver, a 500."""
    if field.max_value is None:
        field.max_value = DB_INT_MAX
        field.validators.append(MaxValueValidator(DB_INT_MAX))
    if field.min_value is None:
        field.min_value = -DB_INT_MAX
        field.validators.append(MinValueValidator(-DB_INT_MAX))


# The years the holiday page can show (``core.views._year_of``): those the provisional schedule serves.
FIRST_YEAR, LAST_YEAR = provisional_holidays.FIRST_YEAR, provisional_holidays.LAST_YEAR


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

    def clean_date(self) -> dt.date:
        """A typo like 0227 would be saved where the page never shows it (it lists 2000–2100)."""
        day = self.cleaned_data["date"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("只能录入 %(first)s 年到 %(last)s 年之间的日期") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day
