"""Photos from phones and handlers: checked by content, re-encoded without EXIF, stored once.

The case loop calls `process_photo` on every upload (report photos, after-photos) and
`save_photo` to store the result. Nothing here trusts the file name or the client's content
type: the bytes are opened with Pillow and must decode as JPEG, PNG or HEIC/HEIF. The stored
derivatives are fresh JPEGs (upright, sRGB, at most 2560 px, and a 320 px thumbnail) that
carry no EXIF, so a photo shared from a case never leaks the phone's metadata; the GPS
position and the time taken are read from the original first and returned as plain values.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from chuangcheng.core.errors import DomainError
from chuangcheng.core.geo import in_china
from chuangcheng.core.uploads import display_name, hides_archive, read_limited, save_once

# Once per process, at import: iPhones and many Android phones shoot HEIC.
pillow_heif.register_heif_opener()

# Pillow's format names. Phone JPEGs that carry a second picture (depth map, HDR gain map)
# open as "MPO", which is a JPEG file whose first frame is the photo.
ALLOWED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "HEIF"})
MAX_EDGE = 2560
THUMB_EDGE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 80

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME = 0x0132
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoRejected(DomainError):
    """An upload that is not a photo we accept; the message names the file."""


@dataclass(frozen=True)
class ProcessedPhoto:
    """A checked upload: its identity, the clean derivatives, and what its EXIF said."""

    original_name: str
    sha256: str  # of the uploaded bytes, so the same upload always maps to the same files
    width: int  # of the re-encoded, upright JPEG
    height: int
    jpeg: ContentFile
    thumbnail: ContentFile
    gps: tuple[float, float] | None  # (lon, lat) WGS84, see `gps_from_exif`
    taken_at: datetime | None  # aware


def process_photo(upload: File) -> ProcessedPhoto:
    """Check an uploaded file and re-encode it; raises PhotoRejected with a Chinese message."""
    name = display_name(upload)
    limit = settings.PHOTO_MAX_BYTES
    data = read_limited(upload, limit, lambda size: _too_large(name, size, limit))
    if not data:
        raise PhotoRejected(_("照片“%(name)s”是空文件，请重新选择。") % {"name": name}, code="photo_invalid")
    if hides_archive(data):
        message = _("文件“%(name)s”内还藏有一个压缩包（伪装文件），请上传原始照片。") % {"name": name}
        raise PhotoRejected(message, code="photo_polyglot")
    image = _decode(data, name)
    exif = image.getexif()
    full = _shrink(_upright_srgb(image), MAX_EDGE)
    thumb = _shrink(full, THUMB_EDGE)
    sha256 = hashlib.sha256(data).hexdigest()
    return ProcessedPhoto(
        original_name=name,
        sha256=sha256,
        width=full.width,
        height=full.height,
        jpeg=_encode(full, f"{sha256}.jpg", JPEG_QUALITY),
        thumbnail=_encode(thumb, f"{sha256}_thumb.jpg", THUMB_QUALITY),
        gps=gps_from_exif(exif),
        taken_at=taken_at_from_exif(exif),
    )


def save_photo(processed: ProcessedPhoto, *, prefix: str) -> tuple[str, str]:
    """Store both derivatives in default_storage; returns (path, thumb_path).

    Names are content-addressed (`prefix/YYYY/MM/ab/<sha256>.jpg`, the month being the
    current local one), so the same bytes uploaded again in the same month, e.g. a retried
    submission from a phone, reuse the stored files instead of adding copies.
    """
    stem = photo_stem(processed.sha256, prefix=prefix)
    path = save_once(f"{stem}.jpg", processed.jpeg)
    thumb_path = save_once(f"{stem}_thumb.jpg", processed.thumbnail)
    return path, thumb_path


def photo_stem(sha256: str, *, prefix: str) -> str:
    return f"{prefix.strip('/')}/{timezone.localdate():%Y/%m}/{sha256[:2]}/{sha256}"


# --- checking --------------------------------------------------------------------------------


def _too_large(name: str, size: int, limit: int) -> PhotoRejected:
    message = _("照片“%(name)s”太大（%(size)s），单张不能超过 %(limit)s。") % {
        "name": name,
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }
    return PhotoRejected(message, code="photo_too_large")


def _decode(data: bytes, name: str) -> Image.Image:
    """Open, check format and pixel count from the header, verify, then decode the pixels."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            _check_header(probe, name)
            probe.verify()
        image = Image.open(io.BytesIO(data))
        # JPEG only: let libjpeg decode at a reduced scale that still covers MAX_EDGE.
        image.draft("RGB", (MAX_EDGE, MAX_EDGE))
        image.load()
    except PhotoRejected:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, None) from None
    # Hostile input makes decoders raise almost anything (OSError, SyntaxError, struct.error…);
    # all of it means the same thing to the person uploading.
    except Exception:
        raise _not_a_photo(name) from None
    return image


