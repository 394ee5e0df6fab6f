"""Admin for the case loop: categories editable; cases read-mostly; events append-only (read-only here).

The office edits categories on its own pages (``cases:category_list``); the admin is for staff.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chuangcheng.core.admin import ReadOnlyMixin

from .models import Case, CaseEvent, CasePhoto, Category, ExtensionRequest


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "time_limit", "time_unit", "routing_rule", "owner_unit"]
    list_display += ["auto_dispatch", "is_active"]
    list_filter = ["kind", "time_unit", "routing_rule", "auto_dispatch", "is_active"]
    search_fields = ["code", "name", "parent__name"]
    autocomplete_fields = ["parent", "owner_unit"]
    list_select_related = ["parent", "owner_unit"]
    ordering = ["kind", "code"]


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "actor", "unit", "deadline", "note"]
    readonly_fields = ["at", "action", "from_status", "to_status", "actor", "unit", "deadline", "note"]
    ordering = ["at", "pk"]


class CasePhotoInline(ReadOnlyMixin, admin.TabularInline):
    model = CasePhoto
    extra = 0
    can_delete = False
    fields = ["kind", "image", "thumbnail", "uploaded_by", "uploaded_at"]
    readonly_fields = ["kind", "image", "thumbnail", "uploaded_by", "uploaded_at"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-mostly: states move only through the services (each writes an event)."""

    list_display = ["code", "category", "source", "status", "town", "unit", "deadline", "escalation", "created_at"]
    list_filter = ["status", "source", "escalation", "category__kind", "town", "unit"]
    search_fields = ["code", "description", "address", "reporter_name"]
    date_hierarchy = "created_at"
    list_select_related = ["category", "category__parent", "town", "unit"]
    raw_id_fields = ["category", "segment", "grid", "site", "town", "reporter", "unit", "handler", "merged_into"]
    readonly_fields = [
        "code",
        "source",
        "category",
        "status",
        "reporter",
        "unit",
        "handler",
        # Where the case lies decides who sees it (the road chief of its segment, its town): set by routing at intake.
        "lon",
        "lat",
        "segment",
        "grid",
        "site",
        "town",
        "dispatched_at",
        "deadline",
        "suspended_at",
        "escalation",
        "merged_into",
        "closed_at",
        "rework_count",
        "created_at",
        "updated_at",
    ]
    inlines = [CaseEventInline, CasePhotoInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Append-only: visible, never added, changed or deleted here."""

    list_display = ["case", "action", "from_status", "to_status", "actor", "unit", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["case__code", "note"]
    date_hierarchy = "at"
    list_select_related = ["case", "case__category", "actor", "unit"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["case", "amount", "time_unit", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "time_unit"]
    search_fields = ["case__code", "reason"]
    raw_id_fields = ["case", "requested_by", "decided_by"]
    list_select_related = ["case", "case__category", "requested_by", "decided_by"]


@admin.register(CasePhoto)
class CasePhotoAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "width", "height", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["case__code", "sha256"]
    raw_id_fields = ["case", "event", "uploaded_by"]
    list_select_related = ["case", "case__category", "uploaded_by"]
