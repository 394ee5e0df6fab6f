"""Evidence files are judged by their content, not their name; refusals name the file."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from chuangcheng.core.evidence import EvidenceRejected, check_evidence, content_type_of, save_evidence

from .conftest import upload
from .files import docx_bytes, exe_bytes, jpeg_bytes, ole_bytes, pdf_bytes, png_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("name", "make", "file_type"),
    [
        ("整改方案.pdf", pdf_bytes, "pdf"),
        ("工作方案.docx", docx_bytes, "docx"),
        ("点位台账.xlsx", xlsx_bytes, "xlsx"),
        ("会议记录.doc", ole_bytes, "doc"),
        ("现场照片.jpg", jpeg_bytes, "jpeg"),
        ("现场照片.png", png_bytes, "png"),
    ],
)
def test_it_accepts_common_evidence_files(name, make, file_type):
    checked = check_evidence(upload(name, make()))
    assert checked.file_type == file_type
    assert checked.name == name
    assert checked.size == len(make())
    assert len(checked.sha256) == 64


def test_it_judges_by_content_not_by_the_name():
    assert check_evidence(upload("scan.bin", pdf_bytes())).file_type == "pdf"
    assert check_evidence(upload("照片.pdf", jpeg_bytes())).file_type == "jpeg"


def test_it_labels_wps_files_by_their_extension_within_the_kind():
    assert check_evidence(upload("总结.wps", ole_bytes())).file_type == "wps"
    assert check_evidence(upload("总结.wps", docx_bytes())).file_type == "wps"
    assert check_evidence(upload("台账.et", ole_bytes("Workbook"))).file_type == "et"
    assert check_evidence(upload("台账.xls", ole_bytes("Workbook"))).file_type == "xls"


def test_it_refuses_a_program_renamed_pdf():
    with pytest.raises(EvidenceRejected) as refused:
        check_evidence(upload("整改报告.pdf", exe_bytes()))
    assert "整改报告.pdf" in refused.value.message
    assert "可执行程序" in refused.value.message


def test_it_refuses_an_empty_file():
    with pytest.raises(EvidenceRejected) as refused:
        check_evidence(upload("空白.docx", b""))
    assert refused.value.message == "文件“空白.docx”是空文件，请重新选择。"


def test_it_refuses_a_file_over_the_limit(settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(EvidenceRejected) as refused:
        check_evidence(upload("大文件.pdf", pdf_bytes() + b"0" * 2000))
    assert "大文件.pdf" in refused.value.message
    assert "太大" in refused.value.message


def test_it_refuses_plain_text_and_unknown_ole_files():
    with pytest.raises(EvidenceRejected, match="格式不受支持"):
        check_evidence(upload("说明.doc", "这是纯文本".encode()))
    with pytest.raises(EvidenceRejected, match="格式不受支持"):
        check_evidence(upload("安装包.doc", ole_bytes("SummaryInformation")))


def test_it_refuses_archives_and_macro_documents():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("照片/1.jpg", jpeg_bytes())
    with pytest.raises(EvidenceRejected, match="压缩包"):
        check_evidence(upload("材料.docx", buffer.getvalue()))
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("word/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(EvidenceRejected, match="含有宏"):
        check_evidence(upload("方案.docm", macro.getvalue()))


def test_a_broken_zip_is_reported_as_damaged():
    with pytest.raises(EvidenceRejected, match="已损坏"):
        check_evidence(upload("方案.docx", docx_bytes()[:200]))


def test_it_stores_the_same_bytes_once_under_the_private_folder():
    first = save_evidence(check_evidence(upload("方案.pdf", pdf_bytes())))
    again = save_evidence(check_evidence(upload("方案（重传）.pdf", pdf_bytes())))
    assert first == again
    assert first.startswith("evidence/") and first.endswith(".pdf")
    assert default_storage.open(first).read() == pdf_bytes()
    assert content_type_of("pdf") == "application/pdf"
