"""The office's checklist pages: the list, one checklist by family, item edits, indicator links, .xlsx.

The office edits; supervisor, leader, inspectors and road chiefs read (others get 403). Item
edits go through ``services.checklist_item_save``: a change of content starts a new version, so
inspections already submitted keep reading the item as it was.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuangcheng.core.downloads import stamp, xlsx_download
from chuangcheng.core.errors import DomainError
from chuangcheng.core.importing import ImportFileError, ImportResult, file_error, log_import, read_upload
from chuangcheng.core.web import form_errors, render_page, wants_partial
from chuangcheng.indicators.models import Campaign
from chuangcheng.org.types import AuthedRequest
from chuangcheng.places.choices import RoadClass

from . import selectors, services
from .access import can_edit_checklists, require_checklist_editor, require_checklist_reader
from .checklist_io import export_checklists, import_checklists
from .forms_checklists import (
    CampaignPickForm,
    ChecklistFilterForm,
    ChecklistImportForm,
    ChecklistItemForm,
    IndicatorLinkForm,
)
from .models import Checklist, ChecklistItem

# A file with every row wrong would make a page nobody reads; the count says how many more.
ERRORS_SHOWN = 500


@login_required
@require_GET
def checklist_list(request: AuthedRequest) -> HttpResponse:
    """Every checklist (per site type, per road class) with its item counts."""
    require_checklist_reader(request.user)
    form = ChecklistFilterForm(request.GET)
    checklists = list(selectors.checklist_list_for_user(user=request.user, filters=form.filters()))
    context = {
        "form": form,
        "site_checklists": [c for c in checklists if c.site_type_id],
        "road_checklists": sorted(
            (c for c in checklists if not c.site_type_id), key=lambda c: RoadClass.values.index(c.road_class)
        ),
        "found": len(checklists),
        "can_edit": can_edit_checklists(request.user),
    }
    return render_page(request, "inspections/checklists/list.html", context)


def _detail_context(request: AuthedRequest, checklist: Checklist) -> dict[str, Any]:
    return {
        "checklist": checklist,
        "groups": selectors.checklist_items_by_family(checklist),
        "can_edit": can_edit_checklists(request.user),
    }


@login_required
@require_GET
def checklist_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One checklist's items grouped by family, each with its deduction, photo rule, category and links."""
    require_checklist_reader(request.user)
    checklist = selectors.get_checklist_for_user(request.user, pk)
    return render_page(
        request, "inspections/checklists/detail.html", _detail_context(request, checklist), partial="items"
    )


