"""Download responses: the attachment header, the time stamp in file names, .xlsx from bytes or a spool."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from chuangcheng.core.xlsx import XLSX_CONTENT_TYPE


def stamp() -> str:
    """The local time for a download's file name, e.g. 20260501-0930."""
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def attachment(filename: str) -> str:
    return content_disposition_header(as_attachment=True, filename=filename) or "attachment"


def xlsx_download(data: bytes, filename: str) -> HttpResponse:
    """A small workbook already in memory (templates, a framework) as a download."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(filename)
    return response


def spooled_xlsx(write: Callable[[IO[bytes]], None], filename: str) -> FileResponse:
    """A workbook that ``write`` puts into a temporary file, so a big export streams from disk."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def private_photo(path: str) -> FileResponse:
    """A stored photo (JPEG) for a view that has checked who may see it: 404 when the file is gone, and
    never kept by a shared cache (cases' and inspections' photos)."""
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("照片文件不存在")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response
