"""Import and export endpoints of the responsibility map: the import page and export links as JSON/files.

Everything goes through the same code as the pages (``imports.import_file``, the exporters
and response helpers of ``views_io``): only the office imports, and an export holds what
the user's filtered list holds.
"""

from dataclasses import asdict
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from chuangcheng.core.xlsx import XLSX_CONTENT_TYPE
from chuangcheng.org.types import AuthedRequest

from .imports import ImportMode, import_file
from .schemas import ExportFilters, ImportResultOut, Kind
from .views_io import (
    ERRORS_SHOWN,
    exporter_for,
    geojson_response,
    require_map_editor,
    template_response,
    xlsx_response,
)

router = Router(tags=["责任体系：导入导出"])

# The export is JSON text (a FeatureCollection), not binary: a generated client parses it as such.
GEOJSON_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {"type": ["object", "null"]},
                    "properties": {"type": "object", "description": "属性名为中文表头"},
                },
            },
        },
    },
}
KIND_HELP = "kind：segment 路段、grid 网格、site 点位、shop 门店。"


def _file_response(content_type: str, what: str) -> dict:
    """OpenAPI description of an endpoint that answers with a file instead of JSON."""
    return {
        "responses": {
            200: {"description": what, "content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}
        }
    }


@router.post(
    "/import/{kind}",
    response=ImportResultOut,
    summary="导入责任地图（Excel 或 GeoJSON）",
    description=(
        "仅创建办可用，其他角色返回 403。multipart 表单：file 为 .xlsx 或 .geojson/.json 文件，"
        "mode 为 all（默认：有任何错误则一行都不写入）或 valid_only（只写入无误的行）。"
        "按编码匹配已有对象，重复导入同一文件只更新不新增。文件读完并校验后总是返回 200："
        "ok 表示每行都通过校验，written 表示是否写入了数据，errors 列出每个错误的行号（或要素序号）、列名和说明。"
        + KIND_HELP
    ),
    url_name="places_import",
)
def import_map(
    request: AuthedRequest, kind: Kind, file: File[UploadedFile], mode: Form[ImportMode] = ImportMode.ALL
) -> dict[str, Any]:
    require_map_editor(request.user)
    result = import_file(kind=kind, file=file, filename=file.name or "", mode=mode, by=request.user)
    data = asdict(result)
    return {**data, "ok": result.ok, "error_count": len(result.errors), "errors": data["errors"][:ERRORS_SHOWN]}


@router.get(
    "/import/{kind}/template.xlsx",
    summary="导入模板（Excel）",
    description="空白导入模板：第一页是表头，第二页说明每一列。" + KIND_HELP,
    openapi_extra=_file_response(XLSX_CONTENT_TYPE, "Excel 文件"),
    url_name="places_import_template",
)
def import_template(request: AuthedRequest, kind: Kind) -> HttpResponse:
    return template_response(kind)


@router.get(
    "/export/{kind}.xlsx",
    summary="导出 Excel",
    description="当前用户可见的对象，筛选参数与对应的列表接口相同；列与导入模板一致，可改后再导入。" + KIND_HELP,
    openapi_extra=_file_response(XLSX_CONTENT_TYPE, "Excel 文件"),
    url_name="places_export_xlsx",
)
def export_xlsx(request: AuthedRequest, kind: Kind, filters: Query[ExportFilters]) -> FileResponse:
    return xlsx_response(exporter_for(request.user, kind, filters.dict(exclude_none=True)))


@router.get(
    "/export/{kind}.geojson",
    summary="导出 GeoJSON",
    description="与导出 Excel 相同的数据，GeoJSON FeatureCollection，属性名为中文表头。" + KIND_HELP,
    openapi_extra={
        "responses": {
            200: {"description": "GeoJSON 文件", "content": {"application/geo+json": {"schema": GEOJSON_SCHEMA}}}
        }
    },
    url_name="places_export_geojson",
)
def export_geojson(request: AuthedRequest, kind: Kind, filters: Query[ExportFilters]) -> StreamingHttpResponse:
    return geojson_response(exporter_for(request.user, kind, filters.dict(exclude_none=True)))
