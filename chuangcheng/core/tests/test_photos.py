"""Photo intake: real images made with Pillow go through the checks, re-encoding and storage."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pillow_heif
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from chuangcheng.core.errors import DomainError
from chuangcheng.core.photos import PhotoRejected, gps_from_exif, process_photo, save_photo

GPS_IFD, EXIF_IFD = 0x8825, 0x8769
ORIENTATION = 0x0112
# 34°48'12.3456"N 114°18'1.23"E, a point in the county.
LAT = 34 + 48 / 60 + 12.3456 / 3600
LON = 114 + 18 / 60 + 1.23 / 3600


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHOTO_MAX_BYTES = 10 * 1024 * 1024
    settings.PHOTO_MAX_PIXELS = 60_000_000
    return settings.MEDIA_ROOT


def gradient(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> Image.Image:
    """A picture with detail (a flat colour would make truncation and resizing trivially pass)."""
    image = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (image, image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), image)).convert(mode)


def phone_exif(*, orientation: int = 1, lat: float = LAT, lon: float = LON) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Huawei"  # Make: must not survive either
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = ("N" if lat >= 0 else "S"), dms(abs(lat))
    gps[3], gps[4] = ("E" if lon >= 0 else "W"), dms(abs(lon))
    exif.get_ifd(EXIF_IFD)[0x9003] = "2026:03:14 09:30:15"
    return exif


def dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return float(degrees), float(minutes), (value - degrees - minutes / 60) * 3600


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def reopen(content: ContentFile) -> Image.Image:
    content.seek(0)
    return Image.open(io.BytesIO(content.read()))


# --- accepted formats ------------------------------------------------------------------------


def test_it_accepts_a_phone_jpeg_and_reads_its_gps_and_time() -> None:
    photo = process_photo(upload(encode(gradient(), "JPEG", exif=phone_exif())))

    assert photo.original_name == "IMG_0001.jpg"
    assert (photo.width, photo.height) == (400, 300)
    assert photo.gps is not None
    assert photo.gps[0] == pytest.approx(LON, abs=1e-6)
    assert photo.gps[1] == pytest.approx(LAT, abs=1e-6)
    assert photo.taken_at == datetime(2026, 3, 14, 1, 30, 15, tzinfo=UTC)  # 09:30:15 in Asia/Shanghai


def test_it_accepts_a_png_with_transparency_on_a_white_background() -> None:
    image = Image.new("RGBA", (200, 100), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 100, 100))

    photo = process_photo(upload(encode(image, "PNG"), "截图.png", "image/png"))

    out = reopen(photo.jpeg)
    assert out.format == "JPEG" and out.mode == "RGB"
    assert photo.gps is None and photo.taken_at is None
    r, g, b = out.getpixel((150, 50))  # was fully transparent
    assert min(r, g, b) > 240


def test_it_accepts_a_jpeg_that_pillow_opens_as_mpo() -> None:
    """Phone JPEGs with a depth map or gain map are MPO files; the first frame is the photo."""
    data = encode(gradient(), "MPO", save_all=True, append_images=[gradient((100, 75))])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    photo = process_photo(upload(data))

    assert (photo.width, photo.height) == (400, 300)


def test_the_heif_opener_is_registered_by_importing_the_module() -> None:
    assert "HEIF" in Image.OPEN
    assert Image.registered_extensions()[".heic"] == "HEIF"


def test_it_accepts_an_iphone_heic_with_its_gps() -> None:
    if not pillow_heif.libheif_info()["HEIF"]:
        pytest.skip("this libheif build has no HEIC encoder to make a test file with")
    data = encode(gradient(), "HEIF", quality=80, exif=phone_exif().tobytes())
    assert data[4:12] == b"ftypheic"

    photo = process_photo(upload(data, "IMG_4242.HEIC", "application/octet-stream"))

    assert (photo.width, photo.height) == (400, 300)
    assert reopen(photo.jpeg).format == "JPEG"
    assert photo.gps == pytest.approx((LON, LAT), abs=1e-6)
    assert photo.taken_at is not None


def test_a_photo_with_a_colour_profile_is_converted_to_srgb_and_the_profile_dropped() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGB", (50, 50), (200, 40, 40)), "PNG", icc_profile=srgb)

    photo = process_photo(upload(data, "p.png"))

    out = reopen(photo.jpeg)
    assert "icc_profile" not in out.info
    assert out.getpixel((25, 25)) == pytest.approx((200, 40, 40), abs=4)


def test_a_photo_with_a_broken_colour_profile_is_still_accepted() -> None:
    data = encode(Image.new("RGB", (50, 50), (200, 40, 40)), "JPEG", icc_profile=b"not an icc profile" * 10)

    photo = process_photo(upload(data))

    assert "icc_profile" not in reopen(photo.jpeg).info


# --- refused uploads -------------------------------------------------------------------------


def assert_refused(data: bytes, name: str, code: str, *, contains: str = "") -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(upload(data, name))
    error = caught.value
    assert isinstance(error, DomainError)
    assert error.code == code
    assert f"“{name}”" in error.message
    assert contains in error.message
    return error


def test_it_refuses_an_exe_renamed_jpg() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 2000 + b"This program cannot be run"

    error = assert_refused(exe, "现场照片.jpg", "photo_invalid")

    assert "JPEG、PNG、HEIC" in error.message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("路灯不亮，请尽快修理。".encode(), "note.jpg"),
        (b"", "empty.png"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "scan.heic"),
    ],
)
def test_it_refuses_files_that_are_not_images(data: bytes, name: str) -> None:
    assert_refused(data, name, "photo_invalid")


def test_it_refuses_a_gif_even_when_it_is_a_valid_image() -> None:
    assert_refused(encode(gradient(), "GIF"), "动图.jpg", "photo_format", contains="GIF")


def test_it_refuses_a_pdf_made_by_pillow() -> None:
    assert_refused(encode(gradient(), "PDF"), "report.jpg", "photo_invalid")


def test_it_refuses_a_truncated_jpeg() -> None:
    data = encode(gradient((800, 600)), "JPEG", quality=95)

    assert_refused(data[: len(data) // 2], "cut.jpg", "photo_invalid")


def test_it_refuses_a_png_with_a_corrupted_chunk() -> None:
    data = bytearray(encode(gradient(), "PNG"))
    data[60] ^= 0xFF  # inside the first IDAT: the CRC no longer matches

    assert_refused(bytes(data), "bad.png", "photo_invalid")


def test_it_refuses_a_file_over_the_size_limit_before_decoding(settings) -> None:
    settings.PHOTO_MAX_BYTES = 1000
    exe_over_limit = b"MZ" + b"\x00" * 1000  # not a photo either: the size is what is reported

    error = assert_refused(exe_over_limit, "big.jpg", "photo_too_large")

    assert error.message.replace("\xa0", " ") == "照片“big.jpg”太大（1002 字节），单张不能超过 1000 字节。"


def test_it_reads_at_most_one_byte_past_the_limit_when_the_size_is_unknown(settings) -> None:
    settings.PHOTO_MAX_BYTES = 1000
    stream = ContentFile(b"\xff" * 5000, name="stream.jpg")
    stream.size = None  # type: ignore[assignment]  # a stream whose length nobody told us

    with pytest.raises(PhotoRejected) as caught:
        process_photo(stream)

    assert caught.value.code == "photo_too_large"
    assert stream.tell() == 1001


def test_it_accepts_a_file_exactly_at_the_size_limit(settings) -> None:
    data = encode(gradient(), "JPEG")
    settings.PHOTO_MAX_BYTES = len(data)

    assert process_photo(upload(data)).width == 400


def test_it_refuses_a_pixel_bomb_from_the_header_alone(settings) -> None:
    settings.PHOTO_MAX_PIXELS = 1_000_000
    bomb = encode(Image.new("L", (2000, 2000)), "PNG", optimize=True)  # a few KB claiming 4 MP
    assert len(bomb) < 20_000

    error = assert_refused(bomb, "bomb.png", "photo_too_many_pixels", contains="2000×2000")

    assert "100 万像素" in error.message


def test_it_refuses_what_pillow_itself_calls_a_decompression_bomb(monkeypatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow errors above twice this

    assert_refused(encode(gradient((100, 100)), "PNG"), "bomb.png", "photo_too_many_pixels")


# --- re-encoding -----------------------------------------------------------------------------


def test_a_photo_taken_sideways_is_stored_upright() -> None:
    # The sensor stored 400×300; orientation 6 says "rotate 90° clockwise to view".
    photo = process_photo(upload(encode(gradient((400, 300)), "JPEG", exif=phone_exif(orientation=6))))

    assert (photo.width, photo.height) == (300, 400)
    assert reopen(photo.jpeg).size == (300, 400)
    assert reopen(photo.thumbnail).size == (240, 320)


def test_a_sideways_heic_is_stored_upright_and_not_rotated_twice() -> None:
    """libheif applies the rotation itself and pillow_heif resets the EXIF orientation to 1."""
    if not pillow_heif.libheif_info()["HEIF"]:
        pytest.skip("no HEIC encoder")
    data = encode(gradient((400, 300)), "HEIF", exif=phone_exif(orientation=6).tobytes())

    photo = process_photo(upload(data, "IMG_4243.heic"))

    assert (photo.width, photo.height) == (300, 400)


def test_a_large_photo_is_shrunk_to_2560_and_its_thumbnail_to_320() -> None:
    photo = process_photo(upload(encode(gradient((4000, 3000)), "JPEG", quality=90)))

    assert (photo.width, photo.height) == (2560, 1920)
    assert reopen(photo.jpeg).size == (2560, 1920)
    assert reopen(photo.thumbnail).size == (320, 240)


def test_a_small_photo_is_not_enlarged() -> None:
    photo = process_photo(upload(encode(gradient((120, 90)), "PNG"), "tiny.png"))

    assert (photo.width, photo.height) == (120, 90)
    assert max(reopen(photo.thumbnail).size) <= 320


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "HEIF"])
def test_the_derivatives_carry_no_exif_and_no_gps(fmt: str) -> None:
    if fmt == "HEIF" and not pillow_heif.libheif_info()["HEIF"]:
        pytest.skip("no HEIC encoder")
    exif = phone_exif(orientation=3)
    data = encode(gradient(), fmt, exif=exif if fmt == "JPEG" else exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the test file should carry GPS"

    photo = process_photo(upload(data))

    assert photo.gps is not None
    for derivative in (photo.jpeg, photo.thumbnail):
        image = reopen(derivative)
        assert image.format == "JPEG"
        assert not {"exif", "xmp", "icc_profile"} & set(image.info)
        assert len(image.getexif()) == 0
        assert not image.getexif().get_ifd(GPS_IFD)
        derivative.seek(0)
        raw = derivative.read()
        assert b"Exif\x00\x00" not in raw and b"Huawei" not in raw


# --- GPS -------------------------------------------------------------------------------------


def exif_with_gps(**tags: object) -> Image.Exif:
    """An Exif read back from a real JPEG, so values are Pillow's own IFDRational tuples."""
    exif = Image.Exif()
    gps = exif.get_ifd(GPS_IFD)
    for key, value in tags.items():
        gps[{"lat_ref": 1, "lat": 2, "lon_ref": 3, "lon": 4}[key]] = value
    return Image.open(io.BytesIO(encode(gradient((8, 8)), "JPEG", exif=exif))).getexif()


