"""Import and export pages of a campaign's framework and 任务分解表.

Only the office imports (others get 403, as on the map's import page). Exports are for the
roles that see the ledger, and the task export holds exactly the tasks the user may see,
filtered with the ledger's query parameters.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chuangcheng.core.downloads import stamp, xlsx_download
from chuangcheng.core.importing import ImportFileError, ImportResult, file_error, log_import, read_upload
from chuangcheng.org.models import Person
from chuangcheng.org.types import AuthedRequest

from . import access, selectors
from .exports import export_framework, export_tasks, framework_template, tasks_template
from .forms import LedgerFilterForm
from .imports import import_framework, import_tasks
from .models import Campaign, Task

# A file with every row wrong would make a page nobody reads; the count says how many more.
ERRORS_SHOWN = 500

KINDS: dict[str, Any] = {
    "framework": {
        "title": gettext_lazy("导入测评体系"),
        "label": gettext_lazy("测评体系"),
        "run": import_framework,
        "template": framework_template,
    },
    "tasks": {
        "title": gettext_lazy("导入任务分解表"),
        "label": gettext_lazy("任务分解表"),
        "run": import_tasks,
        "template": tasks_template,
    },
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件"),
        help_text=gettext_lazy("仅支持 .xlsx"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    partial = forms.BooleanField(
        label=gettext_lazy("仅导入无误的行"),
        required=False,
        help_text=gettext_lazy("不勾选时，只要有一处错误就一行都不写入"),
    )
    build_framework = forms.BooleanField(
        label=gettext_lazy("按表格补建测评体系"),
        required=False,
        help_text=gettext_lazy(
            "测评体系中还没有的测评项目、测评内容、测评标准，按表格中的名称新建（满分暂为 0，导入后到测评体系中补填）"
        ),
    )

    def __init__(self, *args: Any, kind: str = "tasks", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != "tasks":
            del self.fields["build_framework"]


def require_office(user: Person) -> None:
    if not access.can_manage_tasks(user):
        raise PermissionDenied(_("只有创建办可以导入测评体系和任务分解表"))


def run_import(
    kind: str, *, campaign: Campaign, upload: Any, by: Person, partial: bool, **options: Any
) -> ImportResult:
    """Read the upload (refusing an oversized one unread) and import it (shared with the API); log it.

    ``options``: the importer's own (``build_framework`` for the 任务分解表)."""
    with transaction.atomic():
        result = _read_and_import(kind, campaign=campaign, upload=upload, by=by, partial=partial, **options)
        log_import(result, f"indicators.import.{kind}", target=campaign, by=by, file=upload)
    return result


def _read_and_import(
    kind: str, *, campaign: Campaign, upload: Any, by: Person, partial: bool, **options: Any
) -> ImportResult:
    try:
        data = read_upload(upload)
    except ImportFileError as exc:
        return file_error(kind, str(exc))
    result: ImportResult = KINDS[kind]["run"](campaign=campaign, data=data, by=by, partial=partial, **options)
    return result


def _import_page(request: AuthedRequest, code: str, kind: str) -> HttpResponse:
    require_office(request.user)
    campaign = get_object_or_404(Campaign, code=code)
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            options = {"build_framework": form.cleaned_data["build_framework"]} if kind == "tasks" else {}
            result = run_import(
                kind,
                campaign=campaign,
                upload=form.cleaned_data["file"],
                by=request.user,
                partial=form.cleaned_data["partial"],
                **options,
            )
    else:
        form = ImportForm(kind=kind)
    context = {
        "campaign": campaign,
        "kind": kind,
        "title": KINDS[kind]["title"],
        "form": form,
        "result": result,
        "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        "template_url": reverse(f"indicators:template_{kind}", args=[campaign.code]),
        "export_url": reverse(f"indicators:export_{kind}", args=[campaign.code]),
        "other_url": reverse(
            "indicators:import_tasks" if kind == "framework" else "indicators:import_framework", args=[campaign.code]
        ),
    }
    return render(request, "indicators/io/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_framework_page(request: AuthedRequest, code: str) -> HttpResponse:
    """GET: the upload form. POST: import the framework and show the summary or the error table."""
    return _import_page(request, code, "framework")


@login_required
@require_http_methods(["GET", "POST"])
def import_tasks_page(request: AuthedRequest, code: str) -> HttpResponse:
    """GET: the upload form. POST: import the 任务分解表 and show the summary or the error table."""
    return _import_page(request, code, "tasks")


def template_response(kind: str) -> HttpResponse:
    """The import template of ``kind`` as a download (shared with the API)."""
    return xlsx_download(KINDS[kind]["template"](), _("%(label)s导入模板.xlsx") % {"label": KINDS[kind]["label"]})


@login_required
@require_GET
def template_framework(request: AuthedRequest, code: str) -> HttpResponse:
    require_office(request.user)
    return template_response("framework")


@login_required
@require_GET
def template_tasks(request: AuthedRequest, code: str) -> HttpResponse:
    require_office(request.user)
    return template_response("tasks")


def framework_download(user: Person, code: str) -> HttpResponse:
    """The campaign's framework as .xlsx (shared with the API)."""
    access.require_ledger_viewer(user)
    campaign = get_object_or_404(Campaign, code=code)
    return xlsx_download(export_framework(campaign), f"{campaign.name}{_('测评体系')}-{stamp()}.xlsx")


def tasks_for_export(user: Person, campaign: Campaign, params: Any) -> QuerySet[Task]:
    """The campaign's tasks the user sees, narrowed by the ledger's filter parameters."""
    form = LedgerFilterForm(params, user=user)
    filters = form.filters()
    filters["campaign"] = campaign  # a node of another campaign then matches nothing
    return selectors.task_list_for_user(user=user, filters=filters)


def tasks_download(user: Person, code: str, params: Any) -> HttpResponse:
    """The campaign's 任务分解表 as .xlsx (shared with the API)."""
    access.require_ledger_viewer(user)
    campaign = get_object_or_404(Campaign, code=code)
    data = export_tasks(tasks_for_export(user, campaign, params))
    return xlsx_download(data, f"{campaign.name}{_('任务分解表')}-{stamp()}.xlsx")


@login_required
@require_GET
def export_framework_xlsx(request: AuthedRequest, code: str) -> HttpResponse:
    return framework_download(request.user, code)


@login_required
@require_GET
def export_tasks_xlsx(request: AuthedRequest, code: str) -> HttpResponse:
    """The 任务分解表; accepts the ledger's filters (unit, status, overdue, deadline_from/to, q)."""
    return tasks_download(request.user, code, request.GET)
