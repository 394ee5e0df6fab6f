"""Evidence files (佐证材料): checked by content, stored privately, served only through access checks.

Units prove their progress with scans, photos, Word/Excel/WPS documents and PDFs. Nothing here
trusts the file name or the client's content type: the first bytes decide what a file is.

* PDF: ``%PDF-`` near the start.
* OOXML (Word/Excel/PowerPoint 2007+, and WPS saving in those formats): a zip holding
  ``[Content_Types].xml`` and a ``word/``, ``xl/`` or ``ppt/`` part. Macro projects are refused.
* OFD (the national e-document format): a zip holding ``OFD.xml``.
* Legacy Office and WPS (.doc/.xls/.ppt/.wps/.et/.dps): an OLE2 compound file (header
  ``D0CF11E0A1B11AE1``) whose directory names the ``WordDocument``, ``Workbook``/``Book`` or
  ``PowerPoint Document`` stream. Other OLE2 files (installers, Outlook items) are refused.
* Images: opened with Pillow like ``core.photos`` (JPEG, PNG, HEIC).

What a file costs its readers is bounded before it is accepted: an OOXML/OFD zip within the
unpacked-size, member and ratio limits with no DTD in its XML (``core.uploads.check_zip``), an
image within EVIDENCE_MAX_PIXELS read from its header, and no archive hidden behind a PDF or an
image (a polyglot).

Within a kind the extension only picks the label ("wps" rather than "doc" for a Kingsoft
file): an .exe renamed .pdf is still an executable and is refused.

Stored files live under ``evidence/`` in default storage. That folder is private: it must
not be reachable through the public media URL, only through a view that checks access
(``indicators.selectors.get_evidence_for_user``).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from chuangcheng.core import photos  # noqa: F401  (registers the HEIC opener with Pillow)
from chuangcheng.core.errors import DomainError
from chuangcheng.core.uploads import UnsafeFile, check_zip, display_name, hides_archive, read_limited, save_once

PREFIX = "evidence"
IMAGE_TYPES = frozenset({"jpeg", "png", "heic"})

# label → (stored extension, content type served on download)
FILE_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "ofd": ("ofd", "application/ofd"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "doc": ("doc", "application/msword"),
    "xls": ("xls", "application/vnd.ms-excel"),
    "ppt": ("ppt", "application/vnd.ms-powerpoint"),
    "wps": ("wps", "application/vnd.ms-works"),
    "et": ("et", "application/vnd.ms-excel"),
    "dps": ("dps", "application/vnd.ms-powerpoint"),
    "jpeg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
    "heic": ("heic", "image/heic"),
}

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
# OLE2 directory entries hold their names in UTF-16LE; these streams say which program wrote it.
_OLE_STREAMS: tuple[tuple[str, bytes], ...] = (
    ("word", "WordDocument".encode("utf-16-le")),
    ("excel", "Workbook".encode("utf-16-le")),
    ("excel", "Book\x00".encode("utf-16-le")),  # Excel 5/95 workbooks
    ("powerpoint", "PowerPoint Document".encode("utf-16-le")),
)
# kind → (default label, {extension: label} for the WPS Office variants)
_KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "ooxml-word": ("docx", {"wps": "wps"}),
    "ooxml-excel": ("xlsx", {"et": "et"}),
    "ooxml-powerpoint": ("pptx", {"dps": "dps"}),
    "word": ("doc", {"wps": "wps"}),
    "excel": ("xls", {"et": "et"}),
    "powerpoint": ("ppt", {"dps": "dps"}),
}
_IMAGE_FORMATS = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "HEIF": "heic"}


class EvidenceRejected(DomainError):
    """An upload we do not accept as evidence; the message names the file."""


@dataclass(frozen=True)
class EvidenceUpload:
    """A checked upload: what it is by content, its identity and its bytes."""

    name: str  # the uploaded base name, shown to people
    file_type: str  # a FILE_TYPES label: "pdf", "docx", "wps", "jpeg"…
    size: int
    sha256: str
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.file_type in IMAGE_TYPES

    @property
    def extension(self) -> str:
        return FILE_TYPES[self.file_type][0]

    @property
    def content_type(self) -> str:
        return FILE_TYPES[self.file_type][1]


def check_evidence(upload: File) -> EvidenceUpload:
    """Read and check one upload; raises EvidenceRejected with a Chinese message naming the file."""
    name = display_name(upload)
    limit = settings.EVIDENCE_MAX_BYTES
    data = read_limited(upload, limit, lambda size: _too_large(name, size, limit))
    if not data:
        raise EvidenceRejected(_("文件“%(name)s”是空文件，请重新选择。") % {"name": name}, code="evidence_empty")
    file_type = detect_type(data, name)
    return EvidenceUpload(
        name=name, file_type=file_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data
    )


def detect_type(data: bytes, name: str) -> str:
    """The FILE_TYPES label of ``data``, decided by its bytes; raises EvidenceRejected."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data[:2] == b"MZ" or data[:4] in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf"):
        raise EvidenceRejected(
            _("文件“%(name)s”是可执行程序，不能作为佐证材料。") % {"name": name}, code="evidence_executable"
        )
    if data.startswith(_ZIP_MAGIC):
        kind = _zip_kind(data, name)
        return "ofd" if kind == "ofd" else _label(kind, extension)
    if hides_archive(data):
        raise EvidenceRejected(
            _("文件“%(name)s”内还藏有一个压缩包（伪装文件），不能作为佐证材料。") % {"name": name},
            code="evidence_polyglot",
        )
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE2_MAGIC):
        return _label(_ole_kind(data, name), extension)
    image = _image_type(data, name)
    if image is not None:
        return image
    raise _unsupported(name)


