from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import LoginFailure, Membership, Person, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "group", "parent", "is_active"]
    list_filter = ["kind", "group", "is_active"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "real_name", "mobile", "unit", "is_active"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["username", "real_name", "mobile"]
    autocomplete_fields = ["unit"]
    inlines = [MembershipInline]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("单位与联系方式", {"fields": ("real_name", "mobile", "unit", "title")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["person__real_name", "unit__name"]
    autocomplete_fields = ["person", "unit"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "ip", "at"]
