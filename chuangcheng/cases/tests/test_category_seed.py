"""The national default category table: complete, coded, with rules; re-seeding keeps the office's edits."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command

from chuangcheng.cases import services
from chuangcheng.cases.category_seed import TREES
from chuangcheng.cases.choices import CategoryKind, TimeUnit
from chuangcheng.cases.models import Category
from chuangcheng.core.models import AuditEntry


def rows() -> list[tuple]:
    return list(Category.objects.order_by("code").values_list(*[f.name for f in Category._meta.concrete_fields]))


def test_the_table_has_the_standards_trees_with_at_least_120_subcategories(db):
    leaves = [(prefix, group, leaf) for _, prefix, tree in TREES for group, _, items in tree for leaf in items]
    codes = [f"{prefix}{group}{leaf.serial}" for prefix, group, leaf in leaves]

    assert len(leaves) >= 120
    assert len(codes) == len(set(codes))
    groups = {kind: [name for _, name, _ in tree] for kind, _, tree in TREES}
    assert groups["component"][:6] == ["公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施"]
    assert groups["event"][:6] == ["市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "其他事件"]


def test_seeding_writes_every_subcategory_with_both_conditions_a_limit_and_an_urgent_limit(world):
    services.seed_categories()

    leaves = Category.objects.filter(parent__isnull=False)
    assert leaves.count() >= 120
    for leaf in leaves:
        assert leaf.accept_condition and leaf.close_condition, leaf.code
        assert leaf.time_limit > 0 and leaf.time_unit in TimeUnit.values, leaf.code
        assert leaf.urgent_time_limit and leaf.urgent_time_unit, leaf.code
        assert leaf.kind == leaf.parent.kind
    cover = Category.objects.get(code="BJ0101")
    assert (cover.name, cover.parent.name, cover.kind) == ("上水井盖", "公用设施", CategoryKind.COMPONENT)
    assert cover.accept_condition == "井盖丢失、破损、移位、松动，存在安全隐患的"
    assert cover.close_condition == "井盖补齐、更换或复位，无安全隐患"
    assert Category.objects.get(code="SJ0101").name == "私搭乱建"
    assert Category.objects.get(code="SJ0403").urgent  # 燃气管道破裂 starts every case urgent
    names = "污水井盖 雨水井盖 路名牌 过街天桥 报刊亭 古树名木 消防栓 施工占道 无证掘路 流浪乞讨 黑车拉客 焚烧垃圾树叶"
    for name in [*names.split(), "沿街晾挂", "油烟污染", "非法小广告", "积存垃圾渣土"]:
        assert leaves.filter(name=name).exists(), name


def test_seeding_twice_changes_nothing(world):
    services.seed_categories()
    before = rows()
    audit = AuditEntry.objects.count()

    again = services.seed_categories()

    assert (again.created, again.updated, again.kept) == (0, 0, [])
    assert rows() == before
    assert AuditEntry.objects.count() == audit


def test_an_office_edit_survives_a_reseed_and_force_writes_the_table_over_it(world):
    services.seed_categories()
    cover = Category.objects.get(code="BJ0102")
    cover.close_condition = "井盖更换并经权属单位验收"
    cover.time_limit = Decimal("8")
    services.category_save(category=cover, by=world.office)

    kept = services.seed_categories()

    cover.refresh_from_db()
    assert cover.close_condition == "井盖更换并经权属单位验收" and cover.time_limit == Decimal("8")
    assert sorted(kept.kept) == ["BJ0102 close_condition", "BJ0102 time_limit"]
    assert kept.updated == 0

    forced = services.seed_categories(force=True)

    cover.refresh_from_db()
    assert cover.close_condition == "井盖补齐、更换或复位，无安全隐患" and cover.time_limit == Decimal("4")
    assert forced.updated == 1


def test_a_changed_table_updates_the_fields_the_office_left_alone(world):
    services.seed_categories()
    stale = Category.objects.get(code="SJ0102")
    # As if an older table had written other wording: the office never touched it.
    Category.objects.filter(pk=stale.pk).update(
        accept_condition="旧条件", seed_values={**stale.seed_values, "accept_condition": "旧条件"}
    )

    result = services.seed_categories()

    stale.refresh_from_db()
    assert stale.accept_condition.startswith("道路、广场、绿地")
    assert result.updated == 1 and result.kept == []


def test_the_command_reports_what_it_kept(world, capsys):
    services.seed_categories()
    Category.objects.filter(code="SJ0511").update(name="摆摊设点")

    call_command("seed_categories")

    out = capsys.readouterr().out
    assert "新增 0" in out and "SJ0511 name" in out
    assert Category.objects.get(code="SJ0511").name == "摆摊设点"
