"""Unit names as people write them: the key a name is matched by, splitting a 责任单位 cell, nearness.

Pure text functions (no database): ``selectors.resolve_unit_names`` puts them to work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The county prefix people add or leave out: 县住建局 / 住建局.
COUNTY_PREFIX = "县"
# Between names in one cell: 、，,;；/ and white space (full-width space included).
SEPARATORS = frozenset("、，,;；/／\n\t \u3000")
# A role marker written beside a name: 县住建局（牵头）, 牵头：县住建局, (配合).
_MARKER = re.compile(r"[（(]\s*(牵头|配合|负责|责任|主责|协办|协助)\s*(单位)?\s*[)）]")
_LEADING_MARKER = re.compile(r"^(牵头|配合|负责|责任|主责|协办|协助)(单位)?[:：]")
LEAD_WORDS = frozenset({"牵头", "负责", "主责", "责任"})


def name_key(text: str) -> str:
    """A name as matched: full-width folded to half-width (（）→()), no white space, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def key_variants(key: str) -> list[str]:
    """The other spellings of a key with or without the county prefix (县城管局 ↔ 城管局)."""
    if key.startswith(COUNTY_PREFIX) and len(key) > 2:
        return [key[len(COUNTY_PREFIX) :]]
    return [COUNTY_PREFIX + key] if key else []


@dataclass(frozen=True)
class WrittenName:
    """One name of a cell, its role marker taken off (``lead``: marked 牵头/负责)."""

    text: str
    lead: bool = False
    cooperating: bool = False


def split_names(cell: str) -> list[WrittenName]:
    """The names of a 责任单位 cell: "县住建局（牵头）、县城管局，各乡镇（街道）" → three names.

    Separators inside brackets do not split (各乡镇（街道、社区） stays one name).
    """
    parts: list[str] = []
    current, depth = "", 0
    for char in cell or "":
        if char in "（(":
            depth += 1
        elif char in ")）":
            depth = max(depth - 1, 0)
        if char in SEPARATORS and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [name for part in parts if (name := _written(part)) is not None]


def _written(part: str) -> WrittenName | None:
    markers = [m.group(1) for m in _MARKER.finditer(part)]
    text = _MARKER.sub("", part).strip()
    if leading := _LEADING_MARKER.match(text):
        markers.append(leading.group(1))
        text = text[leading.end() :].strip()
    if not text:
        return None
    lead = any(m in LEAD_WORDS for m in markers)
    return WrittenName(text, lead=lead, cooperating=bool(markers) and not lead)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _is_subsequence(short: str, long: str) -> bool:
    """True when ``short``'s characters appear in ``long`` in order: 市监局 in 市场监督管理局."""
    chars = iter(long)
    return all(char in chars for char in short)


def nearness(written: str, candidate: str) -> float:
    """How near a written name is to a unit's name, 0…~1.5: character and bigram overlap, plus
    a bonus when one contains the other or the written name is an abbreviation (subsequence)."""
    a, b = name_key(written).removeprefix(COUNTY_PREFIX), name_key(candidate).removeprefix(COUNTY_PREFIX)
    if not a or not b:
        return 0.0
    score = 0.5 * _dice(_bigrams(a), _bigrams(b)) + 0.5 * _dice(set(a), set(b))
    if a in b or b in a:
        score += 0.3
    elif _is_subsequence(a, b):
        score += 0.25
    return score
