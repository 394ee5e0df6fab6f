"""Forms of the year-end pages: build a list, toggle an entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import YearEndKind
from .models import Scheme
from .selectors_yearend import year_end_schemes


class YearEndBuildForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("考核方案"), queryset=Scheme.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    kind = forms.ChoiceField(label=_("名单类型"), choices=YearEndKind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = year_end_schemes()  # type: ignore[attr-defined]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, this_year - 5, -1)]  # type: ignore[attr-defined]
        self.fields["year"].initial = this_year


class YearEndToggleForm(forms.Form):
    included = forms.BooleanField(label=_("列入"), required=False)
    note = forms.CharField(label=_("审核意见"), max_length=300, required=False)
