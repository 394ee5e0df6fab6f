"""The questions ``Scope`` answers for every app: covers, sees, works_in, unit_q, acts_as, require_role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from chuangcheng.core.errors import DomainError
from chuangcheng.org.access import EMPTY_SCOPE, require, require_role, scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person, Unit


def reloaded(person: Person) -> Person:
    """A fresh instance, as a new request would have (scopes are cached per instance)."""
    return Person.objects.get(pk=person.pk)


def units(q) -> set[str]:
    return set(Unit.objects.filter(q).values_list("code", flat=True))


def people(q) -> set[str]:
    return set(Person.objects.filter(q).values_list("username", flat=True))


def superuser() -> Person:
    return Person.objects.create_superuser(username="root", password="x", real_name="运维")


# ---- covers / sees / works_in -----------------------------------------------------------------


def test_a_unit_role_covers_its_unit_and_the_units_below(world):
    scope = scope_for(world.admin_a)

    assert scope.covers(world.town_a) and scope.covers(world.community_a1)
    assert not scope.covers(world.town_b)
    assert not scope.covers(world.county)
    assert not scope.covers(None)


def test_county_wide_roles_see_every_unit_but_cover_none(world):
    scope = scope_for(world.office)

    assert scope.sees(world.town_b) and scope.sees(None)
    assert not scope.covers(world.office_unit)
    assert not scope.covers(world.town_b)


def test_a_road_chiefs_membership_unit_is_where_they_work_not_what_they_cover(world):
    scope = scope_for(world.chief_a)

    assert scope.works_in(world.town_a) and scope.works_in(world.community_a1)
    assert not scope.works_in(world.town_b)
    assert not scope.covers(world.town_a)
    assert not scope.sees(world.town_a)


def test_the_supervisor_works_in_its_own_office_only(world):
    scope = scope_for(world.supervisor)

    assert scope.works_in(world.supervision_unit)
    assert not scope.works_in(world.housing)
    assert not scope.works_in(None)


def test_has_unit_role_names_only_the_unit_roles(world):
    assert scope_for(world.admin_a).has_unit_role
    assert scope_for(world.handler_a).has_unit_role
    assert not any(
        scope_for(getattr(world, p)).has_unit_role for p in ("office", "supervisor", "leader", "chief_a", "inspector")
    )


# ---- query filters ------------------------------------------------------------------------------


def test_unit_q_without_a_prefix_filters_units_themselves(world):
    assert units(scope_for(world.admin_a).unit_q("")) == {"T01", "T01C01"}
    assert units(scope_for(world.handler_a).unit_q("")) == {"T01C01"}


def test_unit_q_with_a_prefix_filters_through_the_relation(world):
    assert people(scope_for(world.admin_a).unit_q("unit")) == {"admin_a", "chief_a", "handler_a", "volunteer"}
    assert people(scope_for(world.admin_b).unit_q("unit")) == {"admin_b", "chief_b"}


def test_unit_q_is_no_limit_for_county_wide_roles_while_covered_q_is_nothing(world):
    scope = scope_for(world.leader)

    assert units(scope.unit_q("")) == set(Unit.objects.values_list("code", flat=True))
    assert units(scope.covered_q("")) == set()
    assert people(scope.covered_q("unit")) == set()


def test_covered_q_and_unit_q_agree_for_a_unit_role(world):
    scope = scope_for(world.admin_a)

    assert units(scope.covered_q("")) == units(scope.unit_q("")) == {"T01", "T01C01"}


def test_a_person_with_unit_roles_in_two_units_gets_both_subtrees(world):
    from chuangcheng.org.services import membership_grant

    membership_grant(person=world.handler_a, unit=world.town_b, role=Role.HANDLER)

    assert units(scope_for(reloaded(world.handler_a)).unit_q("")) == {"T01C01", "T02"}


# ---- nobody, the inactive and the superuser -------------------------------------------------------


@pytest.mark.parametrize("who", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_nobody_gets_the_empty_scope(world, who):
    scope = scope_for(who)

    assert scope == EMPTY_SCOPE
    assert not scope.sees(world.town_a) and not scope.covers(world.town_a)
    assert not scope.acts_as(Role.OFFICE)
    assert units(scope.unit_q("")) == set()


def test_an_inactive_person_gets_the_empty_scope(world):
    world.admin_a.is_active = False
    world.admin_a.save()

    scope = scope_for(reloaded(world.admin_a))

    assert scope == EMPTY_SCOPE
    assert units(scope.unit_q("")) == set()
    assert not scope.covers(world.town_a)


def test_a_superuser_sees_all_and_acts_as_any_role(world):
    scope = scope_for(superuser())

    assert scope.all_units and scope.superuser
    assert scope.acts_as(Role.OFFICE) and scope.acts_as(Role.HANDLER)
    assert not scope.has(Role.OFFICE)
    assert units(scope.unit_q("")) == set(Unit.objects.values_list("code", flat=True))
    # Seeing all is not acting for a unit: without a unit role the superuser covers none.
    assert not scope.covers(world.town_a) and not scope.has_unit_role


def test_acts_as_is_has_for_everyone_else(world):
    scope = scope_for(world.supervisor)

    assert scope.acts_as(Role.SUPERVISOR, Role.OFFICE)
    assert not scope.acts_as(Role.OFFICE)


# ---- refusals -------------------------------------------------------------------------------------


def test_require_role_returns_the_scope_of_a_person_holding_the_role(world):
    assert require_role(world.office, Role.OFFICE, Role.SUPERVISOR, action="立案") == scope_for(world.office)
    assert require_role(superuser(), Role.OFFICE, action="立案").all_units


@pytest.mark.parametrize("who", ["admin_a", "leader", None])
def test_require_role_refuses_in_chinese_with_the_action(world, who):
    person = getattr(world, who) if who else None

    with pytest.raises(DomainError) as refused:
        require_role(person, Role.OFFICE, action="立案")

    assert refused.value.code == "forbidden"
    assert refused.value.message == "您没有权限立案"


def test_require_passes_when_allowed_and_refuses_otherwise():
    require(True, "审核进展报送")
    with pytest.raises(DomainError, match="您没有权限审核进展报送"):
        require(False, "审核进展报送")
