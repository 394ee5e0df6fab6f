"""Filter bars of the inspection list and the results page (invalid values are dropped, not fatal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.forms import FilterForm, with_blank
from chuangcheng.indicators.models import Campaign
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.selectors import unit_list_for_user

from .choices import InspectionKind
from .models import Checklist
from .results import inspection_list_for_user

DATE = forms.DateInput(attrs={"type": "date"})


class InspectionFilterForm(FilterForm):
    """检查记录 filters: period, kind, checklist (type), town, unit, inspector; place ids from the map's links."""

    date_from = forms.DateField(label=_("检查日期从"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE)
    kind = forms.ChoiceField(label=_("检查类型"), choices=with_blank(InspectionKind.choices), required=False)
    checklist = forms.ModelChoiceField(
        queryset=Checklist.objects.none(), label=_("点位类型/道路等级"), required=False, empty_label=_("全部")
    )
    town = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("乡镇/街道"), required=False, empty_label=_("全部")
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("责任单位"), required=False, empty_label=_("全部")
    )
    inspector = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("检查人"), required=False, empty_label=_("全部")
    )
    site = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    segment = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self._set("checklist", Checklist.objects.order_by("road_class", "site_type__sort_order", "pk"))
        self._set("town", Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("path"))
        self._set("unit", unit_list_for_user(user=user))
        seen = inspection_list_for_user(user=user).order_by().values("inspector_id")
        self._set("inspector", Person.objects.filter(pk__in=seen).order_by("real_name", "pk"))

    def _set(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class ResultsFilterForm(InspectionFilterForm):
    """The results page: the same filters over a period (this month unless chosen), and the campaign
    whose indicators the 按指标 section reads."""

    not_filters = ("campaign",)

    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=_("创建项目"), required=False, empty_label=None
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        data = data.copy()
        today = timezone.localdate()
        if not data.get("date_from") and not data.get("date_to"):
            data["date_from"] = month_start(today).isoformat()
            data["date_to"] = today.isoformat()
        super().__init__(data, user=user)
        self._set("campaign", Campaign.objects.filter(is_active=True).order_by("-pk"))

    def chosen_campaign(self) -> Campaign | None:
        self.is_valid()
        chosen = getattr(self, "cleaned_data", {}).get("campaign")
        if chosen is not None:
            return chosen
        return Campaign.objects.filter(is_active=True).order_by("-pk").first()

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("date_from"), cleaned.get("date_to")
