"""Admin of the checklists: item saves go through ``services`` so that a content change starts a version."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chuangcheng.core.admin import ReadOnlyMixin

from .models import Checklist, ChecklistItem, ChecklistItemVersion
from .services import checklist_item_save


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "site_type", "road_class", "is_active"]
    list_filter = ["is_active", "road_class"]
    search_fields = ["name"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text", "checklist", "family", "deduction", "photo_required", "case_category", "version"]
    list_filter = ["family", "is_active", "checklist"]
    search_fields = ["text", "method"]
    readonly_fields = ["version"]
    autocomplete_fields = ["case_category"]
    filter_horizontal = ["indicators"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        checklist_item_save(item=obj, by=request.user)  # the indicator links follow in save_related


@admin.register(ChecklistItemVersion)
class ChecklistItemVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "number", "text", "deduction", "created_by", "created_at"]
    search_fields = ["text"]
