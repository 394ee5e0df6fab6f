"""Bar charts for documents: Chinese labels, requested size and colours, the same bytes every time."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from chuangcheng.core.charts import bar_chart_png, cjk_font

LABELS = ["城关镇", "东城街道", "西城街道", "南湖镇", "龙泉镇"]
VALUES = [96.42, 95.18, 94.75, 93.6, 82.09]


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append(data[offset + 4 : offset + 8])
        offset += 12 + length
    return chunks


def colours(data: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return {colour for _, colour in image.getcolors(maxcolors=1_000_000)}


def test_the_same_chart_gives_the_same_bytes() -> None:
    first = bar_chart_png(LABELS, VALUES, title="各镇（街道）考核得分")
    assert first == bar_chart_png(LABELS, VALUES, title="各镇（街道）考核得分")
    assert first != bar_chart_png(LABELS, [*VALUES[:-1], 82.1], title="各镇（街道）考核得分")


def test_the_png_carries_no_time_or_text_chunks() -> None:
    chunks = png_chunks(bar_chart_png(LABELS, VALUES))
    assert set(chunks) <= {b"IHDR", b"IDAT", b"IEND"}


def test_the_chart_has_the_requested_size() -> None:
    image = Image.open(io.BytesIO(bar_chart_png(LABELS, VALUES, width_px=1200, height_px=700)))
    assert image.size == (1200, 700)
    tall = Image.open(io.BytesIO(bar_chart_png(LABELS * 4, VALUES * 4)))
    short = Image.open(io.BytesIO(bar_chart_png(LABELS, VALUES)))
    assert tall.size[0] == short.size[0] == 1600
    assert tall.size[1] > short.size[1]  # the default height grows with the number of bars


def test_bars_take_the_given_colours() -> None:
    data = bar_chart_png(LABELS, VALUES, colors=["#2F5597"] * 4 + ["#C00000"])
    assert {(0x2F, 0x55, 0x97), (0xC0, 0x00, 0x00)} <= colours(data)


def test_vertical_bars_with_long_labels_and_negative_values_draw() -> None:
    data = bar_chart_png(
        ["县城市管理局环境卫生管理所", "县市场监督管理局", "县交通运输局"],
        [12.5, -3.25, 7.0],
        horizontal=False,
        value_format="{:+.2f}",
    )
    image = Image.open(io.BytesIO(data))
    assert image.size == (1600, 900)
    assert (0x2F, 0x55, 0x97) in colours(data)


def test_the_chart_uses_a_chinese_font_of_the_machine() -> None:
    found = cjk_font()
    if found is None:
        pytest.skip("no CJK font on this machine (install fonts-noto-cjk)")
    path, _ = found
    assert path.name.startswith("Noto")
    # A Chinese label renders as glyphs: different characters give different pixels.
    assert bar_chart_png(["城关镇"], [1.0]) != bar_chart_png(["龙泉镇"], [1.0])


def test_labels_and_values_must_pair_up() -> None:
    with pytest.raises(ValueError):
        bar_chart_png(["甲", "乙"], [1.0])
    with pytest.raises(ValueError):
        bar_chart_png([], [])