def _label(kind: str, extension: str) -> str:
    default, variants = _KINDS[kind]
    return variants.get(extension, default)


def _zip_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            # Office files are zips: what they unpack to is bounded like an import's (nobody unpacks
            # them here, but a download would hand the bomb to every reader).
            check_zip(archive)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        if isinstance(exc, UnsafeFile):
            raise EvidenceRejected(
                _("文件“%(name)s”：%(reason)s") % {"name": name, "reason": exc}, code="evidence_unsafe"
            ) from None
        raise _damaged(name) from None
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" not in names:
        raise EvidenceRejected(
            _("文件“%(name)s”是压缩包，请解压后上传其中的文件。") % {"name": name}, code="evidence_archive"
        )
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise EvidenceRejected(
            _("文件“%(name)s”含有宏，请另存为不含宏的文档后再上传。") % {"name": name}, code="evidence_macro"
        )
    for prefix, kind in (("word/", "ooxml-word"), ("xl/", "ooxml-excel"), ("ppt/", "ooxml-powerpoint")):
        if any(n.startswith(prefix) for n in names):
            return kind
    raise _unsupported(name)


def _ole_kind(data: bytes, name: str) -> str:
    # The directory usually sits in the first sectors; a whole-file scan is bounded by the size limit.
    for kind, stream in _OLE_STREAMS:
        if stream in data:
            return kind
    raise _unsupported(name)


def _image_type(data: bytes, name: str) -> str | None:
    """The image label of ``data``, the pixel count checked from the header (Image.open decodes nothing)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            label = _IMAGE_FORMATS.get(probe.format or "")
            if probe.width * probe.height > settings.EVIDENCE_MAX_PIXELS:
                raise _too_many_pixels(name, probe.size)
            probe.verify()
    except EvidenceRejected:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, None) from None
    # Hostile input makes decoders raise almost anything; all of it means "not an image we take".
    except Exception:
        return None
    return label


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> EvidenceRejected:
    shown = f"（{size[0]}×{size[1]}）" if size else ""
    message = _("图片“%(name)s”像素过多%(size)s，单张不能超过 %(limit)d 万像素。") % {
        "name": name,
        "size": shown,
        "limit": settings.EVIDENCE_MAX_PIXELS // 10_000,
    }
    return EvidenceRejected(message, code="evidence_too_many_pixels")


def _too_large(name: str, size: int, limit: int) -> EvidenceRejected:
    message = _("文件“%(name)s”太大（%(size)s），单个文件不能超过 %(limit)s。") % {
        "name": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }
    return EvidenceRejected(message, code="evidence_too_large")


def _damaged(name: str) -> EvidenceRejected:
    return EvidenceRejected(_("文件“%(name)s”已损坏，无法打开。") % {"name": name}, code="evidence_damaged")


def _unsupported(name: str) -> EvidenceRejected:
    message = _(
        "文件“%(name)s”的格式不受支持，只接受 PDF、OFD、Word、Excel、PPT、WPS 文档和 JPEG、PNG、HEIC 图片。"
    ) % {"name": name}
    return EvidenceRejected(message, code="evidence_format")


# --- storing ---------------------------------------------------------------------------------


def evidence_path(upload: EvidenceUpload) -> str:
    """Content-addressed: ``evidence/YYYY/MM/ab/<sha256>.<ext>`` (the month being the current local one)."""
    return f"{PREFIX}/{timezone.localdate():%Y/%m}/{upload.sha256[:2]}/{upload.sha256}.{upload.extension}"


def save_evidence(upload: EvidenceUpload) -> str:
    """Store the bytes once in default storage and return the path (the same bytes reuse the file)."""
    return save_once(evidence_path(upload), ContentFile(upload.data))


def content_type_of(file_type: str) -> str:
    """The content type a download of a stored file of this label is served with."""
    return FILE_TYPES.get(file_type, ("", "application/octet-stream"))[1]
