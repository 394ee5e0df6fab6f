"""Writes to the organisation: units, people, memberships."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.errors import DomainError

from .choices import Role
from .models import Membership, Person, Unit

PERSON_FIELDS = ("username", "real_name", "unit", "mobile", "title", "is_active")


def _path_for(unit: Unit) -> str:
    parent_path = unit.parent.path if unit.parent_id and unit.parent else "/"
    return f"{parent_path}{unit.pk}/"


# The fields of a unit that the log compares on an edit (the path follows the parent).
UNIT_FIELDS = ("name", "code", "short_name", "kind", "group", "parent", "sort_order", "is_active")


def _insert_unit(unit: Unit, by: Person | None) -> Unit:
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_for(unit)
    unit.save(update_fields=["path"])
    log_action(unit, "org.unit.create", by=by, data=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def unit_create(
    *, name: str, code: str, kind: str, group: str, parent: Unit | None = None, by: Person | None = None, **extra
) -> Unit:
    return _insert_unit(Unit(name=name, code=code, kind=kind, group=group, parent=parent, **extra), by)


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None, by: Person | None = None) -> Unit:
    """Re-parent a unit and rewrite the paths of its whole subtree."""
    # Paths come from the database, locked: a caller's instance may predate another move,
    # and a stale path would skip the subtree or let a unit move under its own descendant.
    unit.path, old_parent_id = Unit.objects.select_for_update().values_list("path", "parent_id").get(pk=unit.pk)
    if parent is not None:
        parent.path = Unit.objects.select_for_update().values_list("path", flat=True).get(pk=parent.pk)
    if parent is not None and parent.path.startswith(unit.path):
        raise DomainError("不能把单位移到它自己或其下级单位之下")
    old_path, old_parent = unit.path, Unit.objects.filter(pk=old_parent_id).first()
    unit.parent = parent
    unit.path = _path_for(unit)
    unit.save(update_fields=["parent", "path", "updated_at"])
    for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
        child.path = unit.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])
    data = {
        "parent": [str(old_parent) if old_parent else None, str(parent) if parent else None],
        "path": [old_path, unit.path],
    }
    log_action(unit, "org.unit.move", by=by, data=data)
    return unit


@transaction.atomic
def unit_save(*, unit: Unit, by: Person | None = None) -> Unit:
    """Save a unit edited as a whole (the admin's form): its path, and its subtree's, follow its parent.

    A new unit gets its path after its id; a changed parent goes through ``unit_move``, which
    rewrites the subtree and refuses a move under the unit's own descendants.
    """
    if unit.pk is None:
        return _insert_unit(unit, by)
    parent = unit.parent
    stored = Unit.objects.get(pk=unit.pk)
    unit.full_clean(exclude=["path"])
    others = [f.name for f in Unit._meta.concrete_fields if f.name not in {"id", "parent", "path", "created_at"}]
    unit.save(update_fields=others)
    fields = [name for name in UNIT_FIELDS if name != "parent"]
    if diff := changes(snapshot(stored, fields), snapshot(unit, fields)):
        log_action(unit, "org.unit.rename" if set(diff) == {"name"} else "org.unit.change", by=by, data=diff)
    if stored.parent_id != unit.parent_id:
        unit_move(unit=unit, parent=parent, by=by)
    return unit


@transaction.atomic
def unit_merge(*, unit: Unit, into: Unit, by: Person | None = None, at: dt.datetime | None = None) -> Unit:
    """撤并: ``unit`` stops (inactive) and ``into`` answers for its work from ``at`` on."""
    if into.pk == unit.pk or into.path.startswith(unit.path):
        raise DomainError("不能把单位并入它自己或其下级单位")
    if not into.is_active:
        raise DomainError("不能并入已停用的单位")
    if unit.merged_into_id is not None:
        raise DomainError("该单位已经撤并")
    unit.merged_into, unit.merged_at, unit.is_active = into, at or timezone.now(), False
    unit.save(update_fields=["merged_into", "merged_at", "is_active", "updated_at"])
    log_action(unit, "org.unit.merge", by=by, data={"into": str(into), "at": unit.merged_at.isoformat()})
    return unit


def rebuild_unit_paths() -> None:
    """Recompute every path from parents (after bulk loads that bypass unit_create)."""
    units = {u.pk: u for u in Unit.objects.all()}

    def path_of(u: Unit) -> str:
        return (path_of(units[u.parent_id]) if u.parent_id else "/") + f"{u.pk}/"

    changed = []
    for unit in units.values():
        new = path_of(unit)
        if unit.path != new:
            unit.path = new
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["path"], batch_size=500)


@transaction.atomic
def person_create(
    *,
    username: str,
    real_name: str,
    unit: Unit,
    password: str | None = None,
    mobile: str = "",
    by: Person | None = None,
    **extra,
) -> Person:
    # The partial unique constraint would only say "约束 person_mobile_unique 是无效的".
    if mobile and (owner := Person.objects.filter(mobile=mobile).first()):
        raise ValidationError({"mobile": f"手机号 {mobile} 已被 {owner} 使用"})
    person = Person(username=username, real_name=real_name, unit=unit, mobile=mobile, **extra)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    log_action(person, "org.person.create", by=by, data=snapshot(person, PERSON_FIELDS))
    return person


@transaction.atomic
def people_bulk_create(
    *, people: Sequence[Person], memberships: Sequence[tuple[Person, Unit, str]], by: Person | None = None
) -> list[Person]:
    """Insert many people and their roles at once (the demo county): two INSERTs, one audit entry.

    The people arrive with their password hashes set; only the database's constraints check them.
    """
    if unknown := {role for _, _, role in memberships} - set(Role.values):
        raise DomainError(f"未知角色：{'、'.join(sorted(unknown))}")
    created = Person.objects.bulk_create(people)
    Membership.objects.bulk_create([Membership(person=p, unit=u, role=role) for p, u, role in memberships])
    log_action(None, "org.person.bulk_create", by=by, data={"people": len(created), "memberships": len(memberships)})
    return created


@transaction.atomic
def person_deactivate(*, person: Person, by: Person | None = None) -> Person:
    """Stop a person from signing in; their history and memberships stay."""
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        log_action(person, "org.person.deactivate", by=by, data={"is_active": [True, False]})
    return person


def _right(unit: Unit, role: str) -> dict[str, str]:
    return {"unit": str(unit), "role": role}


@transaction.atomic
def membership_grant(
    *, person: Person, unit: Unit, role: str, by: Person | None = None, log: bool = True
) -> Membership:
    if role not in Role.values:
        raise DomainError(f"未知角色：{role}")
    membership, created = Membership.objects.get_or_create(person=person, unit=unit, role=role)
    if created and log:
        log_action(person, "org.membership.grant", by=by, data=_right(unit, role))
    return membership


@transaction.atomic
def membership_revoke(*, person: Person, unit: Unit, role: str, by: Person | None = None, log: bool = True) -> None:
    deleted, _ = Membership.objects.filter(person=person, unit=unit, role=role).delete()
    if deleted and log:
        log_action(person, "org.membership.revoke", by=by, data=_right(unit, role))


@transaction.atomic
def membership_change(*, membership: Membership, unit: Unit, role: str, by: Person | None = None) -> Membership:
    """Move a membership to another unit or role: the old right is revoked, the new one granted."""
    person = membership.person
    stored = Membership.objects.select_related("unit").get(pk=membership.pk)
    membership_revoke(person=person, unit=stored.unit, role=stored.role, log=False)
    granted = membership_grant(person=person, unit=unit, role=role, log=False)
    data = {"unit": [str(stored.unit), str(unit)], "role": [stored.role, role]}
    log_action(person, "org.membership.change", by=by, data=data)
    return granted
