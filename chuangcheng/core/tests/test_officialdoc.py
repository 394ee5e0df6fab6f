"""The 公文 generator: GB/T 9704-2012 layout read back with python-docx, reproducible bytes, PDF."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from chuangcheng.core.officialdoc import (
    Image,
    ImagePair,
    OfficialDocument,
    PdfConversionError,
    Section,
    Table,
    chinese_date,
    docx_to_pdf,
    pdf_available,
    render_docx,
)
from chuangcheng.core.tests.officialdoc_helpers import photo, sample_bulletin

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def bulletin_bytes() -> bytes:
    return render_docx(sample_bulletin())


@pytest.fixture(scope="module")
def bulletin(bulletin_bytes: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(bulletin_bytes))


def paragraph_with(document: docx.document.Document, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if text in p.text)


def fonts(paragraph: Paragraph) -> set[tuple[str | None, str | None]]:
    """(eastAsia, ascii) font names of the paragraph's text runs."""
    found = set()
    for run in paragraph.runs:
        if run.text.strip():
            rfonts = run._r.rPr.rFonts
            found.add((rfonts.get(qn("w:eastAsia")), rfonts.get(qn("w:ascii"))))
    return found


def sizes(paragraph: Paragraph) -> set[float]:
    return {run.font.size.pt for run in paragraph.runs if run.text.strip()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the page -------------------------------------------------------------------------------


def test_the_page_is_a4_with_the_national_margins(bulletin: docx.document.Document) -> None:
    section = bulletin.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37
    assert round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28
    assert round(section.right_margin.mm) == 26
    text_width = section.page_width.mm - section.left_margin.mm - section.right_margin.mm
    text_height = section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm
    assert round(text_width) == 156 and round(text_height) == 225


def test_the_page_holds_22_lines_of_28_characters(bulletin: docx.document.Document) -> None:
    grid = bulletin.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines fill the 225 mm 版心
    assert Pt(225 * 72 / 25.4).pt >= 22 * 28.95
    body = paragraph_with(bulletin, "本月共组织实地检查")
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.01)
    # Characters are condensed by 0.25 pt: 28 × (16 − 0.25) pt fit the 156 mm line.
    spacing = body.runs[0]._r.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"
    assert 28 * (16 - 0.25) <= 156 * 72 / 25.4 < 29 * (16 - 0.25)


# --- the 版头 -------------------------------------------------------------------------------


def test_the_issuer_is_printed_red_in_xiaobiaosong_and_centred(bulletin: docx.document.Document) -> None:
    issuer = bulletin.paragraphs[0]
    assert issuer.text == "县创建工作领导小组办公室"
    assert issuer.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert {str(run.font.color.rgb) for run in issuer.runs} == {"FF0000"}
    assert fonts(issuer) == {("方正小标宋简体", "方正小标宋简体")}
    assert min(sizes(issuer)) > 22  # bigger than the title
    # 35 mm from the top of the 版心 to the top of the 标志
    assert issuer.paragraph_format.space_before.mm == pytest.approx(35, abs=3)


def test_the_issuer_takes_the_wenjian_suffix() -> None:
    doc = dataclasses.replace(sample_bulletin(), issuer_suffix="文件")
    document = docx.Document(io.BytesIO(render_docx(doc)))
    assert document.paragraphs[0].text == "县创建工作领导小组办公室文件"


def test_the_doc_number_is_centred_in_fangsong_over_a_red_line(bulletin: docx.document.Document) -> None:
    number = bulletin.paragraphs[1]
    assert number.text == "县创建办〔2026〕12号"
    assert number.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert fonts(number) == {("仿宋_GB2312", "Times New Roman")}
    assert sizes(number) == {16}
    line = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert line.get(qn("w:val")) == "single"
    assert line.get(qn("w:color")) == "FF0000"
    assert int(line.get(qn("w:sz"))) >= 16  # 2 pt or more, in eighths of a point


def test_the_title_is_erhao_xiaobiaosong_centred_and_breaks_where_asked(bulletin: docx.document.Document) -> None:
    title = bulletin.paragraphs[2]
    assert title.text == "关于2026年11月份全县创建全国文明城市\n工作考核情况的通报"
    assert title.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER
    assert fonts(title) == {("方正小标宋简体", "方正小标宋简体")}
    assert sizes(title) == {22}


