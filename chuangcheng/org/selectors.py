from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_date

from chuangcheng.core.models import AuditEntry

from .access import scope_for
from .choices import Role, UnitKind
from .contacts import contacts_for
from .models import Membership, Person, Unit, UnitAlias, UnitSet
from .names import WrittenName, key_variants, name_key, nearness, split_names


def unit_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Unit]:
    """Units the user may see, in tree order, with their people counted."""
    filters = filters or {}
    qs = Unit.objects.filter(scope_for(user).unit_q(""))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if search := filters.get("q"):
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.annotate(people_count=Count("people", distinct=True)).order_by("path")


@dataclass
class UnitNode:
    """A unit with its visible children, for the unit tree page and API."""

    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree_for_user(*, user: Person, filters: dict | None = None) -> list[UnitNode]:
    """The visible units as a forest, siblings by sort order then code.

    A unit whose parent is not visible (a unit admin's own unit) is a root.
    """
    units = list(unit_list_for_user(user=user, filters=filters))
    visible = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in visible else None, []).append(unit)

    def build(parent: int | None) -> list[UnitNode]:
        ordered = sorted(children.get(parent, []), key=lambda u: (u.sort_order, u.code))
        return [UnitNode(unit, build(unit.pk)) for unit in ordered]

    return build(None)


def person_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Person]:
    """People the user may see, with unit and roles fetched in two queries."""
    filters = filters or {}
    scope = scope_for(user)
    qs = Person.objects.select_related("unit").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
    )
    qs = qs.filter(scope.unit_q("unit"))
    if unit_id := filters.get("unit"):
        qs = qs.filter(unit_id=unit_id)
    if role := filters.get("role"):
        qs = qs.filter(memberships__role=role).distinct()
    if search := filters.get("q"):
        # By number only among the people whose number the user sees in full: else a search
        # for "138" would tell a masked number digit by digit.
        by_mobile = Q(mobile__icontains=search) & contacts_for(user).full_mobile_q()
        qs = qs.filter(Q(real_name__icontains=search) | by_mobile | Q(username__icontains=search))
    if filters.get("active") in {"1", "0"}:
        qs = qs.filter(is_active=filters["active"] == "1")
    return qs.order_by("unit__path", "real_name")


def get_unit_for_user(user: Person, pk: int) -> Unit:
    try:
        return unit_list_for_user(user=user).get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404("单位不存在") from None


def get_person_for_user(user: Person, pk: int) -> Person:
    try:
        return person_list_for_user(user=user).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("人员不存在") from None


def people_by_name(names: set[str]) -> dict[str, list[Person]]:
    """Lookup used by imports: real name (or login name) → people with that name."""
    found: dict[str, list[Person]] = {}
    for person in Person.objects.filter(Q(real_name__in=names) | Q(username__in=names)):
        for key in {person.real_name, person.username}:
            if key in names:
                found.setdefault(key, []).append(person)
    return found


def units_by_name(names: set[str]) -> dict[str, Unit]:
    """Lookup used by imports: full name, short name, code or alias → unit."""
    found: dict[str, Unit] = {}
    for unit in Unit.objects.filter(Q(name__in=names) | Q(short_name__in=names) | Q(code__in=names)):
        for key in (unit.name, unit.short_name, unit.code):
            if key in names:
                found[key] = unit
    # An alias (单位别名) as well, when no unit is called so.
    keys = {name_key(n): n for n in names if n not in found}
    for alias in UnitAlias.objects.select_related("unit").filter(key__in=keys):
        found[keys[alias.key]] = alias.unit
    return found


def town_ids_by_unit() -> dict[int, int]:
    """Every unit's 乡镇/街道 id (units outside any town are left out), from one query of the tree."""
    rows = list(Unit.objects.values_list("pk", "path", "kind"))
    towns = {pk for pk, _path, kind in rows if kind == UnitKind.TOWN}
    found: dict[int, int] = {}
    for pk, path, _kind in rows:
        ancestor_ids = [int(part) for part in path.strip("/").split("/") if part]
        town = next((a for a in reversed(ancestor_ids) if a in towns), None)
        if town is not None:
            found[pk] = town
    return found


