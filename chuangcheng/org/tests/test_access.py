from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role, UnitGroup, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.selectors import unit_list_for_user
from chuangcheng.org.services import membership_grant, person_create


def reloaded(person: Person) -> Person:
    """A fresh instance, as a new request would have (scopes are cached per instance)."""
    return Person.objects.get(pk=person.pk)


@pytest.mark.parametrize("persona", ["office", "supervisor", "leader"])
def test_county_roles_see_every_unit(world, persona):
    scope = scope_for(getattr(world, persona))

    assert scope.all_units
    assert scope.sees(world.town_b)
    assert scope.sees(world.community_a1)


def test_only_the_office_may_edit_the_map(world):
    assert scope_for(world.office).can_edit_map
    assert not scope_for(world.supervisor).can_edit_map
    assert not scope_for(world.leader).can_edit_map
    assert not scope_for(world.admin_a).can_edit_map


def test_a_unit_admin_sees_their_unit_and_its_subtree_only(world):
    scope = scope_for(world.admin_a)

    assert not scope.all_units
    assert scope.sees(world.town_a)
    assert scope.sees(world.community_a1)
    assert not scope.sees(world.town_b)
    assert not scope.sees(world.county)
    assert not scope.sees(None)


def test_a_handler_in_a_community_sees_that_community_only(world):
    scope = scope_for(world.handler_a)

    assert scope.sees(world.community_a1)
    assert not scope.sees(world.town_a)


@pytest.mark.parametrize("persona", ["admin_a", "admin_b", "handler_a", "chief_a", "inspector", "volunteer"])
def test_unit_roles_are_not_county_wide(world, persona):
    assert not scope_for(getattr(world, persona)).all_units


def test_scope_lists_the_roles_held(world):
    membership_grant(person=world.admin_a, unit=world.town_a, role=Role.ROAD_CHIEF)
    person = reloaded(world.admin_a)

    assert scope_for(person).roles == {Role.UNIT_ADMIN, Role.ROAD_CHIEF}
    assert scope_for(person).has(Role.ROAD_CHIEF, Role.OFFICE)


def test_roles_in_two_units_see_both_subtrees(world):
    membership_grant(person=world.admin_a, unit=world.town_b, role=Role.HANDLER)

    scope = scope_for(reloaded(world.admin_a))

    assert scope.sees(world.community_a1)
    assert scope.sees(world.town_b)
    assert not scope.sees(world.housing)


def test_a_superuser_sees_every_unit(world):
    root = Person.objects.create_superuser(username="root", password="x", real_name="运维")

    assert scope_for(root).all_units


def test_anonymous_and_inactive_users_see_nothing(world):
    world.office.is_active = False
    world.office.save()

    assert scope_for(AnonymousUser()) == scope_for(reloaded(world.office))
    assert not scope_for(reloaded(world.office)).all_units
    assert not scope_for(AnonymousUser()).sees(world.town_a)
    assert scope_for(AnonymousUser()).roles == frozenset()


def test_a_person_without_memberships_sees_no_units(world):
    person = person_create(username="nobody", real_name="新人", unit=world.town_a)

    assert not unit_list_for_user(user=person).exists()


def test_a_member_of_a_unit_without_a_path_does_not_see_the_whole_county(world):
    # Units bulk-loaded before rebuild_unit_paths() have an empty path, and every path
    # starts with "": such a membership must grant nothing rather than everything.
    loaded = Unit.objects.create(name="未整理单位", code="X01", kind=UnitKind.OTHER, group=UnitGroup.OTHER)
    person = person_create(username="x_admin", real_name="某人", unit=loaded)
    membership_grant(person=person, unit=loaded, role=Role.UNIT_ADMIN)

    scope = scope_for(reloaded(person))

    assert not scope.sees(world.town_a)
    assert not unit_list_for_user(user=reloaded(person)).filter(pk=world.town_a.pk).exists()
