"""Small real files for the evidence tests: PDF, Word, Excel, a legacy OLE2 .doc, images, an .exe."""

from __future__ import annotations

import io
import struct

import docx
import openpyxl

from chuangcheng.conftest import jpeg_bytes  # noqa: F401  (re-exported for the tests)

from .conftest import pdf_bytes  # noqa: F401  (re-exported for the tests)


def docx_bytes(text: str = "创建工作方案") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["点位", "完成情况"])
    workbook.active.append(["人民路", "已完成"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    return buffer.getvalue()


_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", _FREE, _FREE, child)
        + b"\x00" * 16
        + struct.pack("<I", 0)
        + b"\x00" * 16
        + struct.pack("<IQ", start, size)
    )


def ole_bytes(stream: str = "WordDocument") -> bytes:
    """A minimal valid compound file (as Word 97–2003 writes .doc) with one 4 KiB stream."""
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    fat = [_FAT, _END, *range(3, 10), _END]
    fat_sector = b"".join(struct.pack("<I", v) for v in fat + [_FREE] * (128 - len(fat)))
    directory = (
        _dir_entry("Root Entry", 5, 1, _END, 0)
        + _dir_entry(stream, 2, _FREE, 2, 4096)
        + _dir_entry("", 0, _FREE, _FREE, 0) * 2
    )
    return header + fat_sector + directory + b"\x00" * 4096


def exe_bytes() -> bytes:
    """The start of a Windows program (MZ header, DOS stub)."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 4
    )
