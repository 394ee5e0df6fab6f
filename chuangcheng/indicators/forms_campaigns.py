"""The office's campaign settings form: the campaign, its readiness weights and its milestones."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory

from .models import Campaign, Milestone


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "code",
            "name",
            "kind",
            "city_tier",
            "title_level",
            "framework_edition",
            "pass_score",
            "task_weight",
            "overdue_task_penalty",
            "missing_evidence_penalty",
            "untasked_credit",
            "case_tolerance",
            "overdue_case_factor",
            "is_active",
            "sort_order",
        ]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "name", "date", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


# Rows left empty are ignored; a row with any value must be complete.
MilestoneFormSet = formset_factory(MilestoneForm, extra=3)
