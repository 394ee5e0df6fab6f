"""Bar charts as PNG, drawn with Pillow, for documents and exports (the monthly 通报's ranking).

Labels are Chinese, so the chart uses a CJK font found on the machine (Noto CJK from
fonts-noto-cjk first); without one it still draws, with Pillow's default font. The same input
gives the same bytes: no timestamps or text chunks are written to the PNG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
# Tried in this order: (file name, family inside a collection or None for a single face).
FONT_CANDIDATES: tuple[tuple[str, str | None], ...] = (
    ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("NotoSansCJKsc-Regular.otf", None),
    ("NotoSansSC-Regular.otf", None),
    ("NotoSansSC-Regular.ttf", None),
    ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("NotoSerifCJKsc-Regular.otf", None),
    ("wqy-microhei.ttc", None),
    ("wqy-zenhei.ttc", None),
    ("DroidSansFallbackFull.ttf", None),
)
DEFAULT_COLOR = "#2F5597"
TEXT, GRID, AXIS, BACKGROUND = "#222222", "#D9D9D9", "#595959", "#FFFFFF"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=1)
def cjk_font() -> tuple[Path, int] | None:
    """The CJK font file and face index the charts use, or None when the machine has none."""
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                found.setdefault(file.name, file)
    for name, family in FONT_CANDIDATES:
        path = found.get(name)
        if path is None:
            continue
        index = _face_index(path, family)
        if index is not None:
            return path, index
    return None


def _face_index(path: Path, family: str | None) -> int | None:
    if family is None:
        return 0
    for index in range(16):  # a .ttc holds a handful of faces (JP, KR, SC, TC, HK)
        try:
            face = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            return None
        if face.getname()[0] == family:
            return index
    return None


@lru_cache(maxsize=16)
def _font(size: int) -> Font:
    found = cjk_font()
    if found is None:
        return ImageFont.load_default(size)
    path, index = found
    return ImageFont.truetype(str(path), size, index=index)


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about ``ticks`` grid lines over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _scale(values: Sequence[float]) -> tuple[float, float, float]:
    """Axis minimum, maximum and tick step: zero always included, ends on round ticks."""
    low, high = min(0.0, *values), max(0.0, *values)
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if high == low:
        high = low + step
    return low, high, step


def _tick_label(value: float, step: float) -> str:
    return f"{value:.0f}" if float(step).is_integer() else f"{value:g}"


def bar_chart_png(
    labels: list[str],
    values: list[float],
    *,
    title: str = "",
    width_px: int = 1600,
    height_px: int | None = None,
    colors: list[str] | None = None,
    value_format: str = "{:.2f}",
    horizontal: bool = True,
) -> bytes:
    """A bar chart as PNG bytes: one bar per label, its value written at the bar's end.

    ``colors`` cycles over the bars (default one blue); ``height_px`` defaults to what the
    bars need. Horizontal bars (the default) suit rankings with long names.
    """
    if len(labels) != len(values):
        raise ValueError("bar_chart_png needs one value per label")
    if not labels:
        raise ValueError("bar_chart_png needs at least one bar")
    palette = colors or [DEFAULT_COLOR]
    height = height_px or (190 + 76 * len(labels) if horizontal else 900)
    image = Image.new("RGB", (width_px, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    top = 40
    if title:
        title_font = _font(56)
        draw.text((width_px / 2, 28), title, font=title_font, fill=TEXT, anchor="mt")
        top = 130
    if horizontal:
        _horizontal(draw, labels, values, palette, value_format, (width_px, height), top)
    else:
        _vertical(draw, labels, values, palette, value_format, (width_px, height), top)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _horizontal(
    draw: ImageDraw.ImageDraw,
    labels: list[str],
    values: list[float],
    palette: list[str],
    value_format: str,
    size: tuple[int, int],
    top: int,
) -> None:
    width, height = size
    font, small = _font(42), _font(34)
    label_room = max(_text_width(draw, label, font) for label in labels) + 40
    value_room = max(_text_width(draw, value_format.format(v), font) for v in values) + 30
    left, right, bottom = 30 + label_room, width - value_room - 30, height - 70
    low, high, step = _scale(values)

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    tick = low
    while tick <= high + step / 2:
        draw.line([(x(tick), top), (x(tick), bottom)], fill=GRID, width=2)
        draw.text((x(tick), bottom + 10), _tick_label(tick, step), font=small, fill=AXIS, anchor="mt")
        tick += step
    band = (bottom - top) / len(labels)
    bar = max(8.0, band * 0.62)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        middle = top + band * (index + 0.5)
        start, end = sorted((x(0), x(value)))
        draw.rectangle([start, middle - bar / 2, end, middle + bar / 2], fill=palette[index % len(palette)])
        draw.text((left - 20, middle), label, font=font, fill=TEXT, anchor="rm")
        text_x, anchor = (x(value) + 10, "lm") if value >= 0 else (x(value) - 10, "rm")
        draw.text((text_x, middle), value_format.format(value), font=font, fill=TEXT, anchor=anchor)
    draw.line([(x(0), top), (x(0), bottom)], fill=AXIS, width=3)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, room: float) -> list[str]:
    """``text`` cut into lines no wider than ``room`` (character by character: CJK has no spaces)."""
    lines, current = [], ""
    for char in text:
        if current and _text_width(draw, current + char, font) > room:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current]


def _vertical(
    draw: ImageDraw.ImageDraw,
    labels: list[str],
    values: list[float],
    palette: list[str],
    value_format: str,
    size: tuple[int, int],
    top: int,
) -> None:
    width, height = size
    font, small = _font(40), _font(34)
    band = (width - 160) / len(labels)
    wrapped = [_wrap(draw, label, font, band - 8) for label in labels]
    label_lines = max(len(lines) for lines in wrapped)
    left, right = 130, width - 30
    bottom = height - 30 - label_lines * 48
    top += 40  # room for the value above the tallest bar
    low, high, step = _scale(values)

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    tick = low
    while tick <= high + step / 2:
        draw.line([(left, y(tick)), (right, y(tick))], fill=GRID, width=2)
        draw.text((left - 12, y(tick)), _tick_label(tick, step), font=small, fill=AXIS, anchor="rm")
        tick += step
    bar = max(6.0, band * 0.6)
    for index, (lines, value) in enumerate(zip(wrapped, values, strict=True)):
        centre = left + band * (index + 0.5)
        upper, lower = sorted((y(0), y(value)))
        draw.rectangle([centre - bar / 2, upper, centre + bar / 2, lower], fill=palette[index % len(palette)])
        text_y, anchor = (y(value) - 8, "mb") if value >= 0 else (y(value) + 8, "mt")
        draw.text((centre, text_y), value_format.format(value), font=small, fill=TEXT, anchor=anchor)
        for line_index, line in enumerate(lines):
            draw.text((centre, bottom + 12 + 48 * line_index), line, font=font, fill=TEXT, anchor="mt")
    draw.line([(left, y(0)), (right, y(0))], fill=AXIS, width=3)
