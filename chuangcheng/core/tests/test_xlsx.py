"""The shared .xlsx writer and reader (core/xlsx.py) that every export and import goes through."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook

from chuangcheng.core.xlsx import Sheet, read_xlsx, xlsx_bytes

FORMULA_LIKE = [
    "=1+2",
    '=HYPERLINK("http://evil.example/","点此查看")',
    "+1+2",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "#N/A",
]


def test_text_that_looks_like_a_formula_is_written_as_a_text_cell_holding_exactly_that_text():
    data = xlsx_bytes([Sheet(title="表", header=["文本", "数字"], rows=[[text, 3] for text in FORMULA_LIKE])])

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    texts = [row[0] for row in sheet.iter_rows(min_row=2)]
    numbers = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in texts] == [(text, "s") for text in FORMULA_LIKE]
    assert {(c.value, c.data_type) for c in numbers} == {(3, "n")}


def test_an_import_of_the_export_reads_the_formula_like_text_back_unchanged():
    rows = [[text] for text in FORMULA_LIKE[:5]]
    data = xlsx_bytes([Sheet(title="表", header=["描述"], rows=rows)])

    _header, body = read_xlsx(data)
    assert [values["描述"] for _number, values in body] == FORMULA_LIKE[:5]


def test_control_characters_pasted_into_text_are_dropped_instead_of_failing_the_export():
    # A vertical tab or form feed comes with text pasted from Word; XML 1.0 cannot hold them,
    # and openpyxl raised IllegalCharacterError, so the whole export answered 500.
    rows = [["第一行\x0b第二行"], ["换页\x0c符"], ["=1+2\x08"], ["响铃\x07"]]
    data = xlsx_bytes([Sheet(title="表", header=["描述"], rows=rows)])

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("第一行第二行", "s"),
        ("换页符", "s"),
        ("=1+2", "s"),
        ("响铃", "s"),
    ]


def _sheet(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_header_below_a_title_row_is_found_and_rows_keep_their_excel_numbers():
    data = _sheet([["某某县检查表（2026 年）"], [], ["名称", "分值"], ["甲", 1], [], ["乙", 2]])

    header, body = read_xlsx(data, is_header=lambda cells: "名称" in cells)

    assert header == ["名称", "分值"]
    assert list(body) == [(4, {"名称": "甲", "分值": 1}), (6, {"名称": "乙", "分值": 2})]


def test_without_a_recognisable_header_the_first_row_is_the_header_and_no_row_is_lost():
    data = _sheet([["甲", "乙"], ["1", "2"], ["3", "4"]])

    header, body = read_xlsx(data, is_header=lambda cells: False)

    assert header == ["甲", "乙"]
    assert [number for number, _ in body] == [2, 3]
