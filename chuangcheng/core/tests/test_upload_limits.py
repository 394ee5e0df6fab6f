"""Bombs and disguised files are refused before they are parsed: imports (core.xlsx), evidence, photos."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chuangcheng.core.evidence import EvidenceRejected, check_evidence
from chuangcheng.core.photos import PhotoRejected, process_photo
from chuangcheng.core.tests import hostile_files as hostile
from chuangcheng.core.xlsx import NotAWorkbook, read_xlsx


def _cost(read: Callable[[], Any]) -> tuple[Exception | None, float, int]:
    """(the exception ``read`` raised, seconds, peak bytes allocated meanwhile)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read()
    except Exception as exc:
        error: Exception | None = exc
    else:
        error = None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, time.perf_counter() - started, peak


def _read_all(data: bytes) -> list[Any]:
    _header, body = read_xlsx(data)
    return list(body)


def test_a_workbook_that_unzips_to_300_mb_is_refused_without_unpacking_it():
    bomb = hostile.zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024

    error, seconds, peak = _cost(lambda: _read_all(bomb))

    assert isinstance(error, NotAWorkbook)
    assert str(error) == "文件解压后超过 50 MB，可能是压缩炸弹，已拒绝"
    assert peak < 10 * 1024 * 1024 and seconds < 5


def test_a_member_compressed_more_than_the_ratio_allows_is_refused(settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 500 * 1024 * 1024

    with pytest.raises(NotAWorkbook, match="压缩比超过 100 倍"):
        _read_all(hostile.zip_bomb())


def test_a_200_000_row_sheet_is_refused_before_openpyxl_opens_it():
    sheet = hostile.many_rows()  # no <dimension>: openpyxl alone would parse it all just to open it

    error, seconds, peak = _cost(lambda: _read_all(sheet))

    assert isinstance(error, NotAWorkbook)
    assert str(error) == "工作表超过 20000 行，请拆分后导入（大批量导入将在后台任务中提供）"
    assert peak < 10 * 1024 * 1024 and seconds < 5


def test_rows_the_scan_cannot_see_are_counted_while_read_and_reading_stops_past_the_limit(settings):
    settings.IMPORT_MAX_ROWS = 1000
    sheet = hostile.many_rows(20_000, utf16=True)

    error, _seconds, _peak = _cost(lambda: _read_all(sheet))

    assert isinstance(error, NotAWorkbook)
    assert str(error) == "工作表超过 1000 行，请拆分后导入（大批量导入将在后台任务中提供）"


@pytest.mark.parametrize("utf16", [False, True])
def test_a_sheet_at_the_row_limit_is_read_whole(settings, utf16):
    settings.IMPORT_MAX_ROWS = 1000

    assert len(_read_all(hostile.many_rows(1000, utf16=utf16))) == 1000


def test_a_sheet_with_more_cells_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_CELLS = 1000

    with pytest.raises(NotAWorkbook, match="工作表超过 1000 个单元格"):
        read_xlsx(hostile.many_rows(600))


def test_a_sheet_declaring_too_many_rows_is_refused_before_a_row_is_read():
    with pytest.raises(NotAWorkbook, match="工作表超过 20000 行"):
        read_xlsx(hostile.declared_rows())


def test_a_sheet_wider_than_the_column_limit_is_refused():
    with pytest.raises(NotAWorkbook, match="工作表超过 200 列"):
        _read_all(hostile.wide())


def test_a_workbook_of_thousands_of_parts_is_refused():
    with pytest.raises(NotAWorkbook, match="压缩包内文件超过 2000 个"):
        read_xlsx(hostile.many_members())


@pytest.mark.parametrize("make", [hostile.laughs_xlsx, hostile.laughs_docx])
def test_xml_declaring_entities_is_refused_before_openpyxl_parses_it(make):
    with pytest.raises(NotAWorkbook, match="DTD 或实体声明"):
        read_xlsx(make())


def _evidence(name: str, data: bytes) -> Any:
    return check_evidence(SimpleUploadedFile(name, data))


def test_evidence_that_unzips_to_300_mb_is_refused():
    with pytest.raises(EvidenceRejected) as refused:
        _evidence("台账.xlsx", hostile.zip_bomb())

    assert refused.value.message == "文件“台账.xlsx”：文件解压后超过 50 MB，可能是压缩炸弹，已拒绝"


def test_evidence_with_an_entity_bomb_is_refused():
    with pytest.raises(EvidenceRejected, match="DTD 或实体声明"):
        _evidence("方案.docx", hostile.laughs_docx())


def test_a_144_megapixel_image_is_refused_as_evidence_from_its_header():
    error, _seconds, peak = _cost(lambda: _evidence("航拍.png", hostile.huge_png()))

    assert isinstance(error, EvidenceRejected)
    assert error.message == "图片“航拍.png”像素过多（12000×12000），单张不能超过 6000 万像素。"
    assert peak < 10 * 1024 * 1024  # 144 MP decoded would be 144 MB


@pytest.mark.parametrize("name", ["现场.png", "方案.pdf"])
def test_an_image_or_pdf_with_an_archive_attached_is_refused_as_evidence(name):
    data = hostile.polyglot() if name.endswith(".png") else b"%PDF-1.4\n%%EOF\n" + hostile.raw_xlsx()

    with pytest.raises(EvidenceRejected, match="藏有一个压缩包"):
        _evidence(name, data)


def test_a_photo_with_an_archive_attached_is_refused():
    with pytest.raises(PhotoRejected, match="藏有一个压缩包"):
        process_photo(SimpleUploadedFile("IMG_0001.png", hostile.polyglot()))


def test_ordinary_office_files_and_images_are_still_accepted_as_evidence():
    assert _evidence("台账.xlsx", hostile.raw_xlsx()).file_type == "xlsx"
    assert _evidence("现场.png", hostile.png(4000, 3000)).file_type == "png"
