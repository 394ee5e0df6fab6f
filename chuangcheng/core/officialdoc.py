"""Chinese official documents (公文) in the national layout GB/T 9704-2012, as .docx and PDF.

A caller describes the document as data (``OfficialDocument`` with ``Section``s of paragraphs,
tables and pictures); ``render_docx`` lays it out the way a county government office prints a
红头文件: A4, a 156 × 225 mm 版心 of 22 lines × 28 characters, a red 发文机关标志 and red line,
a centred title in 小标宋, the body in 仿宋 三号, 署名 and 成文日期, the 版记 and "— 1 —" page
numbers at alternating sides. The output is reproducible byte for byte (no timestamps), so
a document can be hashed, cached and compared.

Fonts are named as government machines have them (仿宋_GB2312, 方正小标宋简体 …); on Linux
``docx_to_pdf`` maps them to Noto CJK through ``scripts/fontconfig/chuangcheng-fonts.conf``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

# --- the layout of GB/T 9704-2012 -------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = Twips(11906), Twips(16838)  # A4, as Word stores it
MARGIN_TOP, MARGIN_BOTTOM = Mm(37), Mm(35)
MARGIN_LEFT, MARGIN_RIGHT = Mm(28), Mm(26)
TEXT_WIDTH_MM = 156.0  # 版心 156 × 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
# 225 mm / 22 lines = 28.99 pt; rounded down to whole twips so that 22 lines always fit.
LINE_PITCH = Twips(579)
BODY_PT, TITLE_PT, SMALL_PT = 16, 22, 14  # 三号, 二号, 四号
# 28 三号 characters in 156 mm are 15.79 pt apart, not 16: body runs are condensed by 0.25 pt
# (in twentieths of a point) rather than laid on a character grid, see _condense.
CONDENSE_TWENTIETHS = -5
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "黑体",
    "楷体_GB2312",
    "宋体",
)
LATIN = "Times New Roman"
# Other names of the same faces, written to word/fontTable.xml as w:altName so that a machine
# that has the face under its English name (FangSong on Windows) still finds it.
ALT_NAMES = {
    XIAOBIAOSONG: "FZXiaoBiaoSong-B05S",
    FANGSONG: "FangSong",
    HEITI: "SimHei",
    KAITI: "KaiTi",
    SONGTI: "SimSun",
}
FONTCONFIG_ALIASES = Path(__file__).resolve().parents[2] / "scripts" / "fontconfig" / "chuangcheng-fonts.conf"
# Fixed zip metadata: the earliest date a zip can hold, deflate, rw-r--r-- regular files.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_ATTR = 0o100644 << 16
CHINA_UTC_OFFSET = dt.timedelta(hours=8)  # Asia/Shanghai, no daylight saving since 1991


# --- what a caller describes ------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table with a header row (repeated on every page); widths in mm, or equal columns."""

    columns: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None
    caption: str = ""


@dataclass(frozen=True)
class Image:
    """A picture (PNG or JPEG bytes) centred at the given width, with an optional caption below."""

    png: bytes
    width_mm: float
    caption: str = ""


@dataclass(frozen=True)
class ImagePair:
    """Two pictures side by side (a before/after pair), each with its caption below."""

    left: bytes
    right: bytes
    left_caption: str
    right_caption: str
    caption: str = ""


Block = str | Table | Image | ImagePair  # a str is a body paragraph


@dataclass(frozen=True)
class Section:
    """A heading and its blocks; the caller supplies the numbering ("一、", "（一）") in the heading."""

    heading: str
    blocks: list[Block]
    level: int = 1


@dataclass(frozen=True)
class OfficialDocument:
    """Everything printed on a 公文, from the 发文机关标志 to the 版记."""

    issuer: str
    doc_number: str
    title: str
    recipients: str
    sections: list[Section]
    signature: str
    date: dt.date
    cc: str = ""
    printer: str = ""
    print_date: dt.date | None = None
    issuer_suffix: str = ""
    intro: list[str] = field(default_factory=list)


