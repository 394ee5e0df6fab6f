from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuangcheng.core.errors import DomainError
from chuangcheng.core.web import paginate
from chuangcheng.org.types import AuthedRequest

from .choices import Role, UnitKind
from .forms import ThrottledAdminPasswordChangeForm, ThrottledLoginForm, ThrottledPasswordChangeForm, UnitSetForm
from .models import Unit
from .selectors import (
    UnitNode,
    audit_list_for_user,
    audit_object_types,
    can_edit_unit_names,
    get_unit_for_user,
    get_unit_set,
    person_list_for_user,
    unit_alias_list,
    unit_list_for_user,
    unit_sets_with_members,
    unit_tree_for_user,
)
from .services import unit_alias_add, unit_alias_remove, unit_set_save


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
    context = {
        "rows": _tree_rows(tree),
        "kinds": UnitKind.choices,
        "filters": filters,
        "can_edit_names": can_edit_unit_names(request.user),
    }
    return render(request, "org/unit_tree.html", context)


@login_required
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    people = person_list_for_user(user=request.user, filters={"unit": unit.pk})
    children = unit_list_for_user(user=request.user).filter(parent=unit)
    context = {
        "unit": unit,
        "people": people,
        "children": children,
        "aliases": unit_alias_list(unit),
        "can_edit_names": can_edit_unit_names(request.user),
    }
    return render(request, "org/unit_detail.html", context)


def _require_name_editor(request: AuthedRequest) -> None:
    if not can_edit_unit_names(request.user):
        raise PermissionDenied


@login_required
@require_POST
def unit_aliases(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add an alias (``name``) to the unit, or remove one (``remove``: the alias id)."""
    unit = get_unit_for_user(request.user, pk)
    _require_name_editor(request)
    try:
        if remove := request.POST.get("remove", ""):
            if (
                alias := unit_alias_list(unit)
                .filter(pk=int(remove) if remove.isdigit() and len(remove) < 19 else 0)
                .first()
            ) is not None:
                unit_alias_remove(alias=alias, by=request.user)
                messages.success(request, _("已删除别名“%(name)s”") % {"name": alias.name})
        else:
            alias = unit_alias_add(unit=unit, name=request.POST.get("name", ""), by=request.user)
            messages.success(request, _("已添加别名“%(name)s”") % {"name": alias.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("org:unit_detail", pk=unit.pk)


@login_required
def unit_set_list_page(request: AuthedRequest) -> HttpResponse:
    """单位分组: the group words of the county and the units each means."""
    _require_name_editor(request)
    labels = dict(UnitKind.choices)
    rows = [(s, members, "、".join(str(labels.get(k, k)) for k in s.kinds)) for s, members in unit_sets_with_members()]
    return render(request, "org/unit_set_list.html", {"rows": rows})


@login_required
def unit_set_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or change a 单位分组."""
    _require_name_editor(request)
    unit_set = get_unit_set(pk) if pk is not None else None
    initial = {}
    if unit_set is not None:
        initial = {f: getattr(unit_set, f) for f in ("name", "kinds", "name_endings", "note")}
        initial["units"] = list(unit_set.units.all())
    form = UnitSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = unit_set_save(unit_set=unit_set, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存单位分组“%(name)s”") % {"name": saved.name})
            return redirect("org:unit_sets")
    return render(request, "org/unit_set_form.html", {"form": form, "unit_set": unit_set})


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
