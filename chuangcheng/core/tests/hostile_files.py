"""Hostile files, built small and fast in the test itself: zip bombs, huge sheets, XML entity bombs,
renamed programs, a polyglot, an empty and a truncated file, a 144-megapixel PNG, GeoJSON bombs.

Bombs are written streaming with zipfile/zlib, so neither building nor holding one costs more
than a few megabytes; each builder is cached, the sweep sends the same bytes to every endpoint.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
_REL_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
ROOT_RELS = _RELS + b'<Relationship Id="rId1" Type="' + _REL_TYPE + b'officeDocument" Target="xl/workbook.xml"/>'
ROOT_RELS += b"</Relationships>"
WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = _RELS + b'<Relationship Id="rId1" Type="' + _REL_TYPE + b'worksheet" Target="worksheets/sheet1.xml"/>'
WORKBOOK_RELS += b"</Relationships>"
SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8"?>'
SHEET_OPEN += b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
MB = 1024 * 1024


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _row(number: int, *texts: str) -> bytes:
    cells = b"".join(_cell(f"{chr(65 + i)}{number}", t) for i, t in enumerate(texts))
    return f'<row r="{number}">'.encode() + cells + b"</row>"


def raw_xlsx(
    sheet_body: bytes | None = None, *, dimension: str = "", extra: dict[str, bytes] | None = None, sheet: bytes = b""
) -> bytes:
    """A minimal .xlsx written by hand, so a sheet can say (or hold) what no spreadsheet program writes.

    ``sheet`` replaces the whole sheet part; ``extra`` parts are added.
    """
    if sheet_body is None:
        sheet_body = _row(1, "编码", "名称") + _row(2, "S001", "人民路")
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        body = SHEET_OPEN + dim + b"<sheetData>" + sheet_body + b"</sheetData></worksheet>"
        archive.writestr("xl/worksheets/sheet1.xml", sheet or body)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def zip_bomb(megabytes: int = 300) -> bytes:
    """A valid small workbook plus a member of ``megabytes`` MB of zeros: about 300 KB on the wire."""
    buffer = io.BytesIO(raw_xlsx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("xl/media/image1.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = bytes(MB)
            for _n in range(megabytes):
                member.write(block)
    return buffer.getvalue()


@functools.cache
def many_rows(rows: int = 200_000, *, utf16: bool = False) -> bytes:
    """A sheet of ``rows`` data rows and no <dimension> (as streaming writers leave it).

    ``utf16`` writes the sheet's XML in UTF-16, which a byte scan for "<row" cannot read: only
    counting the rows as openpyxl reads them sees how many there are.
    """
    body = b"".join(_row(n, f"S{n:06d}", "人民路") for n in range(1, rows + 2))
    if not utf16:
        return raw_xlsx(body)
    xml = SHEET_OPEN.replace(b"UTF-8", b"UTF-16") + b"<sheetData>" + body + b"</sheetData></worksheet>"
    return raw_xlsx(sheet=xml.decode().encode("utf-16"))


def declared_rows(rows: int = 200_000) -> bytes:
    """A sheet whose <dimension> claims ``rows`` rows: refused before one row is read."""
    return raw_xlsx(dimension=f"A1:B{rows + 1}")


def wide() -> bytes:
    """A header row reaching column KN (300): more columns than any import has."""
    header = _row(1, "编码", "名称").replace(b"</row>", _cell("KN1", "备注") + b"</row>")
    return raw_xlsx(header + _row(2, "S001", "人民路"))


def many_members(count: int = 5000) -> bytes:
    return raw_xlsx(extra={f"xl/media/m{n}.bin": b"x" for n in range(count)})


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


def laughs_xlsx() -> bytes:
    """Billion laughs in the sheet: nine levels of ten entities each expand to a billion "lol"s."""
    sheet = _LAUGHS + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    sheet += b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    buffer = io.BytesIO(raw_xlsx())
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return out.getvalue()


def laughs_docx() -> bytes:
    """Billion laughs in a Word document's body."""
    document = _LAUGHS + b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    document += b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace(b"xl/workbook", b"word/document"))
        archive.writestr("_rels/.rels", ROOT_RELS.replace(b"xl/workbook", b"word/document"))
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(200)


def pe() -> bytes:
    """The start of a Windows program (MZ header, DOS stub)."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 3
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """A valid greyscale PNG, its rows of zeros compressed streaming (144 MP is about 150 KB)."""
    compressor = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte 0, then the pixels
    idat = b"".join(compressor.compress(row) for _n in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


@functools.cache
def huge_png() -> bytes:
    return png(12_000, 12_000)


def polyglot() -> bytes:
    """A real small PNG with a zip archive (holding a program) appended: shown by a viewer, unpacked by an unzipper."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", pe())
    return png(16, 16) + buffer.getvalue()


def truncated() -> bytes:
    whole = raw_xlsx()
    return whole[: len(whole) // 2]


def deep_geojson(depth: int = 100_000) -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"


def many_features(count: int) -> bytes:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.3, 34.8]}, "properties": {}}
    return json.dumps({"type": "FeatureCollection", "features": [feature] * count}).encode()


def big_geojson(size: int) -> bytes:
    """A FeatureCollection of ``size`` bytes or a little more (a long description pads one feature)."""
    feature = {"type": "Feature", "geometry": None, "properties": {"名称": "x" * size}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
