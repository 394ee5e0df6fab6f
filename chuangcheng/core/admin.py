from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import audit
from .models import AuditEntry, HolidayOverride

# Every admin's bulk delete is logged in the audit log too (single edits come through LogEntry).
admin.site.add_action(audit.delete_selected, "delete_selected")


class ReadOnlyMixin:
    """No adding, changing or deleting: the rows are history (events, logs, snapshots)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "note", "created_by"]
    list_filter = ["is_workday", "date"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: HolidayOverride, form: object, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read only: the log is written by the services, never edited."""

    list_display = ["at", "by", "action", "content_type", "object_id", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "object_repr", "by__real_name"]
