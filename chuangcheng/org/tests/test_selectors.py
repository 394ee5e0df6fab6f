from __future__ import annotations

import pytest
from django.http import Http404

from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.org.selectors import (
    get_person_for_user,
    get_unit_for_user,
    people_by_name,
    person_list_for_user,
    unit_list_for_user,
    units_by_name,
)
from chuangcheng.org.services import person_create


def names(qs) -> set[str]:
    return {obj.name if hasattr(obj, "code") else obj.username for obj in qs}


@pytest.mark.parametrize("persona", ["office", "supervisor", "leader"])
def test_county_roles_list_every_unit_and_person(world, persona):
    user = getattr(world, persona)

    assert len(unit_list_for_user(user=user)) == 7
    assert len(person_list_for_user(user=user)) == 10


def test_a_unit_admin_lists_their_subtree_in_tree_order(world):
    units = list(unit_list_for_user(user=world.admin_a))

    assert units == [world.town_a, world.community_a1]


def test_a_unit_admin_lists_the_people_of_their_subtree_only(world):
    usernames = names(person_list_for_user(user=world.admin_a))

    assert usernames == {"admin_a", "chief_a", "handler_a", "volunteer"}


def test_a_handler_lists_their_community_only(world):
    assert list(unit_list_for_user(user=world.handler_a)) == [world.community_a1]
    assert names(person_list_for_user(user=world.handler_a)) == {"handler_a", "volunteer"}


def test_units_count_their_people(world):
    counts = {u.code: u.people_count for u in unit_list_for_user(user=world.office)}

    assert counts["T01"] == 2  # admin_a and chief_a; the community's people count there
    assert counts["T01C01"] == 2


def test_unit_filters(world):
    towns = unit_list_for_user(user=world.office, filters={"kind": UnitKind.TOWN})
    found = unit_list_for_user(user=world.office, filters={"q": "城南"})

    assert {u.code for u in towns} == {"T01", "T02"}
    assert list(found) == [world.town_b]


def test_a_filter_never_widens_the_scope(world):
    assert not unit_list_for_user(user=world.admin_b, filters={"q": "城关"}).exists()
    assert not person_list_for_user(user=world.admin_b, filters={"unit": world.town_a.pk}).exists()


def test_person_filters(world):
    world.chief_a.mobile = "13900000001"
    world.chief_a.save()
    world.handler_a.is_active = False
    world.handler_a.save()

    assert names(person_list_for_user(user=world.office, filters={"role": Role.ROAD_CHIEF})) == {"chief_a", "chief_b"}
    assert names(person_list_for_user(user=world.office, filters={"q": "1390000"})) == {"chief_a"}
    assert names(person_list_for_user(user=world.office, filters={"q": "孙路"})) == {"chief_a"}
    assert names(person_list_for_user(user=world.admin_a, filters={"active": "0"})) == {"handler_a"}
    assert "handler_a" not in names(person_list_for_user(user=world.admin_a, filters={"active": "1"}))


def test_the_role_filter_lists_a_person_with_two_roles_once(world):
    from chuangcheng.org.services import membership_grant

    membership_grant(person=world.chief_a, unit=world.town_b, role=Role.ROAD_CHIEF)

    listed = [p.username for p in person_list_for_user(user=world.office, filters={"role": Role.ROAD_CHIEF})]

    assert sorted(listed) == ["chief_a", "chief_b"]


def test_get_unit_for_user_is_a_404_outside_the_scope(world):
    assert get_unit_for_user(world.admin_a, world.community_a1.pk) == world.community_a1
    with pytest.raises(Http404):
        get_unit_for_user(world.admin_a, world.town_b.pk)
    with pytest.raises(Http404):
        get_unit_for_user(world.admin_a, 999_999)


def test_get_person_for_user_is_a_404_outside_the_scope(world):
    assert get_person_for_user(world.admin_b, world.chief_b.pk) == world.chief_b
    with pytest.raises(Http404):
        get_person_for_user(world.admin_b, world.chief_a.pk)


def test_people_by_name_finds_real_names_and_logins_and_keeps_namesakes(world):
    namesake = person_create(username="sun2", real_name="孙路长", unit=world.town_b)

    found = people_by_name({"孙路长", "office", "查无此人"})

    assert set(found["孙路长"]) == {world.chief_a, namesake}
    assert found["office"] == [world.office]
    assert "查无此人" not in found


def test_units_by_name_finds_full_names_short_names_and_codes(world):
    world.town_a.short_name = "城关"
    world.town_a.save()

    found = units_by_name({"城关", "城南街道", "D03", "不存在"})

    assert found == {"城关": world.town_a, "城南街道": world.town_b, "D03": world.housing}
