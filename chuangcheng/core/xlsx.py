"""Small helpers over openpyxl: write a sheet from a header and rows, read rows back by header.

Writes use openpyxl's write-only mode so an export of 100k rows streams to a temporary file
instead of building every cell object in memory; reads use read-only mode for the same reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries

from chuangcheng.core.uploads import UnsafeFile, check_zip

XLSX_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls) and other OLE2 documents start with this signature.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_MIN_WIDTH, _MAX_WIDTH = 8, 60


class NotAWorkbook(ValueError):
    """The bytes are not a readable .xlsx workbook; the message is Chinese and user-facing."""


@dataclass
class Sheet:
    """One worksheet to write: a title, a header row, the rows and optional column widths."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] | None = None


def _display_width(text: str) -> int:
    # CJK characters take about two Latin character widths in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _header_widths(header: Sequence[str]) -> list[int]:
    return [min(max(_display_width(h) + 4, _MIN_WIDTH), _MAX_WIDTH) for h in header]


def _write_sheet(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook.create_sheet(title=sheet.title[:31])
    widths = sheet.widths or _header_widths(sheet.header)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for title in sheet.header:
        cell = as_cell(ws, title)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in sheet.rows:
        ws.append([value_cell(ws, v) for v in row])


# Text starting with one of these is what spreadsheet programs read as a formula (or a DDE
# call); openpyxl itself turns "=…" into a formula and "#N/A" into an error cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "#")


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (a vertical tab pasted from
    Word would otherwise make openpyxl refuse the whole export)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def value_cell(ws: Any, value: Any, *, alignment: Alignment | None = None) -> Any:
    """What every export writes for ``value``: text stays text, dates get a date format.

    Every cell of every export goes through here (or ``as_cell``), so a description like
    ``=HYPERLINK(…)`` is written as a string cell holding exactly what was typed (an import of
    the export reads the same text back), never as a live formula. Numbers stay numbers.
    """
    if isinstance(value, Cell):
        return value  # already made (and styled) by the caller
    if isinstance(value, str):
        value = xml_safe(value)
    plain_text = isinstance(value, str) and not value.startswith(FORMULA_STARTS)
    if alignment is None and (value is None or plain_text or type(value) in (int, float, bool)):
        return value  # the common case stays a bare value: openpyxl writes it as is, fast
    return as_cell(ws, value, alignment=alignment)


def as_cell(ws: Any, value: Any, *, alignment: Alignment | None = None) -> WriteOnlyCell:
    """``value`` as a cell (to be styled by the caller), strings always as string cells."""
    if isinstance(value, str):
        value = xml_safe(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif type(value) is dt.date:
        # Without a format Excel shows a plain date as "2024-05-01 00:00:00".
        cell.number_format = "yyyy-mm-dd"
    if alignment is not None:
        cell.alignment = alignment
    return cell


def write_xlsx(stream: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write the sheets (first one active) as an .xlsx into ``stream``, streaming the rows."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook, sheet)
    workbook.save(stream)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def check_xlsx_bytes(data: bytes) -> None:
    """Raise ``NotAWorkbook`` unless ``data`` looks like an .xlsx (a zip with a workbook part)
    that unpacks within the upload limits (``core.uploads.check_zip``)."""
    if data.startswith(OLE2_MAGIC):
        raise NotAWorkbook(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传"))
    if not data.startswith(XLSX_MAGIC):
        raise NotAWorkbook(_("文件不是有效的 Excel（.xlsx）文件"))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            check_zip(archive)
            for name in sorted(n for n in names if _SHEET_PART.fullmatch(n)):
                _check_sheet_size(archive, name)
    except zipfile.BadZipFile:
        raise NotAWorkbook(_("文件不是有效的 Excel（.xlsx）文件：压缩包已损坏")) from None
    except UnsafeFile as exc:
        raise NotAWorkbook(str(exc)) from None
    if "xl/workbook.xml" not in names:
        raise NotAWorkbook(_("文件是压缩包，但不是 Excel（.xlsx）工作簿"))


_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
# A row or cell element, with or without a namespace prefix (<row …>, <c …>, <x:c …>).
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")


def _check_sheet_size(archive: zipfile.ZipFile, name: str) -> None:
    """Count a sheet's rows and cells in its raw XML before openpyxl parses it.

    openpyxl itself reads a sheet without a <dimension> to its end just to open the workbook,
    so the counting must come first; it scans the unpacked bytes at C speed, a chunk at a time.
    """
    counts = {b"row": 0, b"c": 0}
    tail = b""
    with archive.open(name) as handle:
        while True:
            chunk = handle.read(1024 * 1024)
            text = tail + chunk
            # Scan up to the last "<": every tag before it is whole; the rest waits for the next chunk.
            cut = text.rfind(b"<") if chunk else len(text)
            for match in _ROW_OR_CELL.finditer(text, 0, max(cut, 0)):
                counts[match.group(1)] += 1
            tail = text[max(cut, 0) :]
            if counts[b"row"] > settings.IMPORT_MAX_ROWS + 1:
                raise _too_many_rows()
            if counts[b"c"] > settings.IMPORT_MAX_CELLS:
                limit = settings.IMPORT_MAX_CELLS
                raise NotAWorkbook(_("工作表超过 %(limit)d 个单元格，请拆分后导入") % {"limit": limit})
            if not chunk:
                return


def _too_many_rows() -> NotAWorkbook:
    limit = settings.IMPORT_MAX_ROWS
    return NotAWorkbook(_("工作表超过 %(limit)d 行，请拆分后导入（大批量导入将在后台任务中提供）") % {"limit": limit})


def _too_many_columns() -> NotAWorkbook:
    return NotAWorkbook(_("工作表超过 %(limit)d 列，请删去多余的列后导入") % {"limit": settings.IMPORT_MAX_COLUMNS})


def _check_dimension(sheet: Any) -> None:
    """Refuse at once what the sheet's own <dimension> declares too big (it may also under-state: see _rows)."""
    if (sheet.max_row or 0) > settings.IMPORT_MAX_ROWS + 1:
        raise _too_many_rows()
    if (sheet.max_column or 0) > settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns()
    # Read every row the file holds, not only the declared ones, and count them as they come.
    sheet.reset_dimensions()


def _rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows, refusing a row wider than IMPORT_MAX_COLUMNS or a data row past IMPORT_MAX_ROWS.

    Each row is as wide as its last cell, so the first row reaching too far is refused as soon
    as it is read; empty rows are not counted.
    """
    columns, filled = settings.IMPORT_MAX_COLUMNS, 0
    for values in sheet.iter_rows(values_only=True):
        if len(values) > columns:
            raise _too_many_columns()
        if any(v is not None for v in values):
            filled += 1
            if filled > settings.IMPORT_MAX_ROWS + 1:  # the header row and IMPORT_MAX_ROWS rows of data
                raise _too_many_rows()
        yield values


# How far down a sheet made by people the header row is looked for (title rows above it).
HEADER_SEARCH_ROWS = 10

# A row whose first filled cell starts like this is the sheet's footer (a note or the signature
# block): it and every row below it are not data. "注" alone must be followed by a colon, since
# a task may well start with 注重….
FOOTER_START = re.compile(
    r"^\s*(?:(?:备注|说明|附注|填表说明|注)\s*[:：]|(?:备注|说明|附注)\s*$|注\s*\d|"
    r"(?:填表人|填报人|审核人|审批人|制表人|联系电话|联系人|单位负责人|分管领导|主要领导|"
    r"填报日期|填表日期|报送日期|签字|签名|盖章|（盖章）|\(盖章\)))"
)


@dataclass
class RawTable:
    """The first sheet as read: its header, where it was, what stood above it, and the data rows.

    ``rows`` yields (Excel row number, {header: value}); a merged cell's value is in every cell
    it spans, blank rows and the footer (notes, signatures) are left out. ``letters`` gives
    each header's column letter ("F"), for messages that point at a cell.
    """

    header: list[str]
    header_row: int
    above: list[str]
    letters: dict[str, str]
    rows: Iterator[tuple[int, dict[str, Any]]]


def read_xlsx(
    data: bytes, *, is_header: Callable[[list[str]], bool] | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The first sheet's header and an iterator of (Excel row number, {header: value}) (see ``read_table``)."""
    table = read_table(data, is_header=is_header)
    return table.header, table.rows


def read_table(data: bytes, *, is_header: Callable[[list[str]], bool] | None = None) -> RawTable:
    """The first sheet, read the way a sheet made by people in Excel or WPS needs.

    Strings are stripped (empty → None), fully empty rows are skipped, and row numbers are
    the ones Excel shows, so error reports point at the right line. The limits on the unpacked
    size, rows and columns raise ``NotAWorkbook`` before, or while, the rows are read.
    With ``is_header`` the header is the first of the first ``HEADER_SEARCH_ROWS`` rows it
    accepts (a sheet made by people often has a title row or two above it), else the first row;
    the header then also ends the data at the first footer row (备注/说明/注：, 填表人, 审核人…).
    Merged cells (one 测评项目 down six rows) give their value to every cell they span.
    """
    check_xlsx_bytes(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        _check_dimension(sheet)
        merged = _MergedCells(sheet)
        rows = merged.fill(_rows(sheet))
        first, header_number, above, rows = _header_row(rows, is_header)
    except NotAWorkbook:
        raise
    # Hostile XML makes openpyxl raise almost anything; all of it means "cannot read this file".
    except Exception as exc:
        raise NotAWorkbook(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from None
    header = [str(_clean(v) or "") for v in (first or ())]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    letters = {h: get_column_letter(i + 1) for i, h in reversed(list(enumerate(header))) if h}
    footer = is_header is not None

    def body() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, (values, own) in enumerate(rows, start=header_number + 1):
                # A row is blank by its own cells: a spacer row inside a merged 测评项目 is still blank.
                if all(_clean(v) is None for v in own[:width]):
                    continue
                if footer and _is_footer(own[:width]):
                    break
                cleaned = [_clean(v) for v in values[:width]]
                yield number, {h: v for h, v in zip(header, cleaned, strict=False) if h}
        except NotAWorkbook:
            raise
        except Exception as exc:
            raise NotAWorkbook(_("无法读取 Excel 文件：%(error)s") % {"error": exc}) from None
        finally:
            workbook.close()

    return RawTable(header, header_number, above, letters, body())


def _is_footer(values: Sequence[Any]) -> bool:
    first = next((v for v in values if _clean(v) is not None), None)
    return isinstance(first, str) and bool(FOOTER_START.match(first))


_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")


class _MergedCells:
    """The sheet's merged ranges, read from its XML (openpyxl's read-only mode does not keep them)."""

    def __init__(self, sheet: Any) -> None:
        self.ranges: list[tuple[int, int, int, int]] = []  # (min_col, min_row, max_col, max_row)
        path = getattr(sheet, "_worksheet_path", None)
        if path is None:
            return
        tail = b""
        with sheet.parent._archive.open(path) as handle:
            while chunk := handle.read(1024 * 1024):
                text = tail + chunk
                for match in _MERGE_CELL.finditer(text):
                    min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
                    if (min_col, min_row) != (max_col, max_row):
                        self.ranges.append((min_col, min_row, max_col, max_row))
                tail = text[-200:]
        # A range whose tag straddled two chunks was found twice.
        self.ranges = sorted(set(self.ranges), key=lambda r: (r[1], r[0]))

    def fill(self, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[list[Any], tuple[Any, ...]]]:
        """(values with every merged range filled from its top-left cell, the row's own values) of each row."""
        pending = list(self.ranges)
        active: list[tuple[int, int, int, int, Any]] = []
        for number, own in enumerate(rows, start=1):
            values = list(own)
            while pending and pending[0][1] == number:
                min_col, min_row, max_col, max_row = pending.pop(0)
                top_left = values[min_col - 1] if min_col <= len(values) else None
                active.append((min_col, min_row, max_col, max_row, top_left))
            pending = [r for r in pending if r[1] > number]
            if active:
                for min_col, _min_row, max_col, _max_row, value in active:
                    if len(values) < max_col:
                        values.extend([None] * (max_col - len(values)))
                    for column in range(min_col, max_col + 1):
                        values[column - 1] = value
                active = [r for r in active if r[3] > number]
            yield values, own


def _header_row(
    rows: Iterator[tuple[list[Any], tuple[Any, ...]]], is_header: Callable[[list[str]], bool] | None
) -> tuple[list[Any] | None, int, list[str], Iterator[tuple[list[Any], tuple[Any, ...]]]]:
    """(the header row, its Excel row number, the text of the rows above it, the rows after it)."""
    first = next(rows, None)
    if first is None:
        return None, 1, [], rows
    if is_header is None:
        return first[0], 1, [], rows
    seen = [first]
    while True:
        if is_header([str(_clean(v) or "") for v in seen[-1][0]]):
            above = [" ".join(str(v) for v in own if _clean(v) is not None) for _values, own in seen[:-1]]
            return seen[-1][0], len(seen), [t for t in above if t], rows
        following = next(rows, None) if len(seen) < HEADER_SEARCH_ROWS else None
        if following is None:
            # No row looks like the header: the first one is (the importer then names the missing columns).
            return first[0], 1, [], itertools.chain(seen[1:], rows)
        seen.append(following)


def as_date(value: Any) -> dt.date | None:
    """A cell value as a date when Excel stored it as one (datetime cells → their date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
