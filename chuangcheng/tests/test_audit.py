"""Each service writes one audit entry with who, what and the changed fields; so does an admin edit.

Moved from ``core/tests/test_audit.py``: these use org, places and cases, which core's tests may
not import. The log itself is tested there.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from chuangcheng.cases import services as cases
from chuangcheng.cases.models import Category
from chuangcheng.core.errors import DomainError
from chuangcheng.core.models import AuditEntry
from chuangcheng.core.tests import audit_helpers
from chuangcheng.core.tests.audit_helpers import only_entry
from chuangcheng.org import services as org
from chuangcheng.org.choices import Role, UnitGroup, UnitKind
from chuangcheng.org.models import Membership
from chuangcheng.places.imports import import_file

pytestmark = pytest.mark.django_db

fresh_log, root = audit_helpers.fresh_log, audit_helpers.root  # the shared fixtures


def test_a_new_unit_is_logged_with_its_fields(world):
    unit = org.unit_create(
        name="西关社区",
        code="T01C05",
        kind=UnitKind.COMMUNITY,
        group=UnitGroup.COMMUNITY,
        parent=world.town_a,
        by=world.office,
    )
    entry = only_entry(action="org.unit.create")
    assert (entry.by, entry.object_id, entry.object_repr) == (world.office, str(unit.pk), "西关社区")
    assert entry.data["name"] == "西关社区" and entry.data["parent"] == str(world.town_a)


def test_a_unit_move_is_logged_with_the_old_and_new_parent(world):
    org.unit_move(unit=world.community_a1, parent=world.town_b, by=world.office)
    entry = only_entry()
    assert entry.action == "org.unit.move" and entry.by == world.office
    assert entry.data["parent"] == [str(world.town_a), str(world.town_b)]


def test_a_rename_is_logged_old_to_new(world):
    unit = world.community_a1
    old = unit.name
    unit.name = "东关新社区"
    org.unit_save(unit=unit, by=world.office)
    entry = only_entry()
    assert (entry.action, entry.data) == ("org.unit.rename", {"name": [old, "东关新社区"]})


def test_a_new_person_is_logged_without_the_password(world):
    person = org.person_create(
        username="newbie", real_name="新人", unit=world.town_a, password="s3cret!", by=world.office
    )
    entry = only_entry(action="org.person.create")
    assert entry.object_id == str(person.pk) and entry.data["real_name"] == "新人"
    assert "s3cret" not in str(entry.data) and "password" not in entry.data


def test_deactivating_a_person_is_logged_once(world):
    org.person_deactivate(person=world.volunteer, by=world.office)
    org.person_deactivate(person=world.volunteer, by=world.office)
    entry = only_entry(action="org.person.deactivate")
    assert entry.data == {"is_active": [True, False]}


def test_grant_revoke_and_change_each_write_one_entry(world):
    person = world.volunteer
    org.membership_grant(person=person, unit=world.town_a, role=Role.HANDLER, by=world.office)
    assert only_entry(action="org.membership.grant").data == {"unit": str(world.town_a), "role": Role.HANDLER}
    membership = Membership.objects.get(person=person, role=Role.HANDLER)
    org.membership_change(membership=membership, unit=world.town_b, role=Role.HANDLER, by=world.office)
    assert only_entry(action="org.membership.change").data["unit"] == [str(world.town_a), str(world.town_b)]
    org.membership_revoke(person=person, unit=world.town_b, role=Role.HANDLER, by=world.office)
    assert only_entry(action="org.membership.revoke").by == world.office
    assert AuditEntry.objects.count() == 3


def test_a_category_edit_is_logged_old_to_new(world):
    cases.seed_categories()
    category = Category.objects.filter(parent__isnull=False).first()
    old = category.time_limit
    category.time_limit = old + Decimal(1)
    cases.category_save(category=category, by=world.office)
    entry = only_entry()
    assert entry.action == "cases.category.change" and entry.by == world.office
    assert list(entry.data) == ["time_limit"]


def test_a_failed_write_leaves_no_entry(world):
    with pytest.raises(DomainError):
        org.unit_move(unit=world.town_a, parent=world.community_a1, by=world.office)
    assert not AuditEntry.objects.exists()


def test_an_admin_delete_writes_one_admin_entry(client, world, root):
    client.force_login(root)
    response = client.post(f"/admin/org/person/{world.volunteer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = only_entry(action="admin.delete")
    assert (entry.by, entry.object_repr) == (root, str(world.volunteer))


def test_a_places_import_is_logged_with_its_file_and_counts(world):
    body = b'{"type": "FeatureCollection", "features": []}'
    result = import_file(kind="segment", file=io.BytesIO(body), filename="路段.geojson", by=world.office)
    entry = only_entry(action="places.import.segment")
    assert entry.by == world.office and entry.content_type is None
    assert entry.data == {
        "file": "路段.geojson",
        "size": len(body),
        "rows": 0,
        "created": 0,
        "updated": 0,
        "errors": len(result.errors),
        "written": False,
    }


def test_an_admin_bulk_delete_writes_one_entry_per_object(client, world, root):
    client.force_login(root)
    doomed = [world.inspector, world.volunteer]
    response = client.post(
        "/admin/org/person/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [p.pk for p in doomed]},
    )
    assert response.status_code == 302
    entries = AuditEntry.objects.filter(action="admin.delete")
    assert sorted(e.object_repr for e in entries) == sorted(str(p) for p in doomed)
    assert {e.by for e in entries} == {root}
