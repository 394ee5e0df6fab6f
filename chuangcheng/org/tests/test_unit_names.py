"""Unit names as a county writes them in its 任务分解表: aliases, group words, the resolver."""

from __future__ import annotations

import pytest

from chuangcheng.core.errors import DomainError
from chuangcheng.core.models import AuditEntry
from chuangcheng.org.choices import UnitGroup, UnitKind
from chuangcheng.org.names import split_names
from chuangcheng.org.selectors import resolve_unit_names, unit_set_members
from chuangcheng.org.services import (
    unit_alias_add,
    unit_alias_remove,
    unit_aliases_set,
    unit_create,
    unit_set_save,
    unit_sets_seed,
)

DEPARTMENTS = [
    ("县住房和城乡建设局", ""),
    ("县城市管理综合执法局", "城管局"),
    ("县市场监督管理局", ""),
    ("共青团示范县委员会", ""),
    ("县交通运输局", "交通局"),
]
TOWNS = ["城关街道", "城东街道", "柳林镇", "固城乡"]


@pytest.fixture
def county(db):
    root = unit_create(name="示范县委县政府", code="R", kind=UnitKind.DEPARTMENT, group=UnitGroup.OTHER)
    units = {"root": root}
    for i, (name, short) in enumerate(DEPARTMENTS):
        units[name] = unit_create(
            name=name, code=f"D{i}", short_name=short, kind=UnitKind.DEPARTMENT, group=UnitGroup.DEPARTMENT, parent=root
        )
    for i, name in enumerate(TOWNS):
        units[name] = unit_create(name=name, code=f"T{i}", kind=UnitKind.TOWN, group=UnitGroup.TOWN, parent=root)
    units["东关社区"] = unit_create(
        name="东关社区", code="C1", kind=UnitKind.COMMUNITY, group=UnitGroup.COMMUNITY, parent=units["城关街道"]
    )
    units["王庄村"] = unit_create(
        name="王庄村", code="C2", kind=UnitKind.COMMUNITY, group=UnitGroup.COMMUNITY, parent=units["柳林镇"]
    )
    unit_sets_seed()
    return units


def names_of(units) -> list[str]:
    return [u.name for u in units]


def test_a_cell_splits_on_every_separator_and_drops_the_lead_marker():
    written = split_names("县住建局（牵头）、县城管局，各乡镇（街道）; 县市场监管局/团县委 县交通局")

    assert [w.text for w in written] == ["县住建局", "县城管局", "各乡镇（街道）", "县市场监管局", "团县委", "县交通局"]
    assert [w.lead for w in written] == [True, False, False, False, False, False]


def test_separators_inside_brackets_do_not_split():
    assert [w.text for w in split_names("各乡镇（街道、社区）")] == ["各乡镇（街道、社区）"]


def test_names_as_people_write_them_find_their_units(county):
    unit_alias_add(unit=county["县住房和城乡建设局"], name="住建局")
    unit_alias_add(unit=county["县市场监督管理局"], name="市场监管局")
    unit_alias_add(unit=county["共青团示范县委员会"], name="团县委")

    resolution = resolve_unit_names("县住建局、县城管局，市场监管局；团县委 县城市管理综合执法局")

    assert [names_of(n.units) for n in resolution.names] == [
        ["县住房和城乡建设局"],  # alias 住建局 with the 县 prefix
        ["县城市管理综合执法局"],  # short name 城管局 with the 县 prefix
        ["县市场监督管理局"],
        ["共青团示范县委员会"],
        ["县城市管理综合执法局"],
    ]
    assert names_of(resolution.units) == [
        "县住房和城乡建设局",
        "县城市管理综合执法局",
        "县市场监督管理局",
        "共青团示范县委员会",
    ]
    assert resolution.unknown == []


def test_full_and_half_width_brackets_are_one_spelling(county):
    unit_alias_add(unit=county["城关街道"], name="城关街道（办事处）")

    assert names_of(resolve_unit_names("城关街道(办事处)").units) == ["城关街道"]


