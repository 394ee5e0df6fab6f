"""Admin of the organisation: every save of a unit or a membership goes through ``services``.

A unit's parent decides the stored paths of its whole subtree, which every scope filter
reads (``access.Scope.unit_q``): a plain ``save()`` of a re-parented unit would leave its
descendants visible to the old tree and invisible to the new one.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from chuangcheng.core.errors import DomainError

from .models import LoginFailure, Membership, Person, Unit
from .services import membership_change, membership_grant, membership_revoke, unit_save


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "short_name", "kind", "group", "parent", "sort_order", "is_active"]

    def clean_parent(self) -> Unit | None:
        parent = self.cleaned_data.get("parent")
        unit = self.instance
        if parent is not None and unit.pk is not None and unit.path and parent.path.startswith(unit.path):
            raise forms.ValidationError("不能把单位移到它自己或其下级单位之下")
        return parent


def _actor(request: HttpRequest) -> Person:
    """Who acts in the admin: it lets signed-in staff only in."""
    return cast(Person, request.user)


def _save_membership(membership: Membership, *, change: bool, by: Person) -> None:
    if change and membership.pk is not None:
        membership_change(membership=membership, unit=membership.unit, role=membership.role, by=by)
    else:
        membership_grant(person=membership.person, unit=membership.unit, role=membership.role, by=by)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ["name", "code", "kind", "group", "parent", "is_active"]
    list_filter = ["kind", "group", "is_active"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        try:
            unit_save(unit=obj, by=_actor(request))
        except DomainError as exc:  # a concurrent move; the form's check covers the ordinary case
            raise forms.ValidationError(exc.message) from None


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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        for membership in formset.save(commit=False):
            _save_membership(membership, change=membership.pk is not None, by=_actor(request))
        for membership in formset.deleted_objects:
            membership_revoke(person=membership.person, unit=membership.unit, role=membership.role, by=_actor(request))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["person__real_name", "unit__name"]
    autocomplete_fields = ["person", "unit"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        _save_membership(obj, change=change, by=_actor(request))

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(person=obj.person, unit=obj.unit, role=obj.role, by=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("person", "unit"):
            self.delete_model(request, membership)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "ip", "at"]
