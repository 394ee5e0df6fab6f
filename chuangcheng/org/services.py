"""Writes to the organisation: units, people, memberships."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.errors import DomainError, require_text

from .choices import Role, UnitKind
from .models import Membership, Person, Unit, UnitAlias, UnitSet
from .names import name_key, split_names

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


# ----- 单位别名 and 单位分组 ----------------------------------------------------------------------------


def _name_taken(key: str, *, unit: Unit | None = None, unit_set: UnitSet | None = None) -> str | None:
    """Why ``key`` cannot be a new alias of ``unit`` or the name of ``unit_set``: the thing already called so."""
    others = Unit.objects.exclude(pk=unit.pk) if unit is not None else Unit.objects.all()
    for other in others.only("name", "code", "short_name"):
        if key in {name_key(other.name), name_key(other.code), name_key(other.short_name)}:
            return _("单位“%(unit)s”") % {"unit": other.name}
    alias = UnitAlias.objects.select_related("unit").filter(key=key).first()
    if alias is not None:
        return _("单位“%(unit)s”的别名") % {"unit": alias.unit.name}
    sets = UnitSet.objects.exclude(pk=unit_set.pk) if unit_set is not None and unit_set.pk else UnitSet.objects.all()
    if sets.filter(key=key).exists():
        return _("单位分组")
    return None


@transaction.atomic
def unit_alias_add(*, unit: Unit, name: str, by: Person | None = None) -> UnitAlias:
    """Give ``unit`` another name (unique in the county: no other unit, alias or group is called so)."""
    name = require_text(name, _("别名"))
    key = name_key(name)
    if len(name) > 100:
        raise DomainError(_("别名过长（最多 100 个字）"))
    if key in {name_key(unit.name), name_key(unit.code), name_key(unit.short_name)}:
        raise DomainError(_("“%(name)s”已是该单位的名称、简称或编码") % {"name": name})
    if (taken := _name_taken(key, unit=unit)) is not None:
        raise DomainError(_("“%(name)s”已被%(other)s使用") % {"name": name, "other": taken})
    alias = UnitAlias.objects.create(unit=unit, name=name, key=key)
    log_action(unit, "org.unit.alias_add", by=by, data={"alias": name})
    return alias


@transaction.atomic
def unit_alias_remove(*, alias: UnitAlias, by: Person | None = None) -> None:
    unit, name = alias.unit, alias.name
    alias.delete()
    log_action(unit, "org.unit.alias_remove", by=by, data={"alias": name})


@transaction.atomic
def unit_aliases_set(*, unit: Unit, names: Sequence[str], by: Person | None = None) -> list[UnitAlias]:
    """Make ``unit``'s aliases exactly ``names`` (the API's PUT): removes the others, adds the new."""
    wanted = {name_key(n): n.strip() for n in names if n.strip()}
    for alias in UnitAlias.objects.filter(unit=unit).exclude(key__in=wanted):
        unit_alias_remove(alias=alias, by=by)
    kept = set(UnitAlias.objects.filter(unit=unit).values_list("key", flat=True))
    for key, name in wanted.items():
        if key not in kept:
            unit_alias_add(unit=unit, name=name, by=by)
    return list(UnitAlias.objects.filter(unit=unit).order_by("name"))


UNIT_SET_FIELDS = ("name", "kinds", "name_endings", "note")


@transaction.atomic
def unit_set_save(
    *,
    unit_set: UnitSet | None = None,
    name: str,
    kinds: Sequence[str] = (),
    name_endings: str = "",
    units: Sequence[Unit] = (),
    note: str = "",
    by: Person | None = None,
) -> UnitSet:
    """Create or change a 单位分组: a rule over unit kinds (and name endings) and/or a list of units."""
    name = require_text(name, _("分组名称"))
    key = name_key(name)
    if unknown := set(kinds) - set(UnitKind.values):
        raise DomainError(_("未知单位类型：%(kinds)s") % {"kinds": "、".join(sorted(unknown))})
    if not kinds and not name_endings.strip() and not units:
        raise DomainError(_("请选择单位类型、填写名称结尾或指定单位"))
    if (taken := _name_taken(key, unit_set=unit_set)) is not None:
        raise DomainError(_("“%(name)s”已被%(other)s使用") % {"name": name, "other": taken})
    creating = unit_set is None
    target = unit_set or UnitSet()
    before = {} if creating else {**snapshot(target, UNIT_SET_FIELDS), "units": _unit_names(target)}
    endings = "、".join(w.text for w in split_names(name_endings))
    target.name, target.key, target.kinds, target.name_endings, target.note = name, key, sorted(kinds), endings, note
    target.full_clean(exclude=["key"])
    target.save()
    target.units.set(units)
    after = {**snapshot(target, UNIT_SET_FIELDS), "units": _unit_names(target)}
    if creating:
        log_action(target, "org.unit_set.create", by=by, data=after)
    elif diff := changes(before, after):
        log_action(target, "org.unit_set.change", by=by, data=diff)
    return target


def _unit_names(unit_set: UnitSet) -> list[str]:
    return sorted(unit_set.units.values_list("name", flat=True))


# The group words every county's 任务分解表 uses: (name, kinds, name endings, note).
COMMON_UNIT_SETS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("各乡镇（街道）", ("town",), "", "全部乡镇和街道"),
    ("各乡镇", ("town",), "镇、乡", "全部乡镇（不含街道）"),
    ("各街道", ("town",), "街道", "全部街道办事处"),
    ("县直各单位", ("department",), "", "县直部门（不含县委县政府本身）"),
    ("各社区", ("community",), "社区", "全部城市社区（不含行政村）"),
)


@transaction.atomic
def unit_sets_seed(*, by: Person | None = None) -> list[UnitSet]:
    """The common group words (各乡镇（街道）, 各乡镇, 各街道, 县直各单位, 各社区), those not yet defined."""
    existing = set(UnitSet.objects.values_list("key", flat=True))
    return [
        unit_set_save(name=name, kinds=kinds, name_endings=endings, note=note, by=by)
        for name, kinds, endings, note in COMMON_UNIT_SETS
        if name_key(name) not in existing
    ]
