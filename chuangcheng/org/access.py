"""Who may see what: the single place where roles become query filters.

Every selector that lists unit-scoped objects asks ``scope_for(user)`` and filters in
the query; templates never decide visibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from .choices import Role
from .models import Membership, Person, Unit


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, or the subtrees of some units, plus roles held."""

    roles: frozenset[str]
    all_units: bool
    unit_paths: tuple[str, ...] = field(default_factory=tuple)
    person_id: int | None = None

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
    paths = tuple(sorted({m.unit.path for m in memberships if m.unit.path}))
    scope = Scope(roles=roles, all_units=all_units, unit_paths=paths, person_id=person.pk)
    person._scope_cache = scope  # type: ignore[attr-defined]
    return scope


def unit_visible(scope: Scope, unit: Unit | None) -> bool:
    if scope.all_units:
        return True
    if unit is None:
        return False
    return any(unit.path.startswith(p) for p in scope.unit_paths)
