"""Permissions of the apps below org, answered from roles by the login backend (core knows no roles)."""

from __future__ import annotations

import pytest

from chuangcheng.core.services import EDIT_CALENDAR, can_edit_calendar
from chuangcheng.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("office", True), ("leader", False), ("supervisor", False), ("admin_a", False), ("chief_a", False)],
)
def test_only_the_office_may_edit_the_holiday_table(world, persona, allowed):
    person = getattr(world, persona)

    assert person.has_perm(EDIT_CALENDAR) is allowed
    assert can_edit_calendar(person) is allowed


def test_a_superuser_may_edit_it_without_an_office_role(world):
    root = Person.objects.create_superuser(username="root", password="x", real_name="运维")

    assert can_edit_calendar(root)


def test_a_role_permission_needs_no_permission_rows(world, django_assert_max_num_queries):
    world.office.has_perm(EDIT_CALENDAR)  # the scope is read once and kept on the person

    with django_assert_max_num_queries(0):
        assert world.office.has_perm(EDIT_CALENDAR)


def test_other_permissions_still_come_from_django(world):
    assert not world.office.has_perm("core.delete_holidayoverride")