def town_of(unit: Unit) -> Unit | None:
    """The 乡镇/街道 a unit belongs to: itself, or its nearest ancestor of that kind."""
    ancestor_ids = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    towns = {u.pk: u for u in Unit.objects.filter(pk__in=ancestor_ids, kind=UnitKind.TOWN)}
    return next((towns[pk] for pk in reversed(ancestor_ids) if pk in towns), None)


def can_edit_unit_names(user: Person) -> bool:
    """单位别名 and 单位分组 are the office's to edit."""
    return scope_for(user).acts_as(Role.OFFICE)


def can_read_audit(user: Person) -> bool:
    """The audit log is the office's (and the superuser's) to read."""
    return scope_for(user).acts_as(Role.OFFICE)


def _day(value: str | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.date):  # the API's parsed filter
        return value
    try:
        return parse_date(value or "")
    except ValueError:  # well-formed but no such day (2026-02-30)
        return None


# The person filter's value for entries written by the system (jobs, commands), which have no actor.
SYSTEM_ACTOR = "system"


def _audit_filter(qs: QuerySet[AuditEntry], filters: dict) -> QuerySet[AuditEntry]:
    if (kind := filters.get("type", "")).count(".") == 1:
        app_label, model = kind.split(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model)
    if obj := filters.get("object"):
        qs = qs.filter(object_id=obj)
    person = str(filters.get("person", ""))
    if person == SYSTEM_ACTOR or filters.get("system") is True:
        qs = qs.filter(by=None)
    elif person.isdigit():
        qs = qs.filter(by_id=int(person))
    if action := filters.get("action"):
        qs = qs.filter(action__startswith=action)
    if since := _day(filters.get("since")):
        qs = qs.filter(at__date__gte=since)
    if until := _day(filters.get("until")):
        qs = qs.filter(at__date__lte=until)
    return qs


def audit_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by object type/id, person, action prefix and dates (office only)."""
    if not can_read_audit(user):
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("by", "content_type").order_by("-at", "-pk")
    return _audit_filter(qs, filters or {})


def audit_object_types() -> list[tuple[str, str]]:
    """("app.model", verbose name) of the object types that have entries, for the filter."""
    ids = AuditEntry.objects.exclude(content_type=None).values_list("content_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")
    return [(f"{t.app_label}.{t.model}", _type_label(t)) for t in types]


def _type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


# ----- unit names as people write them (单位别名, 单位分组) -------------------------------------------


def unit_set_list() -> QuerySet[UnitSet]:
    """The county's 单位分组, by name, with their listed units."""
    return UnitSet.objects.prefetch_related("units").order_by("name")


def unit_set_members(unit_set: UnitSet, units: list[Unit] | None = None) -> list[Unit]:
    """The active units a group word means: those its rule matches (never the county root) and those listed.

    ``units`` (all active units, tree order) saves the query when many groups are expanded.
    """
    if units is None:
        units = list(Unit.objects.filter(is_active=True).order_by("path"))
    endings = split_names(unit_set.name_endings)
    has_rule = bool(unit_set.kinds or endings)
    listed = {u.pk for u in unit_set.units.all()}

    def matches(unit: Unit) -> bool:
        if unit.parent_id is None:
            return False
        if unit_set.kinds and unit.kind not in unit_set.kinds:
            return False
        return not endings or any(unit.name.endswith(e.text) for e in endings)

    found = [u for u in units if u.pk in listed or (has_rule and matches(u))]
    return sorted(found, key=lambda u: (u.sort_order, u.code))


@dataclass
class NameResolution:
    """One name of a 责任单位 cell and what it means.

    ``via`` says how it matched: name, code, alias, short_name, county_prefix (with/without 县)
    or group (a 单位分组: several units). ``suggestions`` are the nearest units when it did not.
    """

    written: WrittenName
    units: list[Unit] = field(default_factory=list)
    via: str = ""
    suggestions: list[Unit] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.written.text

    @property
    def found(self) -> bool:
        return bool(self.units)

    @property
    def ambiguous(self) -> bool:
        """A name (a shared short name) that means more than one unit without being a group word."""
        return len(self.units) > 1 and self.via != "group"