def test_southern_and_western_references_make_negative_degrees_and_fall_outside_china() -> None:
    exif = exif_with_gps(lat_ref="S", lat=dms(LAT), lon_ref="W", lon=dms(LON))

    assert gps_from_exif(exif) is None


@pytest.mark.parametrize(
    "tags",
    [
        {},
        {"lat_ref": "N", "lat": (0.0, 0.0, 0.0), "lon_ref": "E", "lon": (0.0, 0.0, 0.0)},  # no fix
        {"lat_ref": "N", "lat": dms(48.85), "lon_ref": "E", "lon": dms(2.35)},  # Paris
        {"lat": dms(LAT), "lon": dms(LON)},  # no hemisphere
        {"lat_ref": "N", "lat": (34.0, 75.0, 0.0), "lon_ref": "E", "lon": dms(LON)},  # 75 minutes
        {"lat_ref": "N", "lat": dms(LAT), "lon_ref": "E"},  # longitude missing
    ],
    ids=["absent", "zero", "outside-china", "no-ref", "bad-minutes", "half"],
)
def test_unusable_gps_gives_none(tags: dict[str, object]) -> None:
    assert gps_from_exif(exif_with_gps(**tags)) is None


def test_gps_written_as_decimal_degrees_is_read_too() -> None:
    exif = exif_with_gps(lat_ref="N", lat=(LAT, 0.0, 0.0), lon_ref="E", lon=(LON, 0.0, 0.0))

    assert gps_from_exif(exif) == pytest.approx((LON, LAT), abs=1e-6)


