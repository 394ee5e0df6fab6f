"""Who may see what: the single place where roles become query filters.

Every selector that lists unit-scoped objects asks ``scope_for(user)`` and filters in
the query; templates never decide visibility.

Only the unit roles (unit admin, handler) see a unit's subtree through their membership.
The other roles' membership unit says where they work, not what they see: county-wide roles
see everything; a road chief sees their segments and what lies along them, whatever unit
their membership is on (``places.selectors``); inspectors and volunteers see what they
reported themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .choices import Role
from .models import Membership, Person, Unit


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, or the subtrees of some units, plus roles held.

    ``unit_paths`` are the units of the user's unit-role memberships (what they see);
    ``member_paths`` the units of all their memberships (where they work, e.g. so that the
    supervision office does not verify a case it handled itself).
    """

    roles: frozenset[str]
    all_units: bool
    unit_paths: tuple[str, ...] = field(default_factory=tuple)
    person_id: int | None = None
    member_paths: tuple[str, ...] = field(default_factory=tuple)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_office(self) -> bool:
        return Role.OFFICE in self.roles

    @property
    def can_edit_map(self) -> bool:
        return bool(self.roles & Role.map_editors())

    def unit_q(self, prefix: str) -> Q:
        """Q limiting ``<prefix>__path`` to the visible subtrees; prefix "" filters units themselves."""
        if self.all_units:
            return Q()
        field_name = f"{prefix}__path__startswith" if prefix else "path__startswith"
        q = Q(pk__in=[])
        for path in self.unit_paths:
            q |= Q(**{field_name: path})
        return q


EMPTY_SCOPE = Scope(roles=frozenset(), all_units=False)


def scope_for(person: Person) -> Scope:
    """The visibility of ``person``: county-wide roles see all, others their units' subtrees."""
    if not person.is_authenticated or not person.is_active:
        return EMPTY_SCOPE
    cached = getattr(person, "_scope_cache", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(person=person).select_related("unit"))
    roles = frozenset(m.role for m in memberships)
    all_units = person.is_superuser or bool(roles & Role.county_wide())
    # An empty path (a bulk-loaded unit awaiting rebuild_unit_paths) would prefix-match every unit.
    member = [m for m in memberships if m.unit.path]
    scope = Scope(
        roles=roles,
        all_units=all_units,
        unit_paths=tuple(sorted({m.unit.path for m in member if m.role in Role.unit_scoped()})),
        person_id=person.pk,
        member_paths=tuple(sorted({m.unit.path for m in member})),
    )
    person._scope_cache = scope  # type: ignore[attr-defined]
    return scope


def unit_visible(scope: Scope, unit: Unit | None) -> bool:
    if scope.all_units:
        return True
    if unit is None:
        return False
    return any(unit.path.startswith(p) for p in scope.unit_paths)