def test_the_recipients_follow_the_title_flush_left_with_a_colon(bulletin: docx.document.Document) -> None:
    recipients = bulletin.paragraphs[3]
    assert recipients.text == "各镇人民政府、街道办事处，县创建工作领导小组各成员单位："
    assert recipients.alignment == WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    assert not recipients.paragraph_format.first_line_indent
    assert fonts(recipients) == {("仿宋_GB2312", "Times New Roman")}


# --- the body -------------------------------------------------------------------------------


def test_body_paragraphs_are_sanhao_fangsong_indented_two_characters(bulletin: docx.document.Document) -> None:
    for text in ("为深入推进全国文明城市创建工作", "本月共组织实地检查", "各镇（街道）要高度重视"):
        paragraph = paragraph_with(bulletin, text)
        assert paragraph.paragraph_format.first_line_indent.pt == 32
        assert fonts(paragraph) == {("仿宋_GB2312", "Times New Roman")}
        assert sizes(paragraph) == {16}


def test_headings_are_heiti_then_kaiti(bulletin: docx.document.Document) -> None:
    first = paragraph_with(bulletin, "一、总体情况")
    second = paragraph_with(bulletin, "（一）背街小巷环境卫生反弹。")
    assert fonts(first) == {("黑体", "Times New Roman")}
    assert fonts(second) == {("楷体_GB2312", "Times New Roman")}
    assert sizes(first) == sizes(second) == {16}
    assert first.paragraph_format.keep_with_next


def test_the_signature_and_date_close_the_body_on_the_right(bulletin: docx.document.Document) -> None:
    texts = [p.text for p in bulletin.paragraphs]
    signature = bulletin.paragraphs[texts.index("县创建工作领导小组办公室", 1)]
    date = bulletin.paragraphs[texts.index("2026年12月5日")]
    assert signature.alignment == date.alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT
    assert texts.index("2026年12月5日") == texts.index("县创建工作领导小组办公室", 1) + 1
    # 署名 右空二字; the date starts two characters right of the 署名 (GB/T 9704-2012 7.3.5.2)
    assert signature.paragraph_format.right_indent.pt == 32
    signature_width, date_width = 12 * 16, 7 * 8 + 3 * 16
    start_gap = (signature.paragraph_format.right_indent.pt + signature_width) - (
        date.paragraph_format.right_indent.pt + date_width
    )
    assert start_gap == 32


def test_the_signature_never_starts_a_page_alone(bulletin: docx.document.Document) -> None:
    """The last line of text keeps with the 署名, which keeps with the date: no page holds only them."""
    texts = [p.text for p in bulletin.paragraphs]
    at = texts.index("县创建工作领导小组办公室", 1)
    last_text = bulletin.paragraphs[at - 1]
    assert last_text.text == "各镇（街道）要高度重视考核反馈问题，举一反三，建立长效管理机制。"
    assert last_text.paragraph_format.keep_with_next
    assert bulletin.paragraphs[at].paragraph_format.keep_with_next


def test_a_long_date_pushes_the_signature_left() -> None:
    doc = dataclasses.replace(sample_bulletin(), signature="县创建办", date=dt.date(2026, 12, 25))
    document = docx.Document(io.BytesIO(render_docx(doc)))
    texts = [p.text for p in document.paragraphs]
    signature = document.paragraphs[texts.index("县创建办")]
    date = document.paragraphs[texts.index("2026年12月25日")]
    assert date.paragraph_format.right_indent.pt == 32
    assert signature.paragraph_format.right_indent.pt > 32


def test_dates_are_printed_with_arabic_digits_without_leading_zeros() -> None:
    assert chinese_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(dt.date(2026, 12, 25)) == "2026年12月25日"


def test_the_colophon_has_cc_and_the_printing_line_between_thick_lines(
    bulletin: docx.document.Document,
) -> None:
    colophon = bulletin.tables[-1]
    cc, printed = (row.cells[0] for row in colophon.rows)
    assert cc.text == "抄送：县委办公室，县人大常委会办公室，县政府办公室，县政协办公室。"
    assert printed.text == "县创建工作领导小组办公室\t2026年12月5日印发"

    def border(cell: docx.table._Cell, edge: str) -> int:
        return int(cell._tc.tcPr.find(qn("w:tcBorders")).find(qn(f"w:{edge}")).get(qn("w:sz")))

    assert border(cc, "top") == border(printed, "bottom") == 8  # 0.35 mm
    assert border(cc, "bottom") < 8