class PdfConversionError(RuntimeError):
    """LibreOffice could not turn the .docx into a PDF (failed, timed out or wrote nothing)."""


def chinese_date(date: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 prints it: arabic digits, no leading zeros ("2026年12月5日")."""
    return f"{date.year}年{date.month}月{date.day}日"


# --- rendering --------------------------------------------------------------------------------


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as .docx bytes; the same ``doc`` always gives the same bytes."""
    document = Document()
    _set_up_page(document)
    _set_up_styles(document)
    _add_page_numbers(document)
    _add_header(document, doc)
    for text in doc.intro:
        _body_paragraph(document, text)
    for section in doc.sections:
        _add_section(document, section)
    _add_signature(document, doc)
    _add_colophon(document, doc)
    _set_properties(document, doc)
    raw = io.BytesIO()
    document.save(raw)
    return _normalized_zip(raw.getvalue())


def _set_up_page(document: DocxDocument) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Mm(15)
    # The page number's dash sits about 7 mm below the 版心 (GB/T 9704-2012 7.5).
    section.footer_distance = Mm(25)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    # A line grid only: LibreOffice lays a character grid (linesAndChars with a negative
    # charSpace) out by giving each 16 pt character two 15.79 pt cells, leaving first lines
    # half empty; condensed runs give 28 characters a line in Word and LibreOffice alike.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))
    grid.attrib.pop(qn("w:charSpace"), None)


def _set_up_styles(document: DocxDocument) -> None:
    styles = document.styles
    # 三号 also as the document default, for what has no style of its own (fields, empty runs).
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        for size_tag in ("w:sz", "w:szCs"):
            for size in defaults.iter(qn(size_tag)):
                size.set(qn("w:val"), str(BODY_PT * 2))
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.widow_control = False  # a 公文 keeps to its 22-line grid
    document.settings.odd_and_even_pages_header_footer = True


def _set_fonts(rpr: etree._Element, east_asia: str, latin: str = LATIN) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    # Ambiguous characters (“” — ：) take the Chinese face, as in Word's Chinese templates.
    fonts.set(qn("w:hint"), "eastAsia")


def _run(
    paragraph: Paragraph,
    text: str,
    font: str,
    size_pt: float,
    *,
    color: RGBColor | None = None,
    latin: str = LATIN,
) -> Run:
    run = paragraph.add_run(text)
    _set_fonts(run._r.get_or_add_rPr(), font, latin)
    run.font.size = Pt(size_pt)
    if color is not None:
        run.font.color.rgb = color
    return run


def _condense(run: Run) -> None:
    """Narrow the run's characters by 0.25 pt so that 28 三号 characters fit a 156 mm line."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
    run._r.get_or_add_rPr().insert_element_before(spacing, *_RPR_AFTER_SPACING)


_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip


def _grid_run(paragraph: Paragraph, text: str, font: str = FANGSONG) -> Run:
    """A 三号 run of text that keeps to the page's character grid."""
    run = _run(paragraph, text, font, BODY_PT)
    _condense(run)
    return run


def _paragraph(
    container: DocxDocument | _Cell,
    *,
    align: WD_PARAGRAPH_ALIGNMENT = WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
    before_lines: float = 0,
    line: Length | None = LINE_PITCH,
    indent: bool = False,
    grid: bool = True,
) -> Paragraph:
    """A paragraph with exact line spacing (``line``) or single spacing (``None``, for pictures).

    ``grid``: whether it keeps to the page's 28-character grid (body text does; the header,
    captions and tables are laid out by their own font sizes).
    """
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Twips(round(LINE_PITCH.twips * before_lines))
    fmt.space_after = Pt(0)
    if not grid or line is None:
        _set_snap_to_grid(paragraph, False)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)  # 首行缩进二字
    return paragraph


def _set_snap_to_grid(paragraph: Paragraph, on: bool) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "1" if on else "0")
    ppr.insert_element_before(snap, *_PPR_AFTER_SNAP)


