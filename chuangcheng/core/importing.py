"""What the file importers share: the error and result records, the size-limited read and header matching.

The importers (``places/imports.py``, ``indicators/imports.py``) validate every row before
writing and report each problem by row and column; the records and messages for that live
here, so both pages and APIs show an import's outcome the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Protocol, TypeVar

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _

from chuangcheng.core.audit import log_action
from chuangcheng.core.uploads import read_limited, size_text
from chuangcheng.core.xlsx import NotAWorkbook, read_table


@dataclass
class RowError:
    """One problem: row (None for the whole file), column header and a Chinese message."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did: counts, whether it wrote, the errors and warnings to show."""

    kind: str
    source: str = ""
    rows_seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    written: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # What the reader did with the sheet that the user should know ("第 3 行为表头").
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def row_label(self) -> str:
        return _("要素序号") if self.source == "geojson" else _("行号")

    def file_error(self, message: str) -> ImportResult:
        """Record a problem of the whole file (no row, no column); returns the result."""
        self.errors.append(RowError(None, "", message))
        return self

    def read_from(self, table: Table) -> None:
        """Note how the sheet was read (the header row, when it was not the first)."""
        if note := table.note():
            self.notes.append(note)

    def no_rows(self) -> ImportResult:
        return self.file_error(_("文件中没有数据行"))


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is Chinese and user-facing."""


def file_error(kind: str, message: str) -> ImportResult:
    """A result holding one whole-file error (for an upload refused before it is read)."""
    return ImportResult(kind=kind).file_error(message)


def _file_size(file: Any) -> int | None:
    size = getattr(file, "size", None)
    if size is None and hasattr(file, "seek"):
        size = file.seek(0, 2)
    return size


def log_import(
    result: ImportResult, action: str, *, target: Any = None, by: Any, file: Any, filename: str = ""
) -> None:
    """One audit entry per import: the file (name, size) and what it did to the rows."""
    data = {
        "file": filename or getattr(file, "name", "") or "",
        "size": _file_size(file),
        "rows": result.rows_seen,
        "created": result.created,
        "updated": result.updated,
        "errors": len(result.errors),
        "written": result.written,
    }
    log_action(target, action, by=by, data=data)


# ----- reading the file ----------------------------------------------------------------------


def _too_large(_size: int = 0) -> ImportFileError:
    limit = size_text(settings.IMPORT_MAX_BYTES)
    return ImportFileError(_("文件过大（上限 %(limit)s），请拆分后分批导入") % {"limit": limit})


def check_size(size: int) -> None:
    """Refuse files over IMPORT_MAX_BYTES (for bytes that did not come through ``read_upload``)."""
    if size > settings.IMPORT_MAX_BYTES:
        raise _too_large(size)


def read_upload(upload: IO[bytes]) -> bytes:
    """The bytes of an uploaded (or opened) file, refusing one over IMPORT_MAX_BYTES without reading it whole."""
    # A plain file object (a command or the benchmark opening a path) has no .size: File works it out.
    return read_limited(upload if isinstance(upload, File) else File(upload), settings.IMPORT_MAX_BYTES, _too_large)


def check_geojson_size(data: bytes) -> None:
    """Refuse GeoJSON over GEOJSON_MAX_BYTES before it is parsed: parsed JSON takes ten times its size."""
    if len(data) > settings.GEOJSON_MAX_BYTES:
        limit = size_text(settings.GEOJSON_MAX_BYTES)
        raise ImportFileError(_("GeoJSON 文件超过 %(limit)s，请拆分后分批导入") % {"limit": limit})


def check_feature_count(count: int) -> None:
    """Refuse more GeoJSON features than an .xlsx may have rows (IMPORT_MAX_ROWS), before any is validated."""
    if count > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("GeoJSON 要素超过 %(limit)d 个，请拆分后导入（大批量导入将在后台任务中提供）")
            % {"limit": settings.IMPORT_MAX_ROWS}
        )


class ImportColumn(Protocol):
    """What header matching needs of an importer's column."""

    @property
    def field(self) -> str: ...

    @property
    def readonly(self) -> bool: ...


C = TypeVar("C", bound=ImportColumn)


def normalise_header(text: str) -> str:
    """A header as matched: no white space, half-width brackets, lower case."""
    return re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")").lower()


def header_lookup(names: Iterable[tuple[str, C]]) -> dict[str, C]:
    """Normalised header → column from (header, column) pairs; the first pair of a header wins."""
    lookup: dict[str, C] = {}
    for name, column in names:
        lookup.setdefault(normalise_header(name), column)
    return lookup


def match_headers(keys: Iterable[str], lookup: Mapping[str, ImportColumn]) -> dict[str, str]:
    """File key → field code for the keys ``lookup`` knows; readonly columns and a field's later keys are left out."""
    found: dict[str, str] = {}
    for key in keys:
        column = lookup.get(normalise_header(key))
        if column is not None and not column.readonly and column.field not in found.values():
            found[key] = column.field
    return found