# --- storage ---------------------------------------------------------------------------------


def test_save_photo_stores_both_files_under_a_content_addressed_name(media_root) -> None:
    photo = process_photo(upload(encode(gradient(), "JPEG", exif=phone_exif())))

    path, thumb_path = save_photo(photo, prefix="cases/")

    today = datetime.now().astimezone()
    assert path.startswith(f"cases/{today:%Y}/")
    assert path.endswith(f"/{photo.sha256[:2]}/{photo.sha256}.jpg")
    assert thumb_path == path.removesuffix(".jpg") + "_thumb.jpg"
    assert Image.open(media_root / path).size == (400, 300)
    assert Image.open(media_root / thumb_path).size == (320, 240)


def test_the_same_bytes_uploaded_twice_are_stored_once(media_root) -> None:
    data = encode(gradient(), "JPEG", exif=phone_exif())

    first = save_photo(process_photo(upload(data, "a.jpg")), prefix="cases")
    second = save_photo(process_photo(upload(data, "renamed.jpg")), prefix="cases")

    assert first == second
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 2


def test_different_photos_get_different_paths() -> None:
    a = save_photo(process_photo(upload(encode(gradient(), "JPEG"))), prefix="cases")
    b = save_photo(process_photo(upload(encode(gradient(), "PNG"), "b.png")), prefix="cases")

    assert a[0] != b[0]


def test_the_hash_is_of_the_uploaded_bytes() -> None:
    data = encode(gradient(), "JPEG")

    assert process_photo(upload(data)).sha256 == hashlib.sha256(data).hexdigest()


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"), [("PHOTO_MAX_BYTES", "10MB"), ("PHOTO_MAX_BYTES", "0"), ("PHOTO_MAX_PIXELS", "-1")]
)
def test_start_up_stops_on_a_bad_photo_limit(name: str, value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import chuangcheng.settings"],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, name: value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_the_photo_limits_default_to_10_mb_and_60_megapixels() -> None:
    from chuangcheng import settings as project_settings

    assert project_settings.PHOTO_MAX_BYTES == 10 * 1024 * 1024
    assert project_settings.PHOTO_MAX_PIXELS == 60_000_000
