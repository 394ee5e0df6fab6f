"""The shared .xlsx writer and reader (core/xlsx.py) that every export and import goes through."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

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
