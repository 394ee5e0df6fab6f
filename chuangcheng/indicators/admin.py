"""Admin for campaigns, frameworks and the ledger; task events are history (read-only)."""

from __future__ import annotations

from django.contrib import admin

from chuangcheng.core.admin import ReadOnlyMixin

from .models import (
    Campaign,
    Evidence,
    IndicatorNode,
    Milestone,
    ProgressReport,
    ReadinessSnapshot,
    SupervisionNotice,
    Task,
    TaskEvent,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "city_tier", "title_level", "framework_edition", "pass_score", "is_active"]
    list_filter = ["kind", "title_level", "is_active"]
    search_fields = ["code", "name"]
    inlines = [MilestoneInline]


@admin.register(IndicatorNode)
class IndicatorNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "campaign", "level", "max_score", "weight", "method"]
    list_filter = ["campaign", "level", "method"]
    search_fields = ["code", "name", "text"]
    autocomplete_fields = ["parent", "categories"]
    list_select_related = ["campaign"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "campaign", "lead_unit", "deadline", "status", "percent"]
    list_filter = ["campaign", "status"]
    search_fields = ["code", "title", "target"]
    autocomplete_fields = ["indicator", "lead_unit", "cooperating_units"]
    list_select_related = ["campaign", "lead_unit"]
    readonly_fields = ["status", "percent", "reported_percent", "last_reported_at", "done_at", "overdue_at"]


# uploaded_at is not editable: shown in an inline, it must be read-only or the form cannot be built.
EVIDENCE_COLUMNS = ("original_name", "file_type", "size", "uploaded_at")


class EvidenceInline(ReadOnlyMixin, admin.TabularInline):
    model = Evidence
    fields = EVIDENCE_COLUMNS
    readonly_fields = EVIDENCE_COLUMNS


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["task", "unit", "percent", "status", "reported_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["task__code", "task__title"]
    inlines = [EvidenceInline]


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "task", "unit", "status", "issued_at", "reply_deadline", "replied_at"]
    list_filter = ["status"]
    search_fields = ["code", "task__code"]


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["task", "action", "actor", "at", "from_status", "to_status"]
    list_filter = ["action"]


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["campaign", "taken_on", "predicted_total", "max_total"]