def _check_header(image: Image.Image, name: str) -> None:
    if image.format not in ALLOWED_FORMATS:
        message = _("文件“%(name)s”是 %(format)s 格式，只接受 JPEG、PNG、HEIC 格式的照片。") % {
            "name": name,
            "format": image.format,
        }
        raise PhotoRejected(message, code="photo_format")
    if image.width * image.height > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels(name, image.size)


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> PhotoRejected:
    limit = settings.PHOTO_MAX_PIXELS / 10_000
    if size is None:
        message = _("照片“%(name)s”像素过多，单张不能超过 %(limit)d 万像素。") % {"name": name, "limit": limit}
    else:
        message = _("照片“%(name)s”像素过多（%(width)d×%(height)d），单张不能超过 %(limit)d 万像素。") % {
            "name": name,
            "width": size[0],
            "height": size[1],
            "limit": limit,
        }
    return PhotoRejected(message, code="photo_too_many_pixels")


def _not_a_photo(name: str) -> PhotoRejected:
    message = _("文件“%(name)s”不是照片或已损坏，只接受完整的 JPEG、PNG、HEIC 格式照片。") % {"name": name}
    return PhotoRejected(message, code="photo_invalid")


# --- re-encoding -----------------------------------------------------------------------------


def _upright_srgb(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation and bring the pixels to plain sRGB without transparency."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        upright = Image.new("RGB", rgba.size, "white")
        upright.paste(rgba, mask=rgba.getchannel("A"))
    return _to_srgb(upright)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Colour-manage into sRGB (iPhones shoot Display P3), so the JPEG needs no ICC profile."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in {"RGB", "CMYK", "L"}:
        try:
            converted = ImageCms.profileToProfile(image, io.BytesIO(icc), _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken profile: plain conversion below is the best we can do
        if converted is not None:
            return converted
    return image.convert("RGB")


def _shrink(image: Image.Image, edge: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return copy


def _encode(image: Image.Image, name: str, quality: int) -> ContentFile:
    # Only what is passed here is written: no exif=, xmp= or icc_profile=, so no metadata.
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


# --- what the EXIF says ----------------------------------------------------------------------


def gps_from_exif(exif: Image.Exif) -> tuple[float, float] | None:
    """(lon, lat) in decimal degrees from the GPS IFD, or None when it is absent or unusable.

    EXIF GPS is WGS84 by the standard. None is returned for missing or malformed values,
    a missing N/S/E/W reference, and any point outside China: the position only pre-fills
    a case's location, and a point outside China (including the 0,0 that phones without a
    fix write) would only ever pre-fill a wrong one.
    """
    gps = exif.get_ifd(_GPS_IFD)
    lat = _degrees(gps.get(_GPS_LAT), gps.get(_GPS_LAT_REF), positive="N", negative="S")
    lon = _degrees(gps.get(_GPS_LON), gps.get(_GPS_LON_REF), positive="E", negative="W")
    if lat is None or lon is None or not in_china(lon, lat):
        return None
    return lon, lat


def _degrees(value: Any, ref: Any, *, positive: str, negative: str) -> float | None:
    """Degrees, minutes, seconds (rationals) and a hemisphere letter to signed decimal degrees."""
    parts = _floats(value if isinstance(value, tuple) else (value,))
    if parts is None or not 1 <= len(parts) <= 3 or any(p >= 60 for p in parts[1:]):
        return None
    hemisphere = _text(ref).upper()
    if hemisphere not in {positive, negative}:
        return None
    degrees = sum(part / 60**i for i, part in enumerate(parts))
    return -degrees if hemisphere == negative else degrees


def _floats(values: tuple[Any, ...]) -> list[float] | None:
    try:
        parts = [float(v) for v in values]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    # A zero denominator reads as NaN.
    return parts if all(math.isfinite(p) and p >= 0 for p in parts) else None


def taken_at_from_exif(exif: Image.Exif) -> datetime | None:
    """When the photo was taken: DateTimeOriginal (else DateTime), as an aware datetime.

    Without an OffsetTimeOriginal the time is taken to be the county's local time (phones
    write their clock's wall time). A camera with an unset clock writes zeros: None.
    """
    exif_ifd = exif.get_ifd(_EXIF_IFD)
    raw = _text(exif_ifd.get(_DATETIME_ORIGINAL)) or _text(exif.get(_DATETIME))
    try:
        naive = datetime.strptime(raw, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = _utc_offset(_text(exif_ifd.get(_OFFSET_TIME_ORIGINAL)))
    if offset is not None:
        return naive.replace(tzinfo=offset)
    return timezone.make_aware(naive)


def _utc_offset(raw: str) -> dt_timezone | None:
    try:
        parsed = datetime.strptime(raw, "%z")  # accepts "+08:00"
    except ValueError:
        return None
    delta = parsed.utcoffset() or timedelta(0)
    return dt_timezone(delta)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    return value.strip("\x00 ") if isinstance(value, str) else ""
