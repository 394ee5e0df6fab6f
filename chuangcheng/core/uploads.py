"""What every upload check starts with: the name to show the user, the bytes within a limit, and
what unpacking them may cost (zip archives: .xlsx imports, Office evidence).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _


def display_name(upload: File) -> str:
    # Uploaded names are already reduced to a base name by Django; plain Files may hold a path.
    return (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1] or _("未命名文件")


def read_limited(upload: File, limit: int, too_large: Callable[[int], Exception]) -> bytes:
    """The upload's bytes, refusing before anything is decoded if there are more than ``limit``.

    ``too_large(size)`` builds the error the caller's users should read.
    """
    if upload.size is not None and upload.size > limit:
        raise too_large(upload.size)
    upload.seek(0)
    data = upload.read(limit + 1)  # never trust .size alone: read at most one byte too many
    if len(data) > limit:
        raise too_large(len(data))
    return data


class UnsafeFile(ValueError):
    """Refused before parsing: unpacking or reading it would cost a worker too much, or it hides
    something. The message is Chinese, a whole sentence that names the limit."""


# Members smaller than this unpacked are not held to the ratio: tiny XML parts compress very well.
_RATIO_FLOOR = 1024 * 1024
# An XML part's prologue (declaration, comments) fits in this; the root element starts within it.
_XML_HEAD = 4096


def size_text(size: int) -> str:
    """A limit or a size as the messages say it: "50 MB", "1.5 MB", "512 KB"."""
    if size >= 1024 * 1024:
        return f"{round(size / 1024 / 1024, 1):g} MB"
    return f"{round(size / 1024):g} KB"


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that unpacks to too much, before any reader (openpyxl included) opens a member.

    The declared sizes can be trusted as a bound: Python's zipfile never returns more than a
    member's ``file_size`` (it stops there and fails the CRC check).
    """
    members = archive.infolist()
    if len(members) > settings.UPLOAD_MAX_ZIP_MEMBERS:
        raise UnsafeFile(
            _("压缩包内文件超过 %(limit)d 个，可能是恶意文件，已拒绝") % {"limit": settings.UPLOAD_MAX_ZIP_MEMBERS}
        )
    if sum(m.file_size for m in members) > settings.UPLOAD_MAX_UNZIPPED_BYTES:
        limit = size_text(settings.UPLOAD_MAX_UNZIPPED_BYTES)
        raise UnsafeFile(_("文件解压后超过 %(limit)s，可能是压缩炸弹，已拒绝") % {"limit": limit})
    ratio = settings.UPLOAD_MAX_ZIP_RATIO
    if any(m.file_size > max(_RATIO_FLOOR, m.compress_size * ratio) for m in members):
        raise UnsafeFile(_("文件压缩比超过 %(ratio)d 倍，可能是压缩炸弹，已拒绝") % {"ratio": ratio})
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            _check_xml_prologue(archive, member)


def _check_xml_prologue(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Office XML never declares a DTD; one that does may expand entities (billion laughs)."""
    try:
        with archive.open(member) as handle:
            head = handle.read(_XML_HEAD)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, RuntimeError, ValueError):
        raise UnsafeFile(_("压缩包已损坏，无法读取")) from None
    encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    text = head.decode(encoding, errors="ignore").lower()
    root = next((i for i, ch in enumerate(text) if ch == "<" and text[i + 1 : i + 2].isalpha()), None)
    before_root = text if root is None else text[:root]
    if "<!doctype" in before_root or "<!entity" in before_root or (root is None and len(head) == _XML_HEAD):
        raise UnsafeFile(_("文件中的 XML 含有 DTD 或实体声明，可能是恶意文件（实体膨胀），已拒绝"))


def hides_archive(data: bytes) -> bool:
    """Whether bytes that are not a zip at the start still end like one.

    That is a polyglot: an image or a PDF with an archive attached, which one program shows and another unpacks.
    """
    return not data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(io.BytesIO(data))


def save_once(name: str, content: ContentFile) -> str:
    """Store content-addressed bytes under ``name`` once; the same bytes again reuse the file."""
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, content)
    if saved != name and default_storage.exists(name):
        # Another request stored the same bytes between exists() and save(): keep one copy.
        default_storage.delete(saved)
    return name
