"""Small helpers over openpyxl: write a sheet from a header and rows, read rows back by header.

Writes use openpyxl's write-only mode so an export of 100k rows streams to a temporary file
instead of building every cell object in memory; reads use read-only mode for the same reason.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

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


def value_cell(ws: Any, value: Any, *, alignment: Alignment | None = None) -> Any:
    """What every export writes for ``value``: text stays text, dates get a date format.

    Every cell of every export goes through here (or ``as_cell``), so a description like
    ``=HYPERLINK(…)`` is written as a string cell holding exactly what was typed (an import of
    the export reads the same text back), never as a live formula. Numbers stay numbers.
    """
    if isinstance(value, Cell):
        return value  # already made (and styled) by the caller
    plain_text = isinstance(value, str) and not value.startswith(FORMULA_STARTS)
    if alignment is None and (value is None or plain_text or type(value) in (int, float, bool)):
        return value  # the common case stays a bare value: openpyxl writes it as is, fast
    return as_cell(ws, value, alignment=alignment)


def as_cell(ws: Any, value: Any, *, alignment: Alignment | None = None) -> WriteOnlyCell:
    """``value`` as a cell (to be styled by the caller), strings always as string cells."""
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
    """Raise ``NotAWorkbook`` unless ``data`` looks like an .xlsx (a zip with a workbook part)."""
    if data.startswith(OLE2_MAGIC):
        raise NotAWorkbook("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再上传")
    if not data.startswith(XLSX_MAGIC):
        raise NotAWorkbook("文件不是有效的 Excel（.xlsx）文件")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise NotAWorkbook("文件不是有效的 Excel（.xlsx）文件：压缩包已损坏") from None
    if "xl/workbook.xml" not in names:
        raise NotAWorkbook("文件是压缩包，但不是 Excel（.xlsx）工作簿")


def read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The first sheet's header and an iterator of (Excel row number, {header: value}).

    Strings are stripped (empty → None), fully empty rows are skipped, and row numbers are
    the ones Excel shows, so error reports point at the right line.
    """
    check_xlsx_bytes(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NotAWorkbook(f"无法读取 Excel 文件：{exc}") from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    header = [str(_clean(v) or "") for v in (first or ())]

    def body() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, values in enumerate(rows, start=2):
                cleaned = [_clean(v) for v in values]
                if all(v is None for v in cleaned):
                    continue
                yield number, {h: v for h, v in zip(header, cleaned, strict=False) if h}
        finally:
            workbook.close()

    return header, body()


def as_date(value: Any) -> dt.date | None:
    """A cell value as a date when Excel stored it as one (datetime cells → their date)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
