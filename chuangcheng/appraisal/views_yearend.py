"""Pages of the year-end lists (年终评定): choose a year and build, review the entries, confirm,
download the .docx. The county's readers read; only the office (创建办) writes; units get 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chuangcheng.core.errors import DomainError
from chuangcheng.core.web import run_service
from chuangcheng.org.types import AuthedRequest

from . import selectors_yearend as selectors
from . import services_yearend as services
from .access import can_keep, require_keeper
from .choices import YearEndStatus
from .forms_yearend import YearEndBuildForm, YearEndToggleForm
from .yearend import rule_rows

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def yearend(request: AuthedRequest) -> HttpResponse:
    selectors.require_year_end_reader(request.user)
    lists = selectors.year_end_list_for_user(user=request.user, filters=request.GET.dict())
    form = YearEndBuildForm() if can_keep(request.user) else None
    return render(request, "appraisal/yearend_index.html", {"lists": lists, "form": form})


@login_required
@require_POST
def yearend_build(request: AuthedRequest) -> HttpResponse:
    require_keeper(request.user)
    form = YearEndBuildForm(request.POST)
    if not form.is_valid():
        lists = selectors.year_end_list_for_user(user=request.user)
        return render(request, "appraisal/yearend_index.html", {"lists": lists, "form": form}, status=400)
    try:
        year_list = services.year_end_build(
            scheme=form.cleaned_data["scheme"],
            year=form.cleaned_data["year"],
            kind=form.cleaned_data["kind"],
            by=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("appraisal:yearend")
    messages.success(request, _("已生成名单：%(list)s") % {"list": services.year_end_title(year_list)})
    return redirect("appraisal:yearend_list", pk=year_list.pk)


@login_required
@require_GET
def yearend_list(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.require_year_end_reader(request.user)
    year_list = selectors.get_year_end_list_for_user(request.user, pk)
    context = {
        "year_list": year_list,
        "title": services.year_end_title(year_list),
        "entries": selectors.year_end_entries(year_list),
        "editable": can_keep(request.user) and year_list.status == YearEndStatus.DRAFT,
        "rules": rule_rows(year_list.rules or {}),
    }
    return render(request, "appraisal/yearend_list.html", context)


@login_required
@require_POST
def yearend_entry_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.require_year_end_reader(request.user)
    entry = selectors.get_year_end_entry_for_user(request.user, pk)
    require_keeper(request.user)
    form = YearEndToggleForm(request.POST)
    if form.is_valid():
        included, note = form.cleaned_data["included"], form.cleaned_data["note"]
        done = _("已列入：%(name)s") if included else _("已不列入：%(name)s")
        run_service(
            request,
            lambda: services.year_end_entry_toggle(entry=entry, included=included, note=note, by=request.user),
            done % {"name": entry.name},
        )
    else:
        messages.error(request, _("审核意见不能超过 300 字"))
    return redirect("appraisal:yearend_list", pk=entry.list_id)


@login_required
@require_POST
def yearend_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.require_year_end_reader(request.user)
    year_list = selectors.get_year_end_list_for_user(request.user, pk)
    require_keeper(request.user)
    run_service(
        request,
        lambda: services.year_end_confirm(year_list=year_list, by=request.user),
        _("名单已确认"),
    )
    return redirect("appraisal:yearend_list", pk=year_list.pk)


@login_required
@require_GET
def yearend_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    selectors.require_year_end_reader(request.user)
    year_list = selectors.get_year_end_list_for_user(request.user, pk)
    response = HttpResponse(services.year_end_docx(year_list), content_type=DOCX)
    filename = f"{year_list.year}-{year_list.kind}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
