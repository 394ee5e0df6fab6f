"""Forms of the ledger pages: they parse input; the services decide what is allowed.

Evidence files are checked here (``core.evidence.check_evidence``: type by content, size
limit) so a bad file is a form error naming it before any service runs;
``cleaned_data["evidence"]`` is then a list of ``EvidenceUpload`` ready for the service.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chuangcheng.core.errors import DomainError
from chuangcheng.core.evidence import EvidenceUpload, check_evidence
from chuangcheng.core.forms import FilterForm, with_blank
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.selectors import unit_list_for_user

from .choices import EvidenceType, NoticeStatus, TaskStatus
from .models import Campaign, IndicatorNode, Task

MAX_FILES = 10
EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.heic,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,image/*"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files from one <input type=file multiple>, each checked by content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": EVIDENCE_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[EvidenceUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_FILES:
            raise ValidationError(_("一次最多上传 %(n)d 个文件") % {"n": MAX_FILES}, code="too_many")
        errors, checked = [], []
        for upload in files:
            try:
                checked.append(check_evidence(upload))
            except DomainError as exc:
                errors.append(ValidationError(exc.message, code=exc.code))
        if errors:
            raise ValidationError(errors)
        return checked


class ReportForm(forms.Form):
    """报送进展 from a phone: percent, what was done, evidence; the hidden key makes a retry harmless."""

    percent = forms.IntegerField(
        label=_("完成进度（%）"), min_value=0, max_value=100, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    narrative = forms.CharField(label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = EvidenceField(label=_("佐证材料"), help_text=_("PDF、图片、Word/Excel/WPS 文件，可多选"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["narrative"].widget.attrs["placeholder"] = _(
            "例如：已完成 12 个小区的垃圾分类设施配置，余下 3 个本月底前完成"
        )
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex


class ReviewForm(forms.Form):
    """审核: the button pressed says accept or return; a return needs the comment (the service insists)."""

    decision = forms.ChoiceField(choices=[("accept", _("通过")), ("return", _("退回"))])
    comment = forms.CharField(
        label=_("审核意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoticeIssueForm(forms.Form):
    """下发督办单 by hand: why, and optionally how many working days the unit has to reply."""

    reason = forms.CharField(label=_("督办事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    reply_days = forms.IntegerField(
        label=_("回复期限（工作日）"), min_value=1, max_value=60, required=False, help_text=_("留空按系统默认")
    )


class NoticeReplyForm(forms.Form):
    reply = forms.CharField(label=_("回复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = EvidenceField(label=_("佐证材料"), help_text=_("PDF、图片、Word/Excel/WPS 文件，可多选"))


class NoticeCloseForm(forms.Form):
    note = forms.CharField(label=_("办结意见"), max_length=2000, required=False)


def first_error(form: forms.Form) -> str:
    """One line for a message: the first error of the form, with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return str(_("提交的内容有误"))


# ---- filters ------------------------------------------------------------------------------------


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class LedgerFilterForm(FilterForm):
    """推进台帐's filter bar and its export (``selectors.task_list_for_user``): invalid values are dropped."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=_("创建项目"), required=False, empty_label=_("全部")
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("责任单位"), required=False, empty_label=_("全部")
    )
    status = forms.ChoiceField(label=_("状态"), choices=with_blank(TaskStatus.choices), required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    deadline_from = forms.DateField(
        label=_("完成时限从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # Set by the framework tree's task counts: the tasks of one node and everything under it.
    indicator = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, user: Person) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update({"placeholder": _("任务编号、任务或目标"), "type": "search"})
        _set_queryset(self, "campaign", Campaign.objects.filter(is_active=True))
        _set_queryset(self, "unit", unit_list_for_user(user=user))

    def filters(self) -> dict[str, Any]:
        found = super().filters()
        if not found.get("overdue"):
            found.pop("overdue", None)  # an unticked box means "all", not "not overdue"
        return found


class NoticeFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("状态"), choices=with_blank(NoticeStatus.choices), required=False)


class FrameworkSearchForm(FilterForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update({"placeholder": _("编码、名称或标准内容"), "type": "search"})


# ---- 创建任务 (the office's task form) -------------------------------------------------------------


class _NodeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * getattr(obj, 'depth', 0)}{obj.code} {obj.name}"


class _UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class _UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * obj.depth}{obj.name}"


class TaskForm(forms.Form):
    """任务分解: 三明确 (target, lead unit, deadline) are required; the service checks the rest."""

    indicator = _NodeField(queryset=IndicatorNode.objects.none(), label=_("测评指标"))
    code = forms.CharField(label=_("任务编号"), max_length=40)
    title = forms.CharField(label=_("任务"), max_length=300)
    target = forms.CharField(label=_("目标"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = _UnitField(queryset=Unit.objects.none(), label=_("牵头单位"))
    cooperating_units = _UnitsField(
        queryset=Unit.objects.none(),
        label=_("配合单位"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("按住 Ctrl 可选多个（手机上直接点选）"),
    )
    deadline = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence_types = forms.MultipleChoiceField(
        label=_("佐证材料类型"), choices=EvidenceType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("任务说明"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, nodes: list[IndicatorNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = IndicatorNode.objects.filter(pk__in=[n.pk for n in nodes])
        # The tree order and indentation of framework_tree, not the queryset's.
        indicator.choices = [("", "---------")] + [(n.pk, indicator.label_from_instance(n)) for n in nodes]
        units = Unit.objects.filter(is_active=True).order_by("path")
        for name in ("lead_unit", "cooperating_units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units
        self.fields["target"].widget.attrs["placeholder"] = _("可衡量的目标，如：主次干道机扫率达到90%以上")

    @classmethod
    def initial_for(cls, task: Task) -> dict[str, Any]:
        return {
            "indicator": task.indicator_id,
            "code": task.code,
            "title": task.title,
            "target": task.target,
            "lead_unit": task.lead_unit_id,
            "cooperating_units": [u.pk for u in task.cooperating_units.all()],
            "deadline": task.deadline,
            "evidence_types": list(task.evidence_types or []),
            "description": task.description,
        }
