"""The office's pages for the category trees: list (部件/事件 → 大类 → 小类), edit a 小类, add one.

Office users are not Django staff, so these pages are theirs; anyone else gets 403. Writes go
through ``services.category_save``; a ``DomainError`` is shown on the form and nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chuangcheng.core.downloads import stamp, xlsx_download
from chuangcheng.core.errors import DomainError
from chuangcheng.core.importing import ImportFileError, ImportResult, file_error, log_import, read_upload
from chuangcheng.core.web import form_errors
from chuangcheng.org.types import AuthedRequest

from . import services
from .access import can_intake
from .category_io import export_categories, import_categories
from .choices import CategoryKind, RoutingRule
from .forms import CategoryCreateForm, CategoryForm, CategoryImportForm
from .models import Category

ERRORS_SHOWN = 200


def _require_office(request: AuthedRequest) -> None:
    if not can_intake(request.user):
        raise PermissionDenied(_("只有创建办可以管理问题类别"))


def _matches(category: Category, search: str) -> bool:
    """A 小类 matches by its own code or name, or by its 大类's (so "市容" finds the whole group)."""
    texts = (category.code, category.name, category.parent.code, category.parent.name) if category.parent else ()
    return any(search.lower() in text.lower() for text in texts)


def _tree(search: str = "") -> list[dict[str, Any]]:
    """[{kind, label, groups: [{parent, leaves}]}], inactive ones included (the office sees all).

    With ``search``, only matching 小类 are listed and groups left empty are dropped.
    """
    rows = list(Category.objects.select_related("parent", "owner_unit").order_by("kind", "code"))
    leaves: dict[int, list[Category]] = {}
    for row in rows:
        row.rule_label = RoutingRule(row.effective_routing_rule).label  # type: ignore[attr-defined]
        if row.parent_id is not None and (not search or _matches(row, search)):
            leaves.setdefault(row.parent_id, []).append(row)
    return [
        {
            "kind": kind,
            "label": label,
            "groups": [
                {"parent": row, "leaves": leaves.get(row.pk, [])}
                for row in rows
                if row.parent_id is None and row.kind == kind and (not search or row.pk in leaves)
            ],
        }
        for kind, label in CategoryKind.choices
    ]


def _save(request: AuthedRequest, form: CategoryForm) -> Category | None:
    """The service's verdict: the saved category, or None with the reason on the form."""
    if not form.is_valid():
        return None
    with form_errors(form):
        return services.category_save(category=form.instance, by=request.user)
    return None


@login_required
@require_GET
def category_list(request: AuthedRequest) -> HttpResponse:
    _require_office(request)
    search = request.GET.get("q", "").strip()
    tree = _tree(search)
    found = sum(len(group["leaves"]) for kind in tree for group in kind["groups"])
    return render(request, "cases/categories.html", {"tree": tree, "q": search, "found": found})


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_office(request)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk, parent__isnull=False)
    form = CategoryForm(request.POST if request.method == "POST" else None, instance=category)
    if request.method == "POST":
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("已保存问题类别“%(name)s”") % {"name": saved})
            return redirect("cases:category_list")
        category.refresh_from_db()  # the page shows the rules as they still are
    return render(request, "cases/category_form.html", {"form": form, "category": category})


@login_required
@require_http_methods(["GET", "POST"])
def category_create(request: AuthedRequest) -> HttpResponse:
    _require_office(request)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else None
    form = CategoryCreateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("已添加问题类别“%(name)s”") % {"name": saved})
            return redirect("cases:category_list")
    return render(request, "cases/category_form.html", {"form": form, "category": None})


def run_import(*, upload: Any, by: Any) -> ImportResult:
    """Read the upload (refusing an oversized one unread), import it and log it."""
    with transaction.atomic():
        try:
            result = import_categories(data=read_upload(upload), by=by)
        except ImportFileError as exc:
            result = file_error("categories", str(exc))
        except DomainError as exc:
            result = file_error("categories", exc.message)
        log_import(result, "cases.import.categories", by=by, file=upload)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def category_import(request: AuthedRequest) -> HttpResponse:
    """GET: the upload form. POST: import the workbook and show the summary or the error table."""
    _require_office(request)
    result = None
    form = CategoryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = run_import(upload=form.cleaned_data["file"], by=request.user)
    context = {"form": form, "result": result, "errors_shown": result.errors[:ERRORS_SHOWN] if result else []}
    return render(request, "cases/category_import.html", context)


@login_required
@require_GET
def category_export(request: AuthedRequest) -> HttpResponse:
    """Every 小类 as .xlsx in the import's layout (the office's template for editing the table)."""
    _require_office(request)
    return xlsx_download(export_categories(), f"{_('问题类别')}-{stamp()}.xlsx")
