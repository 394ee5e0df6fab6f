"""The seeded checklists: complete, well formed, and naming only case categories that exist."""

from __future__ import annotations

import re

import pytest

from chuangcheng.cases.category_seed import COMPONENTS, EVENTS
from chuangcheng.inspections.checklist_seed import FAMILIES, ROAD_CLASS_ITEMS, SITE_TYPE_ITEMS, Item
from chuangcheng.places.choices import DEFAULT_SITE_TYPES, RoadClass

CATEGORY_NAMES = {leaf.name for _, _, leaves in (*COMPONENTS, *EVENTS) for leaf in leaves}
FAMILY_CODES = {code for code, _ in FAMILIES}
CHECKLISTS: dict[str, list[Item]] = {
    **{f"site:{code}": items for code, items in SITE_TYPE_ITEMS.items()},
    **{f"road:{code}": items for code, items in ROAD_CLASS_ITEMS.items()},
}


def texts(items: list[Item]) -> list[str]:
    return [item[1] for item in items]


def has(items: list[Item], *patterns: str) -> bool:
    """Whether one item's text matches every pattern."""
    return any(all(re.search(p, text) for p in patterns) for text in texts(items))


def test_every_site_type_and_road_class_has_a_checklist():
    assert set(SITE_TYPE_ITEMS) == {code for code, _ in DEFAULT_SITE_TYPES}
    assert set(ROAD_CLASS_ITEMS) == set(RoadClass.values)


def test_enough_items():
    assert all(len(items) >= 8 for items in CHECKLISTS.values()), {k: len(v) for k, v in CHECKLISTS.items()}
    assert sum(len(items) for items in CHECKLISTS.values()) >= 250


@pytest.mark.parametrize("name", sorted(CHECKLISTS))
def test_items_are_well_formed(name):
    items = CHECKLISTS[name]
    for family, text, how, points, photo, category in items:
        assert family in FAMILY_CODES, text
        assert text.strip() and len(text) <= 100, text
        assert how.strip() and len(how) <= 200, text
        assert isinstance(points, float) and 0 < points <= 10, text
        assert isinstance(photo, bool), text
        assert category == "" or category in CATEGORY_NAMES, (text, category)
    assert len(set(texts(items))) == len(items), name


@pytest.mark.parametrize("name", sorted(CHECKLISTS))
def test_items_are_grouped_by_family_in_the_evaluations_order(name):
    order = [code for code, _ in FAMILIES]
    positions = [order.index(item[0]) for item in CHECKLISTS[name]]
    assert positions == sorted(positions)


def test_the_market_has_the_issues_examples():
    items = SITE_TYPE_ITEMS["market"]
    assert has(items, "公平秤")
    assert has(items, "公益广告", "2|两")
    assert has(items, "诚信")
    assert has(items, "占道经营")
    assert has(items, "公厕", "异味")


@pytest.mark.parametrize("items", [SITE_TYPE_ITEMS["main_road"], ROAD_CLASS_ITEMS["main"]])
def test_the_main_road_has_the_issues_examples(items):
    assert has(items, "200 ?米", "公益广告")
    assert has(items, "卫生死角")
    assert has(items, "占道经营")
    assert has(items, "盲道")
