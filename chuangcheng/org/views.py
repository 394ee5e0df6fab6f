from typing import Any

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from chuangcheng.core.web import paginate
from chuangcheng.org.types import AuthedRequest

from .choices import Role, UnitKind
from .forms import ThrottledAdminPasswordChangeForm, ThrottledLoginForm, ThrottledPasswordChangeForm
from .models import Unit
from .selectors import (
    UnitNode,
    audit_list_for_user,
    audit_object_types,
    get_unit_for_user,
    person_list_for_user,
    unit_list_for_user,
    unit_tree_for_user,
)


class LoginView(auth_views.LoginView):
    template_name = "org/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "org/password_change.html"
    success_url = reverse_lazy("org:password_change_done")
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


def admin_password_change(request: HttpRequest, extra_context: dict | None = None) -> HttpResponseBase:
    """AdminSite.password_change with the throttled form: guessing the old password is counted here too."""
    site = admin.site
    request.current_app = site.name
    view = PasswordChangeView.as_view(
        template_name="registration/password_change_form.html",
        form_class=ThrottledAdminPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=site.name),
        extra_context={**site.each_context(request), **(extra_context or {})},
    )
    return view(request)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "org/password_change_done.html"


PAGE_SIZE = 50


def _tree_rows(nodes: list[UnitNode], indent: int = 0) -> list[tuple[Unit, int]]:
    """(unit, indent) in depth-first order, for the indented tree table."""
    rows: list[tuple[Unit, int]] = []
    for node in nodes:
        rows.append((node.unit, indent))
        rows += _tree_rows(node.children, indent + 1)
    return rows


@login_required
def unit_tree(request: AuthedRequest) -> HttpResponse:
    filters = {k: v for k, v in request.GET.dict().items() if k in {"kind", "q"}}
    tree = unit_tree_for_user(user=request.user, filters=filters)
    context = {"rows": _tree_rows(tree), "kinds": UnitKind.choices, "filters": filters}
    return render(request, "org/unit_tree.html", context)


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    people = person_list_for_user(user=request.user, filters={"unit": unit.pk})
    children = unit_list_for_user(user=request.user).filter(parent=unit)
    return render(request, "org/unit_detail.html", {"unit": unit, "people": people, "children": children})


def _person_filters(request: AuthedRequest) -> dict[str, str]:
    filters = {k: v for k, v in request.GET.dict().items() if k in {"unit", "role", "q", "active"} and v}
    if not filters.get("unit", "").isdigit():
        filters.pop("unit", None)
    return filters


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    filters = _person_filters(request)
    people = person_list_for_user(user=request.user, filters=filters)
    context = {
        "page": paginate(request, people, PAGE_SIZE),
        "units": unit_list_for_user(user=request.user),
        "roles": Role.choices,
        "filters": filters,
    }
    return render(request, "org/person_list.html", context)


AUDIT_FILTERS = ("type", "object", "person", "action", "since", "until")


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    """The office's read of the audit log: who changed what, newest first."""
    filters = {k: v for k, v in request.GET.dict().items() if k in AUDIT_FILTERS and v}
    entries = audit_list_for_user(user=request.user, filters=filters)
    context = {
        "page": paginate(request, entries, PAGE_SIZE),
        "types": audit_object_types(),
        "people": person_list_for_user(user=request.user).filter(is_active=True),
        "filters": filters,
    }
    return render(request, "org/audit_log.html", context)
