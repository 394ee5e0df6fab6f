"""Forms of the 日巡查 pages: a patrol rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chuangcheng.places.models import SiteType

from .models import PatrolRule
from .selectors import patrol_towns


class PatrolRuleForm(forms.ModelForm):
    """One rule: a site type or a road class (the service checks it is exactly one), a town or all, times a week."""

    class Meta:
        model = PatrolRule
        fields = ["site_type", "road_class", "town", "times_per_week", "is_active"]
        widgets = {"times_per_week": forms.NumberInput(attrs={"min": 1, "max": 7})}
        help_texts = {"site_type": _("点位类型和道路等级二选一")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site_type"].queryset = SiteType.objects.filter(is_active=True).order_by("sort_order")  # type: ignore[attr-defined]
        self.fields["town"].queryset = patrol_towns()  # type: ignore[attr-defined]
        self.fields["town"].empty_label = _("全县")  # type: ignore[attr-defined]
        self.fields["site_type"].empty_label = "—"  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Exactly one target, said in words (on the field, so the model's bare constraint check is skipped)."""
        data = super().clean() or {}
        if bool(data.get("site_type")) == bool(data.get("road_class")):
            self.add_error("site_type", _("请选择点位类型或道路等级（二选一）"))
        return data

    def validate_unique(self) -> None:
        """No twin rule: the service checks it, with its own message."""
