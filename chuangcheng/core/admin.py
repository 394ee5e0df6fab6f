from django.contrib import admin
from django.http import HttpRequest

from .models import HolidayOverride


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
