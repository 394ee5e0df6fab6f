"""Import and export pages of the responsibility map.

Only map editors (the office) may import. Anyone signed in may export, but only through
the same scoped selectors as the list pages, so a unit or road chief exports what they see.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from chuangcheng.core.downloads import attachment, spooled_xlsx, stamp, xlsx_download
from chuangcheng.core.xlsx import xlsx_bytes
from chuangcheng.org.access import scope_for
from chuangcheng.org.models import Person
from chuangcheng.org.types import AuthedRequest

from . import selectors
from .exports import EXPORTERS, BaseExporter, template_sheets
from .forms import GridFilterForm, PlaceFilterForm, SegmentFilterForm, ShopFilterForm, SiteFilterForm
from .imports import IMPORTERS, ImportMode, import_file

# A file with every row wrong would make a page nobody reads; the count says how many more.
ERRORS_SHOWN = 500

LISTS: dict[str, Callable[..., QuerySet]] = {
    "segment": selectors.segment_list_for_user,
    "grid": selectors.grid_list_for_user,
    "site": selectors.site_list_for_user,
    "shop": selectors.shop_list_for_user,
}
# An export page holds what its list page shows: the same form validates the same GET values.
FILTER_FORMS: dict[str, type[PlaceFilterForm]] = {
    "segment": SegmentFilterForm,
    "grid": GridFilterForm,
    "site": SiteFilterForm,
    "shop": ShopFilterForm,
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=[(k, c.label) for k, c in IMPORTERS.items()])
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel（.xlsx）或 GeoJSON（.geojson/.json）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.geojson,.json"}),
    )
    mode = forms.ChoiceField(
        label=_("导入方式"), choices=ImportMode.choices, initial=ImportMode.ALL, widget=forms.RadioSelect
    )


def require_map_editor(user: Person) -> None:
    if not scope_for(user).can_edit_map:
        raise PermissionDenied(_("只有创建办可以导入责任地图"))


def _kind_or_404(kind: str | None) -> str | None:
    if kind is not None and kind not in IMPORTERS:
        raise Http404(_("未知的导入类型"))
    return kind


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest, kind: str | None = None) -> HttpResponse:
    """GET: the upload form. POST: run the import and show the summary or the error table."""
    require_map_editor(request.user)
    kind = _kind_or_404(kind or request.GET.get("kind")) or "segment"
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            kind = form.cleaned_data["kind"]
            result = import_file(
                kind=kind, file=upload, filename=upload.name, mode=form.cleaned_data["mode"], by=request.user
            )
    else:
        form = ImportForm(initial={"kind": kind})
    context = {
        "form": form,
        "kind": kind,
        "result": result,
        "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
        "kinds": [(k, cls.label) for k, cls in IMPORTERS.items()],
    }
    return render(request, "places/import.html", context)


@login_required
def import_template(request: AuthedRequest, kind: str) -> HttpResponse:
    """An empty workbook with the import columns and a sheet explaining each of them."""
    _kind_or_404(kind)
    return template_response(kind)


def template_response(kind: str) -> HttpResponse:
    """The import template of ``kind`` as a download (shared with the API)."""
    return xlsx_download(xlsx_bytes(template_sheets(kind)), f"{IMPORTERS[kind].label}导入模板.xlsx")


def exporter_for(user: Person, kind: str, filters: dict) -> BaseExporter:
    """The exporter of ``kind`` over the user's list filtered like the list page (shared with the API)."""
    if kind not in EXPORTERS:
        raise Http404(_("未知的导出类型"))
    return EXPORTERS[kind](LISTS[kind](user=user, filters=filters), viewer=user)


def xlsx_response(exporter: BaseExporter) -> FileResponse:
    """The export as .xlsx, written to a temporary file so big exports stream."""
    return spooled_xlsx(exporter.write_xlsx, f"{exporter.filename}-{stamp()}.xlsx")


def geojson_response(exporter: BaseExporter) -> StreamingHttpResponse:
    response = StreamingHttpResponse(exporter.geojson_chunks(), content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = attachment(f"{exporter.filename}-{stamp()}.geojson")
    return response


@login_required
def export_xlsx(request: AuthedRequest, kind: str) -> FileResponse:
    """The filtered list as .xlsx."""
    return xlsx_response(exporter_for(request.user, kind, _list_filters(request, kind)))


@login_required
def export_geojson(request: AuthedRequest, kind: str) -> StreamingHttpResponse:
    """The filtered list as a GeoJSON FeatureCollection, streamed."""
    return geojson_response(exporter_for(request.user, kind, _list_filters(request, kind)))


def _list_filters(request: AuthedRequest, kind: str) -> dict:
    """The list page's valid filters; an invalid or out-of-range value is dropped, as on the page."""
    if kind not in FILTER_FORMS:
        raise Http404(_("未知的导出类型"))
    return FILTER_FORMS[kind](request.GET, user=request.user).filters()