# Children of w:pPr that come after w:snapToGrid / w:pBdr / w:outlineLvl in the schema order.
_PPR_AFTER_SNAP = (
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", *_PPR_AFTER_SNAP,
)  # fmt: skip


def _border(paragraph: Paragraph, edge: str, *, eighths_pt: int, color: str, space_pt: int = 1) -> None:
    """A line along one edge of the paragraph (w:pBdr), as wide as the paragraph's indents."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *_PPR_AFTER_BORDER)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(eighths_pt))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    borders.append(line)


def _outline_level(paragraph: Paragraph, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    ppr.insert_element_before(outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


# --- the 版头: issuer, number, red line; then title and 主送 ------------------------------------


def _issuer_size(text: str) -> tuple[float, int]:
    """Font size (pt) and horizontal scale (%) that fit the 标志 on one line of the 版心.

    GB/T 9704-2012 asks for characters under 22 × 15 mm; long names get narrower, then scaled.
    """
    room = Mm(TEXT_WIDTH_MM).pt * 0.96
    size = min(42.0, room / max(len(text), 1))
    if size >= 26:
        return float(int(size)), 100
    return 26.0, max(33, int(100 * room / (26 * len(text))))


def _add_header(document: DocxDocument, doc: OfficialDocument) -> None:
    issuer = doc.issuer + doc.issuer_suffix
    size, scale = _issuer_size(issuer)
    line = Pt(size * 1.3)
    # The 标志's top edge is 35 mm below the 版心's (GB/T 9704-2012 7.2.3).
    mark = _paragraph(document, align=WD_PARAGRAPH_ALIGNMENT.CENTER, line=line, grid=False)
    mark.paragraph_format.space_before = Pt(Mm(35).pt - (line.pt - size) / 2)
    run = _run(mark, issuer, XIAOBIAOSONG, size, color=RED, latin=XIAOBIAOSONG)
    if scale != 100:
        scale_el = OxmlElement("w:w")
        scale_el.set(qn("w:val"), str(scale))
        run._r.get_or_add_rPr().append(scale_el)

    number = _paragraph(document, align=WD_PARAGRAPH_ALIGNMENT.CENTER, before_lines=2, grid=False)
    _run(number, doc.doc_number, FANGSONG, BODY_PT)
    # The red line 4 mm under the 发文字号, as wide as the 版心.
    _border(number, "bottom", eighths_pt=18, color=RED_HEX, space_pt=6)

    title = _paragraph(document, align=WD_PARAGRAPH_ALIGNMENT.CENTER, before_lines=2, line=Pt(36), grid=False)
    for index, part in enumerate(doc.title.split("\n")):
        run = _run(title, part, XIAOBIAOSONG, TITLE_PT, latin=XIAOBIAOSONG)
        if index:
            run._r.addprevious(_line_break())
    _outline_level(title, 0)

    recipients = doc.recipients.rstrip("：:")
    if recipients:
        line_para = _paragraph(document, before_lines=1)
        _grid_run(line_para, recipients + "：")


def _line_break() -> etree._Element:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


# --- the body ---------------------------------------------------------------------------------


def _body_paragraph(document: DocxDocument, text: str) -> Paragraph:
    paragraph = _paragraph(document, indent=True)
    _grid_run(paragraph, text)
    return paragraph


def _add_section(document: DocxDocument, section: Section) -> None:
    if section.level not in (1, 2):
        raise ValueError(f"section level must be 1 or 2, not {section.level}")
    heading = _paragraph(document, indent=True)
    heading.paragraph_format.keep_with_next = True
    _grid_run(heading, section.heading, HEITI if section.level == 1 else KAITI)
    _outline_level(heading, section.level)
    for block in section.blocks:
        if isinstance(block, str):
            _body_paragraph(document, block)
        elif isinstance(block, Table):
            _add_table(document, block)
        elif isinstance(block, Image):
            _add_image(document, block)
        elif isinstance(block, ImagePair):
            _add_image_pair(document, block)
        else:
            raise TypeError(f"not a block of a 公文: {block!r}")


def _caption(container: DocxDocument | _Cell, text: str, *, font: str = FANGSONG) -> None:
    paragraph = _paragraph(container, align=WD_PARAGRAPH_ALIGNMENT.CENTER, line=Pt(24), grid=False)
    paragraph.paragraph_format.keep_with_next = font == HEITI  # a table's caption stays with it
    _run(paragraph, text, font, SMALL_PT)


def _add_table(document: DocxDocument, spec: Table) -> None:
    width = len(spec.columns)
    if any(len(row) != width for row in spec.rows):
        raise ValueError(f"every row of the table must have {width} cells")
    if spec.widths_mm is not None and len(spec.widths_mm) != width:
        raise ValueError(f"the table needs {width} column widths")
    if spec.caption:
        _caption(document, spec.caption, font=HEITI)
    table = document.add_table(rows=1 + len(spec.rows), cols=width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_borders(table, "single")
    widths = spec.widths_mm or [TEXT_WIDTH_MM / width] * width
    table.autofit = False
    for column, width_mm in zip(table.columns, widths, strict=True):
        column.width = Mm(width_mm)
    for row_index, (row, values) in enumerate(zip(table.rows, [spec.columns, *spec.rows], strict=True)):
        header = row_index == 0
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
            tr_pr.append(repeat)
        for cell, value, width_mm in zip(row.cells, values, widths, strict=True):
            cell.width = Mm(width_mm)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _cell_text(cell, value, HEITI if header else FANGSONG, centred=header or len(value) <= 12)
    _paragraph(document, line=Pt(12), grid=False)  # keeps the next block off the table's bottom border


def _cell_text(cell: _Cell, text: str, font: str, *, centred: bool) -> None:
    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER if centred else WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(22)  # exact spacing keeps 四号 rows off the 29 pt body grid
    fmt.space_before = fmt.space_after = Pt(2)
    _set_snap_to_grid(paragraph, False)
    _run(paragraph, text, font, SMALL_PT)


def _table_borders(table: DocxTable, kind: str) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), kind)
        if kind != "nil":
            line.set(qn("w:sz"), "4")
            line.set(qn("w:space"), "0")
            line.set(qn("w:color"), "000000")
        borders.append(line)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )


def _add_image(document: DocxDocument, spec: Image) -> None:
    paragraph = _paragraph(document, align=WD_PARAGRAPH_ALIGNMENT.CENTER, line=None)
    paragraph.paragraph_format.keep_with_next = bool(spec.caption)
    paragraph.add_run().add_picture(io.BytesIO(spec.png), width=Mm(min(spec.width_mm, TEXT_WIDTH_MM)))
    if spec.caption:
        _caption(document, spec.caption)


def _add_image_pair(document: DocxDocument, spec: ImagePair) -> None:
    gap_mm = 6.0
    half_mm = (TEXT_WIDTH_MM - gap_mm) / 2
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_borders(table, "nil")
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, column, picture, caption in zip(
        table.rows[0].cells,
        table.columns,
        (spec.left, spec.right),
        (spec.left_caption, spec.right_caption),
        strict=True,
    ):
        column.width = cell.width = Mm(TEXT_WIDTH_MM / 2)
        holder = cell.paragraphs[0]
        holder.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
        holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        holder.paragraph_format.first_line_indent = Pt(0)
        _set_snap_to_grid(holder, False)
        holder.add_run().add_picture(io.BytesIO(picture), width=Mm(half_mm - 2))
        _caption(cell, caption)
    if spec.caption:
        _caption(document, spec.caption)
    else:
        _paragraph(document, line=Pt(12), grid=False)


# --- the end: 署名, 成文日期, 版记 ----------------------------------------------------------------


def _text_width_pt(text: str, size_pt: float = BODY_PT) -> float:
    # CJK characters are one em wide, digits and Latin letters in Times New Roman about half.
    return sum(size_pt if ord(ch) > 0x2E80 else size_pt / 2 for ch in text)


def _add_signature(document: DocxDocument, doc: OfficialDocument) -> None:
    """署名 and 成文日期 without a seal (GB/T 9704-2012 7.3.5.2).

    The 署名 is 右空二字; the date goes on the next line with its first character two
    characters right of the 署名's; a date longer than that pushes the 署名 left instead.
    """
    # The 署名 never stands alone on a page (GB/T 9704-2012 7.3.5.2): it keeps the last line of text.
    body = document.element.body
    last = body[-1] if len(body) and body[-1].tag != qn("w:sectPr") else (body[-2] if len(body) > 1 else None)
    if last is not None and last.tag == qn("w:p"):
        Paragraph(last, document._body).paragraph_format.keep_with_next = True
    date = chinese_date(doc.date)
    two = 2.0 * BODY_PT
    signature_right = two
    date_right = _text_width_pt(doc.signature) - _text_width_pt(date)
    if date_right < two:
        signature_right, date_right = two + (two - date_right), two
    for text, right, before in ((doc.signature, signature_right, 1), (date, date_right, 0)):
        paragraph = _paragraph(document, align=WD_PARAGRAPH_ALIGNMENT.RIGHT, before_lines=before)
        paragraph.paragraph_format.right_indent = Pt(right)
        paragraph.paragraph_format.keep_with_next = before > 0
        _grid_run(paragraph, text)


def _add_colophon(document: DocxDocument, doc: OfficialDocument) -> None:
    """版记: 抄送 and 印发机关 + 印发日期 between lines, the first and last thick (0.35 mm).

    A one-column table as wide as the 版心: its row borders are the lines, its cell margins
    the one-character insets on both sides.
    """
    rows: list[tuple[str, str]] = []
    if doc.cc:
        rows.append(("抄送：", doc.cc.rstrip("。") + "。"))
    if doc.printer:
        rows.append((doc.printer, chinese_date(doc.print_date or doc.date) + "印发"))
    if not rows:
        return
    spacer = _paragraph(document, before_lines=1, line=Pt(12), grid=False)
    spacer.paragraph_format.keep_with_next = True
    table = document.add_table(rows=len(rows), cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_borders(table, "nil")
    _cell_margins(table, left=Pt(SMALL_PT), right=Pt(SMALL_PT))
    inner = Mm(TEXT_WIDTH_MM) - 2 * Pt(SMALL_PT)
    table.columns[0].width = Mm(TEXT_WIDTH_MM)
    for index, (row, (first, second)) in enumerate(zip(table.rows, rows, strict=True)):
        cell = row.cells[0]
        cell.width = Mm(TEXT_WIDTH_MM)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(26)
        fmt.space_before = fmt.space_after = Pt(2)
        fmt.keep_with_next = index < len(rows) - 1
        _set_snap_to_grid(paragraph, False)
        _run(paragraph, first, FANGSONG, SMALL_PT)
        if first == "抄送：":
            # Continuation lines start under the first name, after the colon.
            fmt.left_indent = Pt(_text_width_pt(first, SMALL_PT))
            fmt.first_line_indent = -fmt.left_indent
        else:
            fmt.tab_stops.add_tab_stop(inner, WD_TAB_ALIGNMENT.RIGHT)
            paragraph.add_run().add_tab()
        _run(paragraph, second, FANGSONG, SMALL_PT)
        thick, thin = 8, 4  # eighths of a point: 1 pt ≈ 0.35 mm, 0.5 pt
        _cell_border(cell, "top", thick if index == 0 else thin)
        _cell_border(cell, "bottom", thick if index == len(rows) - 1 else thin)


def _cell_margins(table: DocxTable, *, left: Length, right: Length) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("left", left), ("right", right)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(width.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _cell_border(cell: _Cell, edge: str, eighths_pt: int) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.insert_element_before(
            borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
        )
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(eighths_pt))
    line.set(qn("w:space"), "0")
    line.set(qn("w:color"), "000000")
    borders.append(line)


def _add_page_numbers(document: DocxDocument) -> None:
    """ "— 1 —" in 四号 宋体: odd pages right (右空一字), even pages left (左空一字)."""
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT),
        (section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.first_line_indent = Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        if align == WD_PARAGRAPH_ALIGNMENT.RIGHT:
            fmt.right_indent = Pt(SMALL_PT)
        else:
            fmt.left_indent = Pt(SMALL_PT)
        _set_snap_to_grid(paragraph, False)
        _run(paragraph, "— ", SONGTI, SMALL_PT, latin=SONGTI)
        _page_field(paragraph)
        _run(paragraph, " —", SONGTI, SMALL_PT, latin=SONGTI)


def _page_field(paragraph: Paragraph) -> None:
    def char(kind: str) -> etree._Element:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    for piece in (char("begin"), instruction, char("separate")):
        _run(paragraph, "", SONGTI, SMALL_PT, latin=SONGTI)._r.append(piece)
    _run(paragraph, "1", SONGTI, SMALL_PT, latin=SONGTI)
    _run(paragraph, "", SONGTI, SMALL_PT, latin=SONGTI)._r.append(char("end"))


# --- reproducible package ---------------------------------------------------------------------


def _set_properties(document: DocxDocument, doc: OfficialDocument) -> None:
    # Midnight of the 成文日期 in China, written as UTC (core.xml wants "…Z").
    stamp = dt.datetime.combine(doc.date, dt.time()) - CHINA_UTC_OFFSET
    props = document.core_properties
    props.title = doc.title.replace("\n", "")
    props.author = props.last_modified_by = doc.signature
    props.comments = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = stamp
    package = document.part.package
    # python-docx's template ships a thumbnail of an empty page; a viewer would show that.
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]


def _font_table(xml: bytes) -> bytes:
    """word/fontTable.xml with our Chinese faces, each with its w:altName and GB2312 charset."""
    root = etree.fromstring(xml)
    for name in (XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("altName", ALT_NAMES[name]), ("charset", "86"), ("family", "auto"), ("pitch", "variable")):
            etree.SubElement(font, qn(f"w:{tag}")).set(qn("w:val"), value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _normalized_zip(data: bytes) -> bytes:
    """The package rewritten with fixed dates, attributes and entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries["word/fontTable.xml"] = _font_table(entries["word/fontTable.xml"])
    names = sorted(entries, key=lambda name: (name != "[Content_Types].xml", name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ZIP_ATTR
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------


def pdf_available() -> bool:
    """Whether LibreOffice (``soffice``) is installed to convert documents to PDF."""
    return shutil.which("soffice") is not None


def _fontconfig_file(directory: Path) -> Path:
    """A fontconfig config: the system's, plus our aliases of the official font names."""
    includes = ['<include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
    if FONTCONFIG_ALIASES.exists():
        includes.append(f'<include ignore_missing="yes">{FONTCONFIG_ALIASES}</include>')
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        "<fontconfig>\n  " + "\n  ".join(includes) + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes | None:
    """The .docx converted to PDF by LibreOffice; None when LibreOffice is not installed.

    Raises ``PdfConversionError`` when the conversion fails or takes longer than ``timeout``
    seconds. Each call uses its own LibreOffice profile, so calls may run in parallel.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="officialdoc-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(docx)
        env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig_file(folder)), "HOME": tmp}
        command = [
            soffice,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        _run_soffice(command, env=env, timeout=timeout)
        result = folder / "document.pdf"
        if not result.exists():
            raise PdfConversionError("LibreOffice wrote no PDF for the document")
        return result.read_bytes()


def _run_soffice(command: list[str], *, env: dict[str, str], timeout: int) -> None:
    # soffice starts soffice.bin as a child: a session of its own lets a timeout end both.
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfConversionError(f"LibreOffice took longer than {timeout} s to convert the document") from exc
    if process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip()[-500:]
        raise PdfConversionError(f"LibreOffice failed (exit {process.returncode}): {message}")
