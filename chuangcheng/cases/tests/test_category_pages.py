"""The office's category pages: the tree, editing a 小类's rules, adding one; 403 for everyone else."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from chuangcheng.cases import services
from chuangcheng.cases.choices import RoutingRule, TimeUnit
from chuangcheng.cases.models import Category
from chuangcheng.core.errors import DomainError

from .conftest import at


def edit_data(category: Category, **changes: object) -> dict[str, str]:
    data = {
        "name": category.name,
        "time_limit": str(category.time_limit),
        "time_unit": category.time_unit,
        "routing_rule": category.routing_rule,
        "owner_unit": str(category.owner_unit_id or ""),
        "is_active": "on" if category.is_active else "",
        "auto_dispatch": "on" if category.auto_dispatch else "",
    }
    data.update({k: str(v) for k, v in changes.items()})
    return {k: v for k, v in data.items() if v != ""}


def test_searching_lists_only_the_matching_subcategories(client, world, categories):
    client.force_login(world.office)

    page = client.get(reverse("cases:category_list"), {"q": "垃圾"}).content.decode()

    listed = {name for name, c in categories.items() if f'id="category-edit-{c.pk}"' in page}
    assert listed == {name for name in categories if "垃圾" in name}
    assert "暴露垃圾" in listed and "占道经营" not in listed
    assert f"找到 {len(listed)} 个小类" in page


def test_searching_by_a_major_category_lists_its_whole_group(client, world, categories):
    client.force_login(world.office)
    garbage = categories["暴露垃圾"]

    page = client.get(reverse("cases:category_list"), {"q": garbage.parent.name}).content.decode()

    group = [c for c in categories.values() if c.parent_id == garbage.parent_id]
    assert all(f'id="category-edit-{c.pk}"' in page for c in group)


def test_a_search_that_finds_nothing_says_so(client, world, categories):
    client.force_login(world.office)

    page = client.get(reverse("cases:category_list"), {"q": "不存在的类别"}).content.decode()

    assert "没有匹配的小类" in page and "category-edit-" not in page


def test_the_office_sees_both_trees_with_each_leafs_rules(client, world, categories):
    client.force_login(world.office)

    response = client.get(reverse("cases:category_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "部件" in page and "事件" in page
    garbage = categories["暴露垃圾"]
    assert garbage.code in page and garbage.parent.name in page
    assert f'id="category-edit-{garbage.pk}"' in page
    assert "先属地后属主（默认）" in page  # 事件 with no rule of its own: the default, said so


def test_an_edited_limit_is_used_by_the_next_dispatch(client, world, garbage, make):
    client.force_login(world.office)

    response = client.post(
        reverse("cases:category_edit", args=[garbage.pk]),
        edit_data(garbage, time_limit="3", time_unit=TimeUnit.WORK_DAYS, owner_unit=world.housing.pk),
    )

    assert response.status_code == 302
    garbage.refresh_from_db()
    assert (garbage.time_limit, garbage.time_unit, garbage.owner_unit) == (
        Decimal(3),
        TimeUnit.WORK_DAYS,
        world.housing,
    )
    case = make.dispatched()  # Tuesday 24 November 2026, 09:00: three working days of 7 h
    assert case.deadline == at(2026, 11, 27, 9, 0)


@pytest.mark.parametrize("limit", ["0", "-2"])
def test_a_limit_that_is_not_positive_is_refused_in_chinese_and_nothing_changes(client, world, garbage, limit):
    client.force_login(world.office)
    before = (garbage.time_limit, garbage.time_unit, garbage.routing_rule)

    response = client.post(
        reverse("cases:category_edit", args=[garbage.pk]),
        edit_data(garbage, time_limit=limit, routing_rule=RoutingRule.OWNER_FIRST),
    )

    assert response.status_code == 200
    assert "处置时限必须大于 0" in response.content.decode()
    garbage.refresh_from_db()
    assert (garbage.time_limit, garbage.time_unit, garbage.routing_rule) == before


def test_the_office_adds_a_leaf_under_a_parent_with_a_unique_code(client, world, categories):
    client.force_login(world.office)
    parent = categories["暴露垃圾"].parent
    form = client.get(reverse("cases:category_create"), {"parent": parent.pk})
    assert form.status_code == 200 and "默认：部件先属主后属地，事件先属地后属主" in form.content.decode()
    data = {"parent": parent.pk, "code": "S0199", "name": "河道漂浮物", "time_limit": "1", "time_unit": "work_days"}
    data["is_active"] = "on"

    response = client.post(reverse("cases:category_create"), data)

    assert response.status_code == 302
    leaf = Category.objects.get(code="S0199")
    assert (leaf.parent, leaf.kind, leaf.effective_routing_rule) == (parent, parent.kind, RoutingRule.TERRITORIAL_FIRST)

    again = client.post(reverse("cases:category_create"), {**data, "name": "另一个"})

    assert again.status_code == 200
    assert Category.objects.filter(code="S0199").count() == 1
    assert not Category.objects.filter(name="另一个").exists()


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a", "inspector"])
def test_anyone_but_the_office_gets_403(client, world, garbage, persona):
    client.force_login(getattr(world, persona))
    before = garbage.time_limit

    assert client.get(reverse("cases:category_list")).status_code == 403
    assert client.get(reverse("cases:category_create")).status_code == 403
    edit = reverse("cases:category_edit", args=[garbage.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, edit_data(garbage, time_limit="9")).status_code == 403
    garbage.refresh_from_db()
    assert garbage.time_limit == before


def test_the_service_itself_refuses_a_non_office_user_and_a_bad_limit(world, garbage):
    garbage.time_limit = Decimal(5)
    with pytest.raises(DomainError):
        services.category_save(category=garbage, by=world.admin_a)
    garbage.time_limit = Decimal(0)
    with pytest.raises(DomainError, match="处置时限必须大于 0"):
        services.category_save(category=garbage, by=world.office)
    garbage.refresh_from_db()
    assert garbage.time_limit == Decimal(2)