def _item_page(request: AuthedRequest, item: ChecklistItem, checklist: Checklist) -> HttpResponse:
    form = ChecklistItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        with form_errors(form), transaction.atomic():
            new = form.save(commit=False)
            if new.pk is None:
                last = checklist.items.order_by("-sort_order").values_list("sort_order", flat=True).first()
                new.sort_order = last + 1 if last is not None else 0
            services.checklist_item_save(item=new, by=request.user)
            return redirect(f"{reverse('inspections:checklist_detail', args=[checklist.pk])}#item-{new.pk}")
    versions = list(item.versions.select_related("created_by").order_by("-number")) if item.pk else []
    context = {"form": form, "item": item if item.pk else None, "checklist": checklist, "versions": versions}
    return render(request, "inspections/checklists/item_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: AuthedRequest, pk: int) -> HttpResponse:
    require_checklist_editor(request.user)
    checklist = selectors.get_checklist_for_user(request.user, pk)
    family = request.GET.get("family", "")
    return _item_page(request, ChecklistItem(checklist=checklist, family=family), checklist)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit an item's content; the saved change is its next version (the page lists the versions)."""
    require_checklist_editor(request.user)
    item = selectors.get_checklist_item_for_user(request.user, pk)
    return _item_page(request, item, item.checklist)


def _back_to_items(request: AuthedRequest, item: ChecklistItem) -> HttpResponse:
    """htmx: the checklist's items again (the one changed in place); otherwise back to the checklist."""
    checklist = selectors.get_checklist_for_user(request.user, item.checklist_id)
    if wants_partial(request):
        return render(request, "inspections/checklists/detail.html#items", _detail_context(request, checklist))
    return redirect(f"{reverse('inspections:checklist_detail', args=[checklist.pk])}#item-{item.pk}")


@login_required
@require_POST
def checklist_active(request: AuthedRequest, pk: int) -> HttpResponse:
    """停用 (active=0) or 启用 (active=1) a whole checklist."""
    require_checklist_editor(request.user)
    checklist = selectors.get_checklist_for_user(request.user, pk)
    active = request.POST.get("active") == "1"
    services.checklist_set_active(checklist=checklist, active=active, by=request.user)
    messages.success(request, _("检查表已启用") if active else _("检查表已停用，其点位或路段暂不能检查"))
    return redirect("inspections:checklist_detail", pk=checklist.pk)


@login_required
@require_POST
def item_active(request: AuthedRequest, pk: int) -> HttpResponse:
    """停用 (active=0) or 启用 (active=1) an item: inspections from now on skip it or check it again."""
    require_checklist_editor(request.user)
    item = selectors.get_checklist_item_for_user(request.user, pk)
    services.checklist_item_set_active(item=item, active=request.POST.get("active") == "1", by=request.user)
    return _back_to_items(request, item)


@login_required
@require_POST
def item_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move an item up or down within its family."""
    require_checklist_editor(request.user)
    item = selectors.get_checklist_item_for_user(request.user, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.checklist_item_move(item=item, offset=offset, by=request.user)
    return _back_to_items(request, item)


@login_required
@require_http_methods(["GET", "POST"])
def item_indicators(request: AuthedRequest, pk: int) -> HttpResponse:
    """Choose the 测评内容/测评标准 nodes of one campaign that the item evidences."""
    require_checklist_editor(request.user)
    item = selectors.get_checklist_item_for_user(request.user, pk)
    campaigns = CampaignPickForm(request.POST if request.method == "POST" else request.GET)
    campaign: Campaign | None = campaigns.cleaned_data["campaign"] if campaigns.is_valid() else None
    if campaign is None:
        campaign = Campaign.objects.order_by("sort_order", "code").first()
        campaigns = CampaignPickForm(initial={"campaign": campaign.code if campaign else None})
    nodes = selectors.linkable_nodes(campaign) if campaign else []
    linked = list(item.indicators.filter(campaign=campaign)) if campaign else []
    form = IndicatorLinkForm(
        request.POST if request.method == "POST" else None, nodes=nodes, initial={"nodes": [n.pk for n in linked]}
    )
    if request.method == "POST" and campaigns.is_valid() and campaign is not None and form.is_valid():
        with form_errors(form):
            services.checklist_item_link_indicators(
                item=item, campaign=campaign, nodes=form.cleaned_data["nodes"], by=request.user
            )
            return redirect(f"{reverse('inspections:checklist_detail', args=[item.checklist_id])}#item-{item.pk}")
    context = {
        "item": item,
        "checklist": item.checklist,
        "campaign": campaign,
        "campaigns": campaigns,
        "form": form,
        "other_links": item.indicators.exclude(campaign=campaign)
        .select_related("campaign")
        .order_by("campaign__code", "path"),
    }
    return render_page(request, "inspections/checklists/item_indicators.html", context, partial="links")


def run_import(*, upload: Any, by: Any, partial: bool) -> ImportResult:
    """Read the upload (refusing an oversized one unread), import it and log it (shared with the API)."""
    with transaction.atomic():
        try:
            result = import_checklists(data=read_upload(upload), by=by, partial=partial)
        except ImportFileError as exc:
            result = file_error("checklists", str(exc))
        except DomainError as exc:
            result = file_error("checklists", exc.message)
        log_import(result, "inspections.import.checklists", by=by, file=upload)
    return result


@login_required
@require_http_methods(["GET", "POST"])
def checklist_import(request: AuthedRequest) -> HttpResponse:
    """GET: the upload form. POST: import the workbook and show the summary or the error table."""
    require_checklist_editor(request.user)
    result = None
    if request.method == "POST":
        form = ChecklistImportForm(request.POST, request.FILES)
        if form.is_valid():
            result = run_import(upload=form.cleaned_data["file"], by=request.user, partial=form.cleaned_data["partial"])
    else:
        form = ChecklistImportForm()
    context = {"form": form, "result": result, "errors_shown": result.errors[:ERRORS_SHOWN] if result else []}
    return render(request, "inspections/checklists/import.html", context)


def export_response(user: Any) -> HttpResponse:
    """Every item of every checklist the user may read, as .xlsx in the import's layout (shared with the API)."""
    require_checklist_reader(user)
    checklists = selectors.checklist_list_for_user(user=user)
    return xlsx_download(export_checklists(checklists), f"{_('检查表')}-{stamp()}.xlsx")


@login_required
@require_GET
def checklist_export(request: AuthedRequest) -> HttpResponse:
    return export_response(request.user)
