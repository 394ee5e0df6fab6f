"""Filter forms for the map lists: they validate GET parameters and draw the filter bar.

Choices come from the user's own scope (units, segments they may see), so a filter can
never name an object outside it; invalid values are dropped instead of failing the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.forms import FilterForm, with_blank
from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import Person
from chuangcheng.org.selectors import unit_list_for_user

from .choices import PledgeStatus, RoadClass
from .models import SiteType
from .selectors import segment_list_for_user

# A segment <select> longer than this is useless on a phone; the filter then travels hidden.
SEGMENT_SELECT_LIMIT = 200


class PlaceFilterForm(FilterForm):
    """Base: a free-text search box; subclasses add their own filters."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data)
        self.user = user
        self.fields["q"].widget.attrs.update({"placeholder": _("名称或编码"), "type": "search"})

    def unit_field(self, label: Any, kind: str | None = None) -> forms.ModelChoiceField:
        units = unit_list_for_user(user=self.user, filters={"kind": kind} if kind else None)
        return forms.ModelChoiceField(queryset=units, label=label, required=False, empty_label=_("全部"))


class SegmentFilterForm(PlaceFilterForm):
    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data, user=user)
        self.fields["unit"] = self.unit_field(_("包保单位"))
        self.fields["road_class"] = forms.ChoiceField(
            label=_("道路等级"), choices=with_blank(RoadClass.choices), required=False
        )


class GridFilterForm(PlaceFilterForm):
    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data, user=user)
        self.fields["street"] = self.unit_field(_("街道/乡镇"), kind=UnitKind.TOWN)


class SiteFilterForm(PlaceFilterForm):
    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data, user=user)
        self.fields["site_type"] = forms.ModelChoiceField(
            queryset=SiteType.objects.filter(is_active=True),
            label=_("点位类型"),
            required=False,
            empty_label=_("全部"),
        )
        self.fields["unit"] = self.unit_field(_("责任单位"))


class ShopFilterForm(PlaceFilterForm):
    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data, user=user)
        self.fields["pledge_status"] = forms.ChoiceField(
            label=_("责任书状态"), choices=with_blank(PledgeStatus.choices), required=False
        )
        self.fields["unit"] = self.unit_field(_("包保单位"))
        segments = segment_list_for_user(user=user)
        widget = forms.HiddenInput if segments.count() > SEGMENT_SELECT_LIMIT else forms.Select
        self.fields["segment"] = forms.ModelChoiceField(
            queryset=segments, label=_("所在路段"), required=False, empty_label=_("全部"), widget=widget
        )
