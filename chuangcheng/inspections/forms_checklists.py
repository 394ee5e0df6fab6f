"""Forms of the office's checklist pages: an item, its indicator links, the filters, the import."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from chuangcheng.cases.models import Category
from chuangcheng.indicators.models import Campaign, IndicatorNode

from .models import ChecklistItem


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id and obj.parent else obj.name


class ChecklistItemForm(forms.ModelForm):
    """The versioned content of an item (a change starts a new version, see ``checklist_item_save``)."""

    case_category = CategoryChoice(
        queryset=Category.objects.none(),
        required=False,
        label=_("不合格时立案类别"),
        empty_label=_("不立案"),
        help_text=_("不合格时按此小类自动立案；不选则只扣分"),
    )
    deduction = forms.DecimalField(
        label=_("扣分"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99.9"))],
        help_text=_("不合格时扣的分，最多一位小数"),
    )

    class Meta:
        model = ChecklistItem
        fields = ["family", "text", "method", "deduction", "photo_required", "case_category"]
        widgets = {"method": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Category.objects.filter(parent__isnull=False, is_active=True)
        current = self.instance.case_category_id if self.instance and self.instance.pk else None
        if current:  # an item keeps a category the office has since switched off
            active = active | Category.objects.filter(pk=current)
        field = self.fields["case_category"]
        field.queryset = active.select_related("parent").order_by("parent__code", "code")  # type: ignore[attr-defined]
        self.fields["text"].help_text = _("写清要达到的标准，如“入口处设置公平秤”")


class NodeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: IndicatorNode) -> str:
        return f"{'　' * (obj.level - 3)}{obj.code} {obj.name}（{obj.get_level_display()}）"


class IndicatorLinkForm(forms.Form):
    """The 测评内容/测评标准 nodes of one campaign an item evidences."""

    nodes = NodeChoices(
        queryset=IndicatorNode.objects.none(),
        required=False,
        label=_("关联的测评内容或测评标准"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, nodes: list[IndicatorNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nodes"]
        field.queryset = IndicatorNode.objects.filter(pk__in=[n.pk for n in nodes])  # type: ignore[attr-defined]
        order = {n.pk: i for i, n in enumerate(nodes)}
        # The choices in the framework's depth-first order.
        field.choices = [(n.pk, field.label_from_instance(n)) for n in sorted(nodes, key=lambda n: order[n.pk])]  # type: ignore[attr-defined]


class CampaignPickForm(forms.Form):
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("sort_order", "code"),
        to_field_name="code",
        label=_("创建项目"),
        empty_label=None,
    )


TARGET_CHOICES = [("", _("全部")), ("site", _("点位类型")), ("road", _("道路等级"))]


class ChecklistFilterForm(forms.Form):
    target = forms.ChoiceField(label=_("检查对象"), choices=TARGET_CHOICES, required=False)
    q = forms.CharField(label=_("查找"), required=False, max_length=50)

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class ChecklistImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("仅支持 .xlsx"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    partial = forms.BooleanField(
        label=_("仅导入无误的行"),
        required=False,
        help_text=_("不勾选时，只要有一处错误就一行都不写入"),
    )