def test_the_print_date_may_differ_from_the_date() -> None:
    doc = dataclasses.replace(sample_bulletin(), print_date=dt.date(2026, 12, 8), cc="")
    document = docx.Document(io.BytesIO(render_docx(doc)))
    assert [row.cells[0].text for row in document.tables[-1].rows] == ["县创建工作领导小组办公室\t2026年12月8日印发"]


def test_page_numbers_alternate_sides_in_sihao_songti(bulletin: docx.document.Document) -> None:
    assert bulletin.settings.odd_and_even_pages_header_footer
    section = bulletin.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_PARAGRAPH_ALIGNMENT.RIGHT and odd.paragraph_format.right_indent.pt == 14
    assert even.alignment == WD_PARAGRAPH_ALIGNMENT.LEFT and even.paragraph_format.left_indent.pt == 14
    for footer in (odd, even):
        assert footer.text == "— 1 —"  # the PAGE field's cached result between the dashes
        assert "PAGE" in "".join(footer._p.itertext())
        assert [el.get(qn("w:fldCharType")) for el in footer._p.iter(qn("w:fldChar"))] == [
            "begin",
            "separate",
            "end",
        ]
        assert sizes(footer) == {14}
        assert fonts(footer) == {("宋体", "宋体")}


def test_the_font_table_names_the_official_fonts_with_alternatives(bulletin_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(bulletin_bytes)) as package:
        table = package.read("word/fontTable.xml").decode()
    for name, alt in (
        ("仿宋_GB2312", "FangSong"),
        ("方正小标宋简体", "FZXiaoBiaoSong-B05S"),
        ("黑体", "SimHei"),
        ("楷体_GB2312", "KaiTi"),
        ("宋体", "SimSun"),
    ):
        assert re.search(rf'<w:font w:name="{name}"><w:altName w:val="{alt}"/>', table), name


# --- tables and pictures --------------------------------------------------------------------