@dataclass
class Table:
    """The first sheet as an importer sees it (see ``read_sheet``)."""

    headers: dict[str, str]  # field code → the header the file used
    header_row: int  # the Excel row number of the header
    above: list[str]  # the text of the rows above the header (the title, 填报单位…)
    letters: dict[str, str]  # field code → column letter
    rows: Iterator[tuple[int, dict[str, Any]]]

    def __iter__(self) -> Iterator[Any]:
        # ``headers, rows = read_sheet(…)`` keeps working for the callers that need no more.
        return iter((self.headers, self.rows))

    @property
    def title(self) -> str:
        return " ".join(self.above)

    def note(self) -> str:
        """ "第 3 行为表头" when the header was not the first row, else ""."""
        if self.header_row <= 1:
            return ""
        return _("第 %(row)s 行为表头（其上为标题）") % {"row": self.header_row}


def read_sheet(data: bytes, lookup: Mapping[str, ImportColumn]) -> Table:
    """The first sheet of a workbook made by a person (in Excel or WPS) or exported by us.

    The header is the first of the sheet's top rows naming at least two known columns, so a
    title row (merged across) or a 填报单位 line above it reads too; a merged cell's value holds
    for every row it spans; blank rows and the footer (备注, 填表人/审核人…) are not data.
    Values come by field code; the row numbers are Excel's.
    """

    def is_header(cells: list[str]) -> bool:
        return len(match_headers([c for c in cells if c], lookup)) >= 2

    try:
        raw = read_table(data, is_header=is_header)
    except NotAWorkbook as exc:
        raise ImportFileError(str(exc)) from None
    keys = match_headers(raw.header, lookup)
    headers = {code: key for key, code in keys.items()}
    letters = {code: raw.letters.get(key, "") for key, code in keys.items()}
    wanted = {k for k, code in keys.items()}

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        # The row and column limits are met while reading: the importers catch ImportFileError there too.
        try:
            for number, values in raw.rows:
                yield number, {keys[k]: v for k, v in values.items() if k in wanted}
        except NotAWorkbook as exc:
            raise ImportFileError(str(exc)) from None

    return Table(headers, raw.header_row, raw.above, letters, rows())


def require_columns(missing: list[str], *, header_row: int = 1) -> None:
    """Refuse a file whose header row lacks the ``missing`` required columns, naming them."""
    if missing:
        raise ImportFileError(
            _("第 %(row)s 行（表头）缺少必填列：%(columns)s。请下载导入模板对照修改")
            % {"row": header_row, "columns": "、".join(missing)}
        )


class SheetColumn(ImportColumn, Protocol):
    """A column an importer declares with its header, the other headers people use, and whether it must be there."""

    @property
    def header(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def required(self) -> bool: ...


def read_rows(data: bytes, columns: Iterable[SheetColumn], result: ImportResult) -> tuple[dict[str, str], list]:
    """An upload's headers (field code → the file's header) and rows, after the checks every importer makes:
    size, not empty, the header found (``result`` learns where), the required columns there.
    Raises ImportFileError."""
    columns = list(columns)
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("文件是空的"))
    table = read_sheet(data, header_lookup((name, c) for c in columns for name in (c.header, c.field, *c.aliases)))
    result.read_from(table)
    missing = [c.header for c in columns if c.required and c.field not in table.headers]
    require_columns(missing, header_row=table.header_row)
    return table.headers, list(table.rows)


# ----- cells ------------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A cell value as text: Excel turns codes and phone numbers into numbers (1.0), undo that."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


# What people write in a yes/no column (lower-cased): 是/否, ticks and crosses, 启用/停用 ….
YES_WORDS = frozenset({"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "需要", "需", "要", "有", "启用", "对"})
NO_WORDS = frozenset({"否", "×", "✗", "✘", "☐", "n", "no", "false", "0", "不需要", "不需", "不要", "无", "停用", "不"})


def required_message(header: str) -> str:
    return _("必填项“%(column)s”为空") % {"column": header}


def too_long_message(text: str, limit: int | None) -> str | None:
    """The error for ``text`` over ``limit`` characters, or None when it fits (or there is no limit)."""
    if limit and len(text) > limit:
        return _("内容过长（最多 %(limit)s 个字），当前 %(length)s 个字") % {"limit": limit, "length": len(text)}
    return None


# ----- numbering inside names -------------------------------------------------------------------

_CN_DIGITS = "一二三四五六七八九十百零〇"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽❶❷❸❹❺❻❼❽❾❿"
_ORDINAL = re.compile(
    rf"^\s*(?:"
    rf"[(（]\s*(?:[{_CN_DIGITS}]+|\d+)\s*[)）]"  # （三） (3)
    rf"|第[{_CN_DIGITS}\d]+[条项部分章节、.．]?"  # 第三条
    rf"|[{_CN_DIGITS}]+\s*[、.．，,]"  # 一、
    rf"|\d+(?:[.．]\d+)+[、.．，,)）]?"  # 1.2 主次干道, 1.2.3.
    rf"|\d+\s*[、.．，,)）]"  # 1、 1. 1)
    rf"|[{_CIRCLED}]"  # ①
    rf")\s*"
)
# "（10分）" after a name is its score, not part of it.
_SCORE_SUFFIX = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")


def strip_ordinal(text: str) -> str:
    """A name without the numbering people put in front of it ("一、", "1.", "（三）", "①", "1、")
    or the score after it ("（10分）"): what names are matched by; the original is kept for display."""
    name = _SCORE_SUFFIX.sub("", str(text).strip())
    stripped = _ORDINAL.sub("", name, count=1).strip()
    return stripped or name
