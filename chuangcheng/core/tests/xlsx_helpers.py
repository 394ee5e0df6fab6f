"""Builders of one-sheet workbooks for the import tests of every app."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """A workbook whose first sheet holds ``header`` and then ``rows``, as people fill it in Excel."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(header: list[str], rows: list[list[Any]], name: str = "data.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(header, rows))


def human_sheet(rows: list[list[Any]], *, merges: tuple[str, ...] = (), date_cells: tuple[str, ...] = ()) -> bytes:
    """A sheet as an office makes it by hand: ``rows`` from row 1 (title rows, header, data, notes),
    ``merges`` like "B4:B9" (the value is written in the top-left cell only, as Excel keeps it),
    ``date_cells`` formatted as dates."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell in date_cells:
        sheet[cell].number_format = "yyyy/m/d"
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def restyle(data: bytes, *, strings: str = "inline", dates: str = "cell") -> bytes:
    """The same workbook written the other ways spreadsheet programs do.

    ``strings``: "shared" (Excel: text in xl/sharedStrings.xml) or "inline" (WPS, openpyxl).
    ``dates``: "cell" (as written), "number" (a bare day number, the date format lost) or "text" ("2026-05-31").
    """
    import datetime as dt
    import re
    import zipfile
    from xml.sax.saxutils import escape

    source = zipfile.ZipFile(BytesIO(data))
    names = source.namelist()
    table: list[bytes] = []
    if "xl/sharedStrings.xml" in names:
        shared = re.findall(rb"<si>(.*?)</si>", source.read("xl/sharedStrings.xml"), re.S)
        table = [b"".join(re.findall(rb"<t[^>]*>(.*?)</t>", si, re.S)) for si in shared]
    new_table: list[bytes] = []

    def text_cell(ref: bytes, text: bytes) -> bytes:
        if strings == "shared":
            new_table.append(text)
            return b'<c r="' + ref + b'" t="s"><v>' + str(len(new_table) - 1).encode() + b"</v></c>"
        return b'<c r="' + ref + b'" t="inlineStr"><is><t>' + text + b"</t></is></c>"

    def cell(match: re.Match) -> bytes:
        attrs, body = match.group(1), match.group(2)
        ref = re.search(rb'r="([A-Z]+\d+)"', attrs).group(1)  # type: ignore[union-attr]
        if b't="s"' in attrs:
            return text_cell(ref, table[int(re.search(rb"<v>(.*?)</v>", body).group(1))])  # type: ignore[union-attr]
        if b't="inlineStr"' in attrs:
            return text_cell(ref, b"".join(re.findall(rb"<t[^>]*>(.*?)</t>", body, re.S)))
        value = re.search(rb"<v>(.*?)</v>", body)
        if value and b' s="' in attrs and dates != "cell" and 20000 <= float(value.group(1)) <= 80000:
            if dates == "text":
                day = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(value.group(1))))
                return text_cell(ref, escape(day.isoformat()).encode())
            return b'<c r="' + ref + b'"><v>' + value.group(1) + b"</v></c>"
        return match.group(0)

    sheets = {}
    for name in names:
        if name.startswith("xl/worksheets/sheet"):
            sheets[name] = re.sub(rb"<c ([^>]*)>(.*?)</c>", cell, source.read(name), flags=re.S)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            content = sheets.get(name) or source.read(name)
            if name == "xl/sharedStrings.xml":
                continue
            if name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                content = re.sub(rb"<(Override|Relationship)[^>]*sharedStrings[^>]*/>", b"", content)
                if strings == "shared" and name == "[Content_Types].xml":
                    content = content.replace(
                        b"</Types>",
                        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                    )
                if strings == "shared" and name == "xl/_rels/workbook.xml.rels":
                    content = content.replace(
                        b"</Relationships>",
                        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdS"/></Relationships>',
                    )
            target.writestr(name, content)
        if strings == "shared":
            items = b"".join(b'<si><t xml:space="preserve">' + t + b"</t></si>" for t in new_table)
            target.writestr(
                "xl/sharedStrings.xml",
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
                + str(len(new_table)).encode()
                + b'">'
                + items
                + b"</sst>",
            )
    return out.getvalue()
