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
