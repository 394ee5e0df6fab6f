"""Forms of the appraisal pages: parse what the office types; the services check the rules.

Grade bands and 立案数 bands are typed as short text ("A:90,B:75,C:60,D:40,E:0",
"5:100,15:90,30:80,60:70,:60"): the form turns them into lists, the service says whether
they make sense (in Chinese, through ``form_errors``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.errors import DomainError
from chuangcheng.core.evidence import EvidenceUpload, check_evidence
from chuangcheng.org.choices import UnitGroup

from .choices import AdjustmentKind, ComponentKind, TieBreak
from .models import Component, Run, Scheme

_ITEM_SPLIT = re.compile(r"[,，;；\s]+")
_PAIR_SPLIT = re.compile(r"[:：]")


def parse_pairs(text: str, message: str) -> list[list[str]]:
    """ "A:90,B:75" → [["A", "90"], ["B", "75"]]; a part without a colon is refused with ``message``."""
    pairs = []
    for part in _ITEM_SPLIT.split(text.strip()):
        if not part:
            continue
        bits = _PAIR_SPLIT.split(part)
        if len(bits) != 2:
            raise ValidationError(message)
        pairs.append([bits[0].strip(), bits[1].strip()])
    if not pairs:
        raise ValidationError(message)
    return pairs


def grades_text(grades: list[list[Any]]) -> str:
    return ",".join(f"{letter}:{floor}" for letter, floor in grades)


def bands_text(bands: list[list[Any]]) -> str:
    return ",".join(f"{'' if up_to is None else up_to}:{score}" for up_to, score in bands)


class RunCreateForm(forms.Form):
    """新建月度考核: a month of a scheme (the active one when there is only one)."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    scheme = forms.ModelChoiceField(label=_("考核方案"), queryset=Scheme.objects.none(), empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schemes = Scheme.objects.filter(is_active=True).order_by("-year", "pk")
        field = self.fields["scheme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schemes
        last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        self.initial.setdefault("year", last_month.year)
        self.initial.setdefault("month", last_month.month)
        first = schemes.first()
        if first is not None:
            self.initial.setdefault("scheme", first.pk)
        self.several_schemes = schemes.count() > 1
        if not self.several_schemes:
            field.widget = forms.HiddenInput()


class SchemeForm(forms.Form):
    """The scheme's settings (方案设置)."""

    name = forms.CharField(label=_("方案名称"), max_length=100)
    year = forms.IntegerField(label=_("考核年度"), min_value=2000, max_value=2100, required=False)
    groups = forms.MultipleChoiceField(
        label=_("参评分组"), choices=UnitGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    grades = forms.CharField(label=_("等次分数线"), max_length=200, help_text=_("如 A:90,B:75,C:60,D:40,E:0"))
    tie_break = forms.ChoiceField(label=_("同分排序"), choices=TieBreak.choices)
    red_top_n = forms.IntegerField(label=_("红榜前 N 名"), min_value=0, max_value=100)
    black_bottom_n = forms.IntegerField(label=_("黑榜后 N 名"), min_value=0, max_value=100)
    red_min_score = forms.DecimalField(
        label=_("红榜最低分"), min_value=0, max_value=200, decimal_places=2, required=False
    )
    black_max_score = forms.DecimalField(
        label=_("黑榜分数线"), min_value=0, max_value=200, decimal_places=2, required=False
    )
    red_needs_rate = forms.BooleanField(
        label=_("红榜须有办理实绩"),
        required=False,
        help_text=_("本月只按数量计分（无应结案件、样本不足等）的单位照常排名，但不上红榜"),
    )
    issuer = forms.CharField(label=_("发文机关标志"), max_length=60)
    doc_prefix = forms.CharField(label=_("发文字号前缀"), max_length=20)
    recipients = forms.CharField(label=_("主送机关"), max_length=200)
    cc = forms.CharField(label=_("抄送"), max_length=200)

    @classmethod
    def for_scheme(cls, scheme: Scheme, data: Any = None) -> SchemeForm:
        initial = {name: getattr(scheme, name) for name in cls.base_fields if name != "grades"}
        initial["grades"] = grades_text(scheme.grades)
        return cls(data, initial=initial)

    def clean_grades(self) -> list[list[str]]:
        return parse_pairs(self.cleaned_data["grades"], str(_("等次分数线格式不正确，应为“等次:分数”")))

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ComponentForm(forms.Form):
    """One 考核项's weight, groups, on/off and kind-specific parameters."""

    weight = forms.DecimalField(label=_("权重"), min_value=0, max_value=100, decimal_places=2)
    groups = forms.MultipleChoiceField(
        label=_("适用分组"),
        choices=UnitGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("不选表示所有分组"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)
    bands = forms.CharField(label=_("立案数分档"), max_length=200, required=False, help_text=_("如 5:100,15:90,:60"))
    min_sample = forms.IntegerField(label=_("最少样本数"), min_value=0, max_value=10000, required=False)
    per_case = forms.DecimalField(label=_("每件扣分"), min_value=0, max_value=100, decimal_places=2, required=False)

    def __init__(self, *args: Any, component: Component, **kwargs: Any) -> None:
        self.component = component
        params = component.params or {}
        kwargs.setdefault(
            "initial",
            {
                "weight": component.weight,
                "groups": component.groups,
                "is_active": component.is_active,
                "bands": bands_text(params["bands"]) if params.get("bands") else "",
                "min_sample": params.get("min_sample"),
                "per_case": params.get("per_case"),
            },
        )
        kwargs["prefix"] = f"c{component.pk}"
        super().__init__(*args, **kwargs)
        if component.kind != ComponentKind.CASE_COUNT:
            del self.fields["bands"]
        if "min_sample" not in params:
            del self.fields["min_sample"]
        if component.kind != ComponentKind.OVERDUE_OPEN:
            del self.fields["per_case"]

    def clean_bands(self) -> list[list[Any]]:
        pairs = parse_pairs(self.cleaned_data["bands"], str(_("立案数分档格式不正确")))
        return [[up_to or None, score] for up_to, score in pairs]

    def apply(self) -> Component:
        """The component with the form's values (unsaved: ``component_save`` checks and saves)."""
        data = self.cleaned_data
        component = self.component
        component.weight = data["weight"]
        component.groups = list(data["groups"])
        component.is_active = data["is_active"]
        params = dict(component.params or {})
        if "bands" in data:
            params["bands"] = data["bands"]
        if data.get("min_sample") is not None:
            params["min_sample"] = data["min_sample"]
        if data.get("per_case") is not None:
            params["per_case"] = str(data["per_case"])
        component.params = params
        return component


class AdjustmentForm(forms.Form):
    """加分/扣分 on a draft: the unit, the kind, the points (negative = 扣分), the reason, evidence."""

    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    kind = forms.ChoiceField(label=_("类型"), choices=AdjustmentKind.choices)
    points = forms.DecimalField(
        label=_("分值"),
        max_digits=5,
        decimal_places=2,
        help_text=_("加分填正数，扣分填负数"),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    reason = forms.CharField(label=_("事由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("佐证材料"), required=False, help_text=_("PDF、图片、Word/Excel/WPS 文件"))
    # A double click or a resent form carries the same key: one item (see services.adjustment_add).
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, run: Run, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(r.unit_id, r.unit_name) for r in run.results.order_by("group", "unit_name")]
        self.fields["unit"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.units = {r.unit_id: r.unit for r in run.results.select_related("unit")}
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean_evidence(self) -> EvidenceUpload | None:
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        try:
            return check_evidence(upload)
        except DomainError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc

    def clean_points(self) -> Decimal:
        points: Decimal = self.cleaned_data["points"]
        if points == 0:
            raise ValidationError(_("分值应在 -100 到 100 之间，且不为 0"))
        return points


class CommentForm(forms.Form):
    text = forms.CharField(label=_("审核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, run: Run, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(r.unit_id, r.unit_name) for r in run.results.order_by("group", "unit_name")]
        self.fields["unit"].choices = [("", _("整体意见")), *choices]  # type: ignore[attr-defined]


class CorrectForm(forms.Form):
    reason = forms.CharField(label=_("更正原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class BulletinTextForm(forms.Form):
    """The text parts of the 通报 the office writes before publishing."""

    summary = forms.CharField(
        label=_("总体情况（补充说明）"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    typical_intro = forms.CharField(
        label=_("典型问题（导语）"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requirements = forms.CharField(
        label=_("下步工作要求"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class TypicalCaseForm(forms.Form):
    code = forms.CharField(label=_("案卷编号"), max_length=20)
    note = forms.CharField(label=_("点评"), max_length=300, required=False)