def test_group_words_mean_their_units(county):
    resolution = resolve_unit_names("县住建局（牵头），各乡镇（街道）")

    assert resolution.names[1].via == "group"
    assert names_of(resolution.names[1].units) == ["城关街道", "城东街道", "柳林镇", "固城乡"]
    assert names_of(resolve_unit_names("各乡镇").units) == ["柳林镇", "固城乡"]
    assert names_of(resolve_unit_names("各街道").units) == ["城关街道", "城东街道"]
    assert names_of(resolve_unit_names("各社区").units) == ["东关社区"]
    # 县直各单位: the departments, not the county itself.
    assert names_of(resolve_unit_names("县直各单位").units) == [name for name, _ in DEPARTMENTS]


def test_a_group_can_list_its_units_by_hand(county):
    enforcement = [county["县城市管理综合执法局"], county["县市场监督管理局"]]
    unit_set_save(name="县直各执法单位", units=enforcement)

    assert names_of(resolve_unit_names("县直各执法单位").units) == ["县城市管理综合执法局", "县市场监督管理局"]


def test_an_inactive_unit_leaves_its_groups(county):
    county["固城乡"].is_active = False
    county["固城乡"].save()

    assert names_of(resolve_unit_names("各乡镇").units) == ["柳林镇"]


@pytest.mark.parametrize(
    ("written", "first"),
    [
        ("县城管执法局", "县城市管理综合执法局"),
        ("住建局", "县住房和城乡建设局"),
        ("县市监局", "县市场监督管理局"),
        ("城关镇", "城关街道"),
        ("县交通运输管理局", "县交通运输局"),
    ],
)
def test_an_unknown_name_gets_the_nearest_units_as_suggestions(county, written, first):
    (name,) = resolve_unit_names(written).names

    assert not name.found
    assert name.suggestions[0].name == first
    assert len(name.suggestions) <= 3


def test_a_name_like_nothing_gets_no_suggestions(county):
    (name,) = resolve_unit_names("气象台").names

    assert name.suggestions == []


def test_an_alias_is_unique_in_the_county(county):
    unit_alias_add(unit=county["县城市管理综合执法局"], name="县城管执法局")

    with pytest.raises(DomainError, match="已被单位“县城市管理综合执法局”的别名使用"):
        unit_alias_add(unit=county["县市场监督管理局"], name="县城管执法局 ")
    with pytest.raises(DomainError, match="已被单位“城关街道”使用"):
        unit_alias_add(unit=county["柳林镇"], name="城关街道")
    with pytest.raises(DomainError, match="已被单位分组使用"):
        unit_alias_add(unit=county["柳林镇"], name="各乡镇(街道)")
    with pytest.raises(DomainError, match="已是该单位的名称"):
        unit_alias_add(unit=county["县城市管理综合执法局"], name="城管局")


def test_alias_changes_are_logged(county):
    unit = county["县城市管理综合执法局"]
    alias = unit_alias_add(unit=unit, name="县城管执法局")
    unit_alias_remove(alias=alias)

    actions = list(
        AuditEntry.objects.filter(action__startswith="org.unit.alias").order_by("pk").values_list("action", "data")
    )
    assert actions == [
        ("org.unit.alias_add", {"alias": "县城管执法局"}),
        ("org.unit.alias_remove", {"alias": "县城管执法局"}),
    ]


def test_setting_the_aliases_adds_and_removes(county):
    unit = county["县城市管理综合执法局"]
    unit_aliases_set(unit=unit, names=["县城管执法局", "城管执法局"])
    aliases = unit_aliases_set(unit=unit, names=["城管执法局", "执法局"])

    assert sorted(a.name for a in aliases) == sorted(["城管执法局", "执法局"])


def test_a_group_needs_a_rule_or_units(county):
    with pytest.raises(DomainError, match="请选择单位类型"):
        unit_set_save(name="空分组")


def test_a_group_rule_is_kinds_and_name_endings(county):
    unit_set = unit_set_save(name="各镇", kinds=[UnitKind.TOWN], name_endings="镇")

    assert names_of(unit_set_members(unit_set)) == ["柳林镇"]
    assert AuditEntry.objects.filter(action="org.unit_set.create", object_id=str(unit_set.pk)).exists()
