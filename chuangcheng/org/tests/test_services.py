from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chuangcheng.core.errors import DomainError
from chuangcheng.org.choices import Role, UnitGroup, UnitKind
from chuangcheng.org.models import Membership, Person, Unit
from chuangcheng.org.services import (
    membership_grant,
    membership_revoke,
    person_create,
    rebuild_unit_paths,
    unit_create,
    unit_move,
)


def community(name: str, code: str, parent: Unit) -> Unit:
    return unit_create(name=name, code=code, kind=UnitKind.COMMUNITY, group=UnitGroup.COMMUNITY, parent=parent)


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def test_unit_create_gives_a_materialised_path_under_the_parent(world):
    assert world.county.path == f"/{world.county.pk}/"
    assert world.community_a1.path == f"/{world.county.pk}/{world.town_a.pk}/{world.community_a1.pk}/"
    assert world.community_a1.depth == 2


def test_unit_create_refuses_a_duplicate_name(world):
    with pytest.raises(ValidationError) as excinfo:
        community("东关社区", "T09C01", world.town_b)

    assert "name" in excinfo.value.message_dict


def test_unit_move_rewrites_the_paths_of_the_whole_subtree(world):
    street = community("东关一街", "T01C01S1", world.community_a1)

    unit_move(unit=world.community_a1, parent=world.town_b)

    town_b_path = world.town_b.path
    assert fresh(world.community_a1).path == f"{town_b_path}{world.community_a1.pk}/"
    assert fresh(street).path == f"{town_b_path}{world.community_a1.pk}/{street.pk}/"
    assert fresh(world.community_a1).parent == world.town_b
    assert fresh(world.town_a).path == f"/{world.county.pk}/{world.town_a.pk}/"  # the old parent is untouched


def test_unit_move_to_the_top_level(world):
    unit_move(unit=world.town_a, parent=None)

    assert fresh(world.community_a1).path == f"/{world.town_a.pk}/{world.community_a1.pk}/"


@pytest.mark.parametrize("target", ["town_a", "community_a1"])
def test_unit_move_refuses_moving_a_unit_under_itself_or_its_descendant(world, target):
    with pytest.raises(DomainError, match="下级单位"):
        unit_move(unit=world.town_a, parent=getattr(world, target))

    assert fresh(world.town_a).parent == world.county


def test_unit_move_works_from_a_stale_instance(world):
    # Loaded before its parent moved (an admin action walking a list, a second request).
    stale = Unit.objects.get(pk=world.community_a1.pk)
    street = community("东关一街", "T01C01S1", world.community_a1)
    unit_move(unit=Unit.objects.get(pk=world.town_a.pk), parent=world.town_b)

    unit_move(unit=stale, parent=world.county)

    expected = f"/{world.county.pk}/{world.community_a1.pk}/"
    assert fresh(world.community_a1).path == expected
    assert fresh(street).path == f"{expected}{street.pk}/"


def test_unit_move_refuses_a_descendant_given_as_a_stale_instance(world):
    stale_community = Unit.objects.get(pk=world.community_a1.pk)
    unit_move(unit=Unit.objects.get(pk=world.town_a.pk), parent=world.town_b)

    with pytest.raises(DomainError):
        unit_move(unit=Unit.objects.get(pk=world.town_b.pk), parent=stale_community)


def test_rebuild_unit_paths_repairs_bulk_loaded_units(world):
    loaded = Unit.objects.bulk_create(
        [Unit(name="新区街道", code="T03", kind=UnitKind.TOWN, group=UnitGroup.TOWN, parent=world.county)]
    )[0]
    loaded = Unit.objects.get(code="T03")
    Unit.objects.bulk_create(
        [Unit(name="新区社区", code="T03C01", kind=UnitKind.COMMUNITY, group=UnitGroup.COMMUNITY, parent=loaded)]
    )
    Unit.objects.filter(pk=world.community_a1.pk).update(path="/broken/")

    rebuild_unit_paths()

    child = Unit.objects.get(code="T03C01")
    assert fresh(loaded).path == f"/{world.county.pk}/{loaded.pk}/"
    assert child.path == f"/{world.county.pk}/{loaded.pk}/{child.pk}/"
    assert fresh(world.community_a1).path == f"/{world.county.pk}/{world.town_a.pk}/{world.community_a1.pk}/"


def test_membership_grant_is_idempotent(world):
    membership_grant(person=world.admin_a, unit=world.town_a, role=Role.UNIT_ADMIN)

    assert Membership.objects.filter(person=world.admin_a).count() == 1


def test_membership_grant_refuses_an_unknown_role(world):
    with pytest.raises(DomainError, match="未知角色"):
        membership_grant(person=world.admin_a, unit=world.town_a, role="mayor")

    assert not Membership.objects.filter(role="mayor").exists()


def test_membership_revoke_removes_only_that_role(world):
    membership_grant(person=world.admin_a, unit=world.town_a, role=Role.HANDLER)

    membership_revoke(person=world.admin_a, unit=world.town_a, role=Role.UNIT_ADMIN)

    assert list(Membership.objects.filter(person=world.admin_a).values_list("role", flat=True)) == [Role.HANDLER]


def test_person_create_hashes_the_password(world):
    person = person_create(username="zhang", real_name="张三", unit=world.town_a, password="Xin#Mima2026")

    assert person.password != "Xin#Mima2026"
    assert person.check_password("Xin#Mima2026")


def test_person_create_without_password_cannot_log_in(world):
    person = person_create(username="zhang", real_name="张三", unit=world.town_a)

    assert not person.has_usable_password()


@pytest.mark.parametrize("mobile", ["1380013800", "23800138000", "138-0013-800", "1380013800a"])
def test_person_create_refuses_a_malformed_mobile(world, mobile):
    with pytest.raises(ValidationError) as excinfo:
        person_create(username="zhang", real_name="张三", unit=world.town_a, mobile=mobile)

    assert "11 位数字" in str(excinfo.value.message_dict["mobile"])


def test_person_create_refuses_a_mobile_already_in_use_with_a_chinese_message(world):
    person_create(username="zhang", real_name="张三", unit=world.town_a, mobile="13800138000")

    with pytest.raises(ValidationError) as excinfo:
        person_create(username="li", real_name="李四", unit=world.town_b, mobile="13800138000")

    assert "已被" in " ".join(excinfo.value.message_dict["mobile"])
    assert not Person.objects.filter(username="li").exists()


def test_many_people_may_have_no_mobile(world):
    person_create(username="zhang", real_name="张三", unit=world.town_a)
    person_create(username="li", real_name="李四", unit=world.town_a)

    assert Person.objects.filter(mobile="").count() >= 2


def test_the_database_refuses_a_duplicate_mobile_even_past_the_service(world):
    person_create(username="zhang", real_name="张三", unit=world.town_a, mobile="13800138000")

    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(username="li", real_name="李四", mobile="13800138000")
