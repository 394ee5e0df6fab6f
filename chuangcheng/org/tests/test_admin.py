"""Edits in /admin/ go through the services: stored unit paths, and so every scope, follow them."""

from __future__ import annotations

import pytest

from chuangcheng.org.choices import Role
from chuangcheng.org.models import Membership, Person, Unit
from chuangcheng.org.selectors import person_list_for_user, unit_list_for_user


@pytest.fixture
def admin_client(client, world):
    root = Person.objects.create_superuser(username="root", password="x", real_name="运维")
    client.force_login(root)
    return client


def unit_form(unit: Unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "code": unit.code,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "group": unit.group,
        "parent": unit.parent_id or "",
        "sort_order": unit.sort_order,
        "is_active": "on" if unit.is_active else "",
    }
    return {**data, **changes}


def reloaded(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_moving_a_unit_in_the_admin_rewrites_its_subtrees_paths_and_the_scopes_follow(admin_client, world):
    """城关街道 with 东关社区 moves under 城南街道: town B's admin now sees both, town A's admin no longer."""
    response = admin_client.post(
        f"/admin/org/unit/{world.town_a.pk}/change/", unit_form(world.town_a, parent=world.town_b.pk)
    )

    assert response.status_code == 302
    town_a, community = Unit.objects.get(pk=world.town_a.pk), Unit.objects.get(pk=world.community_a1.pk)
    assert town_a.path == f"{world.town_b.path}{town_a.pk}/"
    assert community.path == f"{town_a.path}{community.pk}/"
    seen_by_b = set(unit_list_for_user(user=reloaded(world.admin_b)))
    assert {town_a, community} <= seen_by_b
    assert world.handler_a in person_list_for_user(user=reloaded(world.admin_b))


def test_a_unit_cannot_be_moved_under_its_own_descendant_in_the_admin(admin_client, world):
    response = admin_client.post(
        f"/admin/org/unit/{world.town_a.pk}/change/", unit_form(world.town_a, parent=world.community_a1.pk)
    )

    assert response.status_code == 200
    assert "不能把单位移到它自己或其下级单位之下" in response.content.decode()
    assert Unit.objects.get(pk=world.town_a.pk).parent_id == world.county.pk


def test_a_unit_added_in_the_admin_gets_its_path(admin_client, world):
    data = unit_form(world.town_b, name="城北街道", code="T03", short_name="", parent=world.county.pk)

    admin_client.post("/admin/org/unit/add/", data)

    unit = Unit.objects.get(code="T03")
    assert unit.path == f"{world.county.path}{unit.pk}/"


def test_a_membership_moved_to_another_unit_in_the_admin_moves_the_scope(admin_client, world):
    membership = Membership.objects.get(person=world.admin_a, role=Role.UNIT_ADMIN)
    data = {"person": world.admin_a.pk, "unit": world.town_b.pk, "role": Role.UNIT_ADMIN}

    response = admin_client.post(f"/admin/org/membership/{membership.pk}/change/", data)

    assert response.status_code == 302
    seen = set(unit_list_for_user(user=reloaded(world.admin_a)))
    assert world.town_b in seen and world.town_a not in seen
    assert Membership.objects.filter(person=world.admin_a).count() == 1


def test_a_move_in_the_admin_is_logged_with_the_old_and_new_parent(admin_client, world):
    from chuangcheng.core.models import AuditEntry

    AuditEntry.objects.all().delete()
    admin_client.post(
        f"/admin/org/unit/{world.community_a1.pk}/change/", unit_form(world.community_a1, parent=world.town_b.pk)
    )
    move = AuditEntry.objects.get(action="org.unit.move")
    assert move.data["parent"] == [str(world.town_a), str(world.town_b)]
    assert move.by is not None and move.by.is_superuser
    assert AuditEntry.objects.filter(action="admin.change").count() == 1
