"""Forms of the 周检查 / 模拟测评 pages: the list's filters, the plan and its sample table, teams, reassignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chuangcheng.indicators.models import Campaign
from chuangcheng.org.models import Person
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import SiteType

from . import sampling
from .access import TEAM_ROLES
from .choices import InspectionKind, PlanStatus
from .models import Plan, Team, Visit
from .services import MAX_SEED

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PLAN_KINDS = [
    (InspectionKind.CHECK.value, InspectionKind.CHECK.label),
    (InspectionKind.MOCK.value, InspectionKind.MOCK.label),
]


class PlanFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("检查类型"), required=False, choices=[("", _("全部")), *PLAN_KINDS])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *PlanStatus.choices])
    q = forms.CharField(label=_("名称"), required=False, max_length=100)


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=sampling.MAX_PER_GROUP,
        widget=forms.NumberInput(attrs={"class": "count", "inputmode": "numeric"}),
    )


class SampleForm(forms.Form):
    """The seed and the sample table: one count per site type (``st_<code>``) and road class (``rc_<class>``)."""

    seed = forms.IntegerField(
        label=_("抽样种子"),
        min_value=0,
        max_value=MAX_SEED - 1,
        help_text=_("同一种子、同一抽样数量重抽，得到同一样本；换一个种子即换一批点位"),
    )
    near_m = forms.IntegerField(
        label=_("周边路段（米）"),
        required=False,
        min_value=0,
        max_value=sampling.MAX_NEAR_M,
        help_text=_("模拟测评：每个抽中点位再加上距它这么远以内最近的一条路段；0 表示不加"),
    )

    def __init__(
        self, *args: Any, kind: str = InspectionKind.CHECK, sample: dict[str, Any] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        rules = sample or sampling.defaults_for(kind)
        self.site_type_names: list[str] = []
        for site_type in SiteType.objects.filter(is_active=True).order_by("sort_order", "pk"):
            name = f"st_{site_type.code}"
            self.fields[name] = _count_field(site_type.name)
            self.initial.setdefault(name, rules["site_types"].get(site_type.code, 0))
            self.site_type_names.append(name)
        self.road_class_names: list[str] = []
        for road_class, label in RoadClass.choices:
            name = f"rc_{road_class}"
            self.fields[name] = _count_field(str(label))
            self.initial.setdefault(name, rules["road_classes"].get(road_class, 0))
            self.road_class_names.append(name)
        self.initial.setdefault("near_m", rules.get("near_m", 0))

    def site_type_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.site_type_names]

    def road_class_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.road_class_names]

    def sample(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "site_types": {name[3:]: data[name] for name in self.site_type_names if data.get(name)},
            "road_classes": {name[3:]: data[name] for name in self.road_class_names if data.get(name)},
            "near_m": data.get("near_m") or 0,
        }


class PlanCreateForm(SampleForm):
    kind = forms.ChoiceField(label=_("检查类型"), choices=PLAN_KINDS)
    name = forms.CharField(label=_("名称"), max_length=100)
    campaign = forms.ModelChoiceField(
        label=_("创建项目"),
        queryset=Campaign.objects.filter(is_active=True),
        required=False,
        help_text=_("模拟测评必选：按其测评体系预测实地考察得分"),
    )
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    due_on = forms.DateField(label=_("截止日期"), widget=DATE)

    field_order = ["kind", "name", "campaign", "starts_on", "due_on", "seed", "near_m"]

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field = self.fields["kind"]
        assert isinstance(choice_field, forms.ChoiceField)
        choice_field.choices = [(value, label) for value, label in PLAN_KINDS if value in kinds]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("检查组名称"), max_length=50)
    leader = forms.ModelChoiceField(label=_("组长"), queryset=Person.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("组员"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("按住 Ctrl（Mac 上为 Command）可多选"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = (
            Person.objects.filter(is_active=True, memberships__role__in=TEAM_ROLES)
            .distinct()
            .order_by("real_name", "pk")
        )
        leader = self.fields["leader"]
        members = self.fields["members"]
        assert isinstance(leader, forms.ModelChoiceField) and isinstance(members, forms.ModelMultipleChoiceField)
        leader.queryset = people
        members.queryset = people


class ReassignForm(forms.Form):
    """Give one visit to another team of the plan."""

    visit = forms.ModelChoiceField(label=_("点位"), queryset=Visit.objects.none())
    team = forms.ModelChoiceField(label=_("检查组"), queryset=Team.objects.none())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        visit = self.fields["visit"]
        team = self.fields["team"]
        assert isinstance(visit, forms.ModelChoiceField) and isinstance(team, forms.ModelChoiceField)
        visit.queryset = plan.visits.all()
        team.queryset = plan.teams.all()