def test_a_table_has_a_repeated_heiti_header_set_widths_and_single_borders(
    bulletin: docx.document.Document,
) -> None:
    table = bulletin.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["排名", "镇（街道）", "得分", "较上月", "问题数", "整改率"]
    assert len(table.rows) == 13
    assert [cell.text for cell in table.rows[12].cells][:3] == ["12", "龙泉镇", "82.09"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert fonts(table.rows[0].cells[0].paragraphs[0]) == {("黑体", "Times New Roman")}
    assert fonts(table.rows[3].cells[1].paragraphs[0]) == {("仿宋_GB2312", "Times New Roman")}
    assert [round(cell.width.mm) for cell in table.rows[1].cells] == [16, 36, 26, 26, 24, 28]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
    caption = paragraph_with(bulletin, "表1")
    assert caption.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER and caption.paragraph_format.keep_with_next


def test_a_table_without_widths_shares_the_text_width() -> None:
    table = Table(columns=["甲", "乙", "丙", "丁"], rows=[["1", "2", "3", "4"]])
    doc = dataclasses.replace(sample_bulletin(), sections=[Section("一、表", [table])])
    rendered = docx.Document(io.BytesIO(render_docx(doc))).tables[0]
    assert [round(cell.width.mm) for cell in rendered.rows[0].cells] == [39, 39, 39, 39]


def test_a_table_with_a_short_row_is_refused() -> None:
    doc = dataclasses.replace(
        sample_bulletin(), sections=[Section("一、表", [Table(columns=["甲", "乙"], rows=[["1"]])])]
    )
    with pytest.raises(ValueError, match="2 cells"):
        render_docx(doc)


def test_an_image_is_embedded_at_its_width_with_a_caption(bulletin: docx.document.Document) -> None:
    shapes = bulletin.inline_shapes
    chart = shapes[0]
    assert round(chart.width.mm) == 150
    caption = paragraph_with(bulletin, "图1  各镇（街道）考核得分")
    assert caption.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER


def test_an_image_pair_sits_side_by_side_in_a_borderless_table(bulletin: docx.document.Document) -> None:
    pair = bulletin.tables[1]
    assert len(pair.rows) == 1 and len(pair.columns) == 2
    assert [cell.text.strip() for cell in pair.rows[0].cells] == ["整改前", "整改后"]
    pictures = [cell._tc.xpath(".//pic:pic") for cell in pair.rows[0].cells]
    assert [len(found) for found in pictures] == [1, 1]
    borders = pair._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    assert paragraph_with(bulletin, "图2  龙泉镇新华路背街小巷整改前后对比").alignment == WD_PARAGRAPH_ALIGNMENT.CENTER


def test_image_parts_are_named_in_order(bulletin_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(bulletin_bytes)) as package:
        media = sorted(name for name in package.namelist() if name.startswith("word/media/"))
    assert media == ["word/media/image1.png", "word/media/image2.jpg", "word/media/image3.jpg"]


# --- reproducible bytes ---------------------------------------------------------------------


def test_the_same_document_renders_to_the_same_bytes(bulletin_bytes: bytes) -> None:
    assert sha256(render_docx(sample_bulletin())) == sha256(bulletin_bytes)


def test_another_process_in_another_time_zone_renders_the_same_bytes(bulletin_bytes: bytes) -> None:
    script = (
        "import hashlib;"
        "from chuangcheng.core.officialdoc import render_docx;"
        "from chuangcheng.core.tests.officialdoc_helpers import sample_bulletin;"
        "print(hashlib.sha256(render_docx(sample_bulletin())).hexdigest())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "TZ": "America/Los_Angeles", "PYTHONHASHSEED": "123"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == sha256(bulletin_bytes)


def test_one_character_more_changes_the_bytes(bulletin_bytes: bytes) -> None:
    doc = dataclasses.replace(sample_bulletin(), doc_number="县创建办〔2026〕13号")
    assert sha256(render_docx(doc)) != sha256(bulletin_bytes)


def test_the_package_carries_no_clock_time(bulletin_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(bulletin_bytes)) as package:
        infos = package.infolist()
        core = package.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "docProps/thumbnail.jpeg" not in {i.filename for i in infos}
    document = docx.Document(io.BytesIO(bulletin_bytes))
    props = document.core_properties
    # midnight of 5 December in Beijing is 16:00 UTC the day before
    assert props.created == props.modified == dt.datetime(2026, 12, 4, 16, 0, tzinfo=props.created.tzinfo)
    assert props.author == "县创建工作领导小组办公室"
    assert props.revision == 1
    assert "2026-12-04T16:00:00Z" in core


# --- PDF ------------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(not pdf_available(), reason="LibreOffice (soffice) is not installed")


def long_document() -> OfficialDocument:
    """Text only, 40 one-line paragraphs: the first page holds about 10, the others 22."""
    paragraphs = [f"第{n}项工作已按期完成。" for n in range(1, 41)]
    return dataclasses.replace(sample_bulletin(), intro=[], sections=[Section("一、工作进展", paragraphs)])


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@needs_soffice
def test_a_long_document_converts_to_a_pdf_of_three_pages() -> None:
    pdf = docx_to_pdf(render_docx(long_document()))
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert page_count(pdf) == 3
    # The official font names reached Noto CJK through the fontconfig aliases.
    assert b"NotoSerifCJK" in pdf  # 仿宋, 小标宋, 楷体, 宋体
    assert b"NotoSansCJK" in pdf  # 黑体


@needs_soffice
def test_the_sample_bulletin_converts_with_its_pictures() -> None:
    pdf = docx_to_pdf(render_docx(sample_bulletin()))
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert page_count(pdf) >= 3
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) >= 3


@needs_soffice
def test_a_conversion_that_runs_out_of_time_raises_a_clear_error() -> None:
    with pytest.raises(PdfConversionError, match="longer than 0 s"):
        docx_to_pdf(render_docx(long_document()), timeout=0)


def test_pictures_may_be_jpeg_or_png() -> None:
    png = io.BytesIO()
    from PIL import Image as PILImage

    PILImage.new("RGB", (40, 30), "red").save(png, format="PNG")
    doc = dataclasses.replace(
        sample_bulletin(),
        sections=[
            Section(
                "一、图片",
                [
                    Image(png=png.getvalue(), width_mm=200),
                    ImagePair(photo("red", "before"), png.getvalue(), "前", "后"),
                ],
            )
        ],
    )
    document = docx.Document(io.BytesIO(render_docx(doc)))
    assert round(document.inline_shapes[0].width.mm) == 156  # never wider than the 版心
    assert len(document.inline_shapes) == 3
