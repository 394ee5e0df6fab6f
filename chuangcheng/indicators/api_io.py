"""Import and export endpoints of the framework and the 任务分解表 (same code as the pages).

Everything goes through ``views_io``: only the office imports and downloads templates; an
export holds what the user's ledger holds.
"""

from dataclasses import asdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from chuangcheng.core.xlsx import XLSX_CONTENT_TYPE
from chuangcheng.org.types import AuthedRequest

from .models import Campaign
from .views_io import (
    ERRORS_SHOWN,
    framework_download,
    require_office,
    run_import,
    tasks_download,
    template_response,
)

router = Router(tags=["测评体系：导入导出"])


class LedgerImportErrorOut(Schema):
    row: int | None = Field(description="Excel 行号；null 表示整个文件的问题")
    column: str = Field(description="列名（表头）；空表示整行或整个文件")
    message: str


class LedgerImportResultOut(Schema):
    ok: bool = Field(description="每一行都通过校验")
    written: bool = Field(description="是否写入了数据")
    kind: str = Field(description="framework 测评体系 或 tasks 任务分解表")
    rows_seen: int
    created: int
    updated: int
    unchanged: int
    skipped: int = Field(description="仅导入无误的行时，跳过的有错误的行数")
    warnings: list[str] = Field(description="提示，如已有但文件中没有的指标（不会删除）")
    error_count: int = Field(description="错误总数（errors 最多列出前 500 条）")
    errors: list[LedgerImportErrorOut]


def _file_response(what: str) -> dict:
    """OpenAPI description of an endpoint that answers with a file instead of JSON."""
    return {
        "responses": {
            200: {
                "description": what,
                "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


IMPORT_HELP = (
    "仅创建办可用，其他角色返回 403。multipart 表单：file 为 .xlsx 文件；partial 为 true 时只写入无误的行，"
    "默认有任何错误则一行都不写入。按编码匹配已有数据，重复导入同一文件只更新不新增。文件读完并校验后总是返回 200："
    "ok 表示每行都通过校验，written 表示是否写入了数据，errors 列出每个错误的行号、列名和说明。"
)


def _import(request: AuthedRequest, kind: str, code: str, file: UploadedFile, partial: bool) -> dict:
    require_office(request.user)
    campaign = get_object_or_404(Campaign, code=code)
    result = run_import(kind, campaign=campaign, upload=file, by=request.user, partial=partial)
    data = asdict(result)
    return {**data, "ok": result.ok, "error_count": len(result.errors), "errors": data["errors"][:ERRORS_SHOWN]}


@router.post(
    "/{code}/import/framework",
    response=LedgerImportResultOut,
    summary="导入测评体系（Excel）",
    description=IMPORT_HELP + "文件中没有的已有指标不会删除，只在 warnings 中提示。",
    url_name="indicators_import_framework",
)
def import_framework(request: AuthedRequest, code: str, file: File[UploadedFile], partial: Form[bool] = False) -> dict:
    return _import(request, "framework", code, file, partial)


@router.post(
    "/{code}/import/tasks",
    response=LedgerImportResultOut,
    summary="导入任务分解表（Excel）",
    description=IMPORT_HELP + "每个新增或修改的任务写一条“导入”事件。",
    url_name="indicators_import_tasks",
)
def import_tasks(request: AuthedRequest, code: str, file: File[UploadedFile], partial: Form[bool] = False) -> dict:
    return _import(request, "tasks", code, file, partial)


@router.get(
    "/import/framework/template.xlsx",
    summary="测评体系导入模板",
    description="表头、示例行和“说明”页。仅创建办可用。",
    openapi_extra=_file_response("Excel 文件"),
    url_name="indicators_template_framework",
)
def template_framework(request: AuthedRequest) -> HttpResponse:
    require_office(request.user)
    return template_response("framework")


@router.get(
    "/import/tasks/template.xlsx",
    summary="任务分解表导入模板",
    description="表头、示例行和“说明”页。仅创建办可用。",
    openapi_extra=_file_response("Excel 文件"),
    url_name="indicators_template_tasks",
)
def template_tasks(request: AuthedRequest) -> HttpResponse:
    require_office(request.user)
    return template_response("tasks")


@router.get(
    "/{code}/export/framework.xlsx",
    summary="导出测评体系",
    description="与导入模板相同的列，可改后再导入。",
    openapi_extra=_file_response("Excel 文件"),
    url_name="indicators_export_framework",
)
def export_framework(request: AuthedRequest, code: str) -> HttpResponse:
    return framework_download(request.user, code)


@router.get(
    "/{code}/export/tasks.xlsx",
    summary="导出任务分解表",
    description=(
        "当前用户可见的任务，可用推进台帐的筛选参数：unit、status、overdue、deadline_from、deadline_to、q、indicator。"
        "列与导入模板一致（另有只读的状态和完成进度列），可改后再导入。"
    ),
    openapi_extra=_file_response("Excel 文件"),
    url_name="indicators_export_tasks",
)
def export_tasks(request: HttpRequest, code: str) -> HttpResponse:
    return tasks_download(request.user, code, request.GET)  # type: ignore[arg-type]