@dataclass
class Resolution:
    """A whole cell: its names in the order written."""

    names: list[NameResolution]

    @property
    def units(self) -> list[Unit]:
        """Every unit the cell names, once, in the order written."""
        seen: dict[int, Unit] = {}
        for name in self.names:
            for unit in name.units:
                seen.setdefault(unit.pk, unit)
        return list(seen.values())

    @property
    def unknown(self) -> list[NameResolution]:
        return [n for n in self.names if not n.found]


# How a key matched, best first: a unit's full name or code is its own; an alias is the office's word.
_VIA_RANK = {"name": 0, "code": 0, "alias": 1, "short_name": 2}
SUGGESTIONS = 3
SUGGESTION_FLOOR = 0.3


class UnitNameIndex:
    """The active units' names, codes, short names, aliases and the group words, loaded once.

    An importer builds one and resolves every cell with it; ``resolve_unit_names`` builds its own.
    """

    def __init__(self) -> None:
        self.units = list(Unit.objects.filter(is_active=True).order_by("path", "pk"))
        by_pk = {u.pk: u for u in self.units}
        self.keys: dict[str, dict[str, list[Unit]]] = {}
        for unit in self.units:
            for via, value in (("name", unit.name), ("code", unit.code), ("short_name", unit.short_name)):
                self._add(value, via, unit)
        self.aliases: dict[int, list[str]] = {}
        for unit_id, alias in UnitAlias.objects.filter(unit__is_active=True).values_list("unit_id", "name"):
            self._add(alias, "alias", by_pk[unit_id])
            self.aliases.setdefault(unit_id, []).append(alias)
        self.groups = {s.key: s for s in unit_set_list()}

    def _add(self, value: str, via: str, unit: Unit) -> None:
        if key := name_key(value):
            units = self.keys.setdefault(key, {}).setdefault(via, [])
            if unit not in units:
                units.append(unit)

    def _exact(self, key: str) -> tuple[list[Unit], str]:
        found = self.keys.get(key, {})
        for via in sorted(found, key=_VIA_RANK.__getitem__):
            return found[via], via
        return [], ""

    def resolve_name(self, written: WrittenName) -> NameResolution:
        key = name_key(written.text)
        units, via = self._exact(key)
        if not units:
            for variant in key_variants(key):
                if (units := self._exact(variant)[0]) != []:
                    via = "county_prefix"
                    break
        if not units and (group := self.groups.get(key)) is not None:
            units, via = unit_set_members(group, self.units), "group"
        result = NameResolution(written, units, via)
        if not units:
            result.suggestions = self.suggest(written.text)
        return result

    def resolve(self, text: str) -> Resolution:
        return Resolution([self.resolve_name(w) for w in split_names(text)])

    def suggest(self, text: str, limit: int = SUGGESTIONS) -> list[Unit]:
        """The units whose name, short name or alias is nearest the written one ("您是不是要找")."""
        scored = []
        for unit in self.units:
            names = [unit.name, unit.short_name, *self.aliases.get(unit.pk, [])]
            score = max(nearness(text, n) for n in names if n)
            if score >= SUGGESTION_FLOOR:
                scored.append((-score, unit.path, unit))
        return [unit for _score, _path, unit in sorted(scored, key=lambda s: (s[0], s[1]))[:limit]]


def resolve_unit_names(text: str, *, index: UnitNameIndex | None = None) -> Resolution:
    """What a 责任单位 cell means: "县住建局、县城管局，各乡镇（街道）" → each name's units.

    A name matches a unit's full name, code, alias or short name, also with or without the 县
    prefix and whatever its brackets' width; a group word (单位分组) means its units. An unknown
    name gets the nearest units as suggestions.
    """
    return (index or UnitNameIndex()).resolve(text)


def unit_sets_with_members() -> list[tuple[UnitSet, list[Unit]]]:
    """Every 单位分组 with the units it means today (the groups page)."""
    active = list(Unit.objects.filter(is_active=True).order_by("path"))
    return [(s, unit_set_members(s, active)) for s in unit_set_list()]


def unit_alias_list(unit: Unit) -> QuerySet[UnitAlias]:
    return UnitAlias.objects.filter(unit=unit).order_by("name")


def get_unit_set(pk: int) -> UnitSet:
    try:
        return unit_set_list().get(pk=pk)
    except UnitSet.DoesNotExist:
        raise Http404("单位分组不存在") from None
