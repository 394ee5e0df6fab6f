"""Forms of the case pages: they parse input; the services decide what is allowed.

Photos are checked here (``core.photos.process_photo``: by content, re-encoded) so a bad file
is a form error naming it before any service runs; ``cleaned_data["photos"]`` is then a list
of ``ProcessedPhoto`` ready for the service.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.forms import FilterForm, with_blank
from chuangcheng.core.photos import PhotoRejected, ProcessedPhoto, process_photo
from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.selectors import unit_list_for_user

from .choices import CategoryKind, Light, RoutingRule, Source, Status, TimeUnit
from .models import CATEGORY_RULE_FIELDS, Category
from .selectors import category_tree

MAX_PHOTOS = 9


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one <input type=file multiple>, each checked by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "capture": "environment", "multiple": True}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedPhoto]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("一次最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS}, code="too_many")
        errors, photos = [], []
        for upload in files:
            try:
                photos.append(process_photo(upload))
            except PhotoRejected as exc:
                errors.append(ValidationError(exc.message, code=exc.code))
        if errors:
            raise ValidationError(errors)
        return photos


def grouped_categories() -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, Category]]:
    """小类 grouped as "部件 · 公用设施" for the picker, and the lookup by id."""
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    leaves: dict[str, Category] = {}
    for category in category_tree():
        if category.parent is None:
            continue
        parent = category.parent
        label = f"{category.get_kind_display()} · {parent.name}"
        groups.setdefault(parent.pk, (label, []))[1].append((str(category.pk), f"{category.name}（{category.code}）"))
        leaves[str(category.pk)] = category
    return list(groups.values()), leaves


class ReportForm(forms.Form):
    """上报 from a phone: photos, a point (GPS or the map), the 小类 and what is wrong."""

    photos = PhotosField(label=_("现场照片"), required=False)
    category = forms.ChoiceField(label=_("问题类别"))
    description = forms.CharField(label=_("问题描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, user: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups, self._leaves = grouped_categories()
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)
        category_field.choices = [("", _("请选择问题类别")), *groups]
        self.fields["description"].widget.attrs["placeholder"] = _("例如：路口东侧垃圾堆积，约两立方米")
        self.fields["address"].widget.attrs["placeholder"] = _("例如：人民路与建设路交叉口东50米")
        self.user = user
        # Only the office records cases from other sources (hotline, mailbox, media…).
        if not scope_for(user).acts_as(Role.OFFICE):
            del self.fields["source"]
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean_category(self) -> Category:
        category = self._leaves.get(self.cleaned_data["category"])
        if category is None:
            raise ValidationError(_("请选择具体的问题小类"))
        return category

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("lon") is None) != (cleaned.get("lat") is None):
            cleaned["lon"] = cleaned["lat"] = None
        return cleaned

    def source_value(self) -> str:
        if chosen := self.cleaned_data.get("source"):
            return chosen
        return Source.INSPECTION if _has(self.user, Role.SUPERVISOR) else Source.PATROL


def _has(user: Person, role: str) -> bool:
    return scope_for(user).has(role)


class ReasonForm(forms.Form):
    """A single required reason: 不予立案, 退回, 重新打开."""

    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    """An optional note: 立案, 恢复办理."""

    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(NoteForm):
    into = forms.IntegerField(label=_("合并到"), widget=forms.HiddenInput)


class UnitTreeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj}（{obj.unit or '—'}）"


class DispatchForm(NoteForm):
    """派遣: a suggested unit (radio) or any unit (the override), and an optional handler."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False, widget=forms.RadioSelect)
    other_unit = UnitTreeChoiceField(
        queryset=Unit.objects.none(), label=_("其他单位"), required=False, empty_label=_("（使用上面选中的建议单位）")
    )
    handler = PersonChoiceField(
        queryset=Person.objects.none(), label=_("处置人（可选）"), required=False, empty_label=_("由单位指派")
    )
    urgent = forms.BooleanField(label=_("紧急"), required=False, help_text=_("紧急案卷按本小类的紧急时限计算处置期限"))

    def __init__(self, *args: Any, suggested: list[Unit], user: Person, urgent: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["urgent"] = urgent
        units = Unit.objects.filter(is_active=True).order_by("path")
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units.filter(pk__in=[u.pk for u in suggested])
        other = self.fields["other_unit"]
        assert isinstance(other, forms.ModelChoiceField)
        other.queryset = units
        handler = self.fields["handler"]
        assert isinstance(handler, forms.ModelChoiceField)
        handler.queryset = (
            Person.objects.filter(is_active=True, memberships__role__in=[Role.HANDLER, Role.UNIT_ADMIN])
            .select_related("unit")
            .distinct()
            .order_by("unit__path", "real_name")
        )
        if suggested and not self.is_bound:
            self.initial["unit"] = suggested[0].pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["unit"] = cleaned.get("other_unit") or cleaned.get("unit")
        if cleaned["unit"] is None:
            raise ValidationError(_("请选择处置单位"))
        return cleaned


class HandleForm(forms.Form):
    """处置: what was done and at least one after-photo."""

    note = forms.CharField(label=_("处置说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(
        label=_("处置后照片"), error_messages={"required": _("请上传至少一张处置后照片")}, required=True
    )


class ExtensionForm(forms.Form):
    amount = forms.DecimalField(label=_("延长时限"), max_digits=6, decimal_places=1, min_value=0.1)
    time_unit = forms.ChoiceField(label=_("时限单位"), choices=TimeUnit.choices, initial=TimeUnit.WORK_DAYS)
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SuspendForm(forms.Form):
    project = forms.CharField(label=_("所需工程项目"), max_length=200)
    reason = forms.CharField(label=_("挂账理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    """核查: the button pressed says pass or fail; a fail needs the reason (the service insists)."""

    result = forms.ChoiceField(choices=[("pass", _("通过")), ("fail", _("不通过"))])
    note = forms.CharField(
        label=_("核查意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("deny", _("驳回"))])
    note = forms.CharField(label=_("审批意见"), max_length=2000, required=False)


class CaseFilterForm(FilterForm):
    """The filter bar of the case list and its export: invalid values are dropped, not fatal."""

    not_filters = ("view",)

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), choices=with_blank(Status.choices), required=False)
    light = forms.ChoiceField(label=_("状态灯"), choices=with_blank(Light.choices), required=False)
    parent_category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("大类"), required=False, empty_label=_("全部")
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("小类"), required=False, empty_label=_("全部")
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("处置单位"), required=False, empty_label=_("全部")
    )
    town = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("乡镇/街道"), required=False, empty_label=_("全部")
    )
    source = forms.ChoiceField(label=_("来源"), choices=with_blank(Source.choices), required=False)
    date_from = forms.DateField(label=_("上报日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # Keeps the map/table choice when the filters change; not a filter itself.
    view = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update({"placeholder": _("编号、描述或地址"), "type": "search"})
        active = Category.objects.filter(is_active=True).order_by("kind", "code")
        self._set_queryset("parent_category", active.filter(parent__isnull=True))
        self._set_queryset("category", active.filter(parent__isnull=False).select_related("parent"))
        self._set_queryset("unit", unit_list_for_user(user=user))
        self._set_queryset("town", Unit.objects.filter(kind=UnitKind.TOWN, is_active=True).order_by("path"))

    def _set_queryset(self, name: str, queryset: Any) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


def first_error(form: forms.Form) -> str:
    """One line for a message: the first error of the form."""
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("提交的内容有误"))


# ---- categories (the office's pages) ----------------------------------------------------------


class CategoryForm(forms.ModelForm):
    """A 小类's handling rules; ``parent`` is only chosen when adding one (then also code and name)."""

    class Meta:
        model = Category
        fields = list(CATEGORY_RULE_FIELDS)
        widgets = {
            "accept_condition": forms.Textarea(attrs={"rows": 2}),
            "close_condition": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.kind if self.instance.parent_id else ""
        defaults: dict[str, Any] = {
            CategoryKind.COMPONENT: _("默认：先属主后属地（部件）"),
            CategoryKind.EVENT: _("默认：先属地后属主（事件）"),
        }
        default_label = defaults.get(kind, _("默认：部件先属主后属地，事件先属地后属主"))
        rule: Any = self.fields["routing_rule"]
        rule.choices = [("", default_label), *RoutingRule.choices]
        self.fields["routing_rule"].help_text = _("留空则按类别默认")
        owner: Any = self.fields["owner_unit"]
        owner.queryset = Unit.objects.filter(is_active=True).order_by("path", "sort_order", "code")
        owner.empty_label = _("（无）")
        self.fields["time_limit"].widget.attrs.update({"min": "0.1", "step": "0.5"})

    def clean_time_limit(self) -> Any:
        value = self.cleaned_data.get("time_limit")
        if value is None or value <= 0:
            raise ValidationError(_("处置时限必须大于 0"))
        return value


class CategoryCreateForm(CategoryForm):
    """A new 小类 under a 大类, with a code no other category has."""

    parent = forms.ModelChoiceField(
        label=_("大类"),
        queryset=Category.objects.filter(parent__isnull=True).order_by("kind", "code"),
        empty_label=None,
    )

    class Meta(CategoryForm.Meta):
        fields = ["parent", "code", *CategoryForm.Meta.fields]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.get_kind_display()} · {c.code} {c.name}"
        )
        self.order_fields(["parent", "code"])

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code") or "").strip().upper()


class CategoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("仅支持 .xlsx"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
