"""Who may see what: the single place where roles become query filters and permission checks.

Every selector that lists unit-scoped objects asks ``scope_for(user)`` and filters in the
query; templates never decide visibility. The apps' own ``access.py`` modules only add their
objects' rules (a case's holder, a task's reporting unit) on top of a ``Scope``.

Only the unit roles (``Role.unit_scoped()``: unit admin, handler) see a unit's subtree through
their membership. The other roles' membership unit says where they work, not what they see:
county-wide roles see everything; a road chief sees their segments and what lies along them,
whatever unit their membership is on (``places.selectors``); inspectors and volunteers see what
they reported themselves.

What ``Scope`` answers:

- ``has(*roles)``: holds one of the roles; ``acts_as(*roles)``: holds one, or is a superuser.
- ``all_units``: sees every unit's objects (county-wide roles, superusers).
- ``covers(unit)`` / ``covered_q(prefix)``: the unit is one of the user's unit-role units or
  below one — whom they act for (report for a task, reply to a 督办单, hold a case).
  County-wide roles cover nothing.
- ``sees(unit)`` / ``unit_q(prefix)``: the unit's objects are visible — everything for
  ``all_units``, else what they cover.
- ``works_in(unit)``: the unit is one of their membership units (any role) or below one.

``require_role(person, *roles, action=…)`` and ``require(allowed, action)`` raise the one
forbidden ``DomainError`` the services share.

Selector names, in every app's ``selectors.py`` (reads; ``access.py`` keeps the predicates
such as ``can_report``):

- ``<entity>_list_for_user(*, user, filters=None)``: a queryset of what ``user`` may see,
  narrowed by ``filters`` (a dict; empty values ignored).
- ``get_<entity>_for_user(user, pk)``: one object, ``Http404`` when missing or not visible.
- ``<view>_for_user(*, user, …)``: another shape of scoped rows (``unit_tree_for_user``,
  ``todo_for_user``, ``review_queue_for_user``, ``duplicate_candidates_for_user``,
  ``map_extent_for_user``).
- No ``user`` in the name: unscoped reference data (``category_tree``, ``framework_tree``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from chuangcheng.core.errors import DomainError

from .choices import Role
from .models import Membership, Person


class Pathed(Protocol):
    """A unit, or anything shaped like one: its materialised ``path`` ("/1/4/9/")."""

    path: str


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
    superuser: bool = False

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def acts_as(self, *roles: str) -> bool:
        """Holds one of ``roles``, or is a superuser (who may do what any role may)."""
        return self.superuser or self.has(*roles)

    @property
    def is_office(self) -> bool:
        return Role.OFFICE in self.roles

    @property
    def can_edit_map(self) -> bool:
        return bool(self.roles & Role.map_editors())

    @property
    def has_unit_role(self) -> bool:
        """Holds a unit role (unit admin, handler): sees and acts for a unit's subtree."""
        return bool(self.roles & Role.unit_scoped())

    def covers(self, unit: Pathed | None) -> bool:
        """``unit`` is one of the user's unit-role units or below one (county-wide roles cover none)."""
        return unit is not None and _under(unit.path, self.unit_paths)

    def sees(self, unit: Pathed | None) -> bool:
        """The objects of ``unit`` are visible: every unit's for ``all_units``, else the covered ones."""
        return self.all_units or self.covers(unit)

    def works_in(self, unit: Pathed | None) -> bool:
        """``unit`` is one of the user's membership units (any role) or below one."""
        return unit is not None and _under(unit.path, self.member_paths)

    def covered_q(self, prefix: str) -> Q:
        """Q limiting ``<prefix>__path`` to the covered subtrees; prefix "" filters units themselves."""
        field_name = f"{prefix}__path__startswith" if prefix else "path__startswith"
        q = Q(pk__in=[])
        for path in self.unit_paths:
            q |= Q(**{field_name: path})
        return q

    def unit_q(self, prefix: str) -> Q:
        """Q limiting ``<prefix>__path`` to the visible subtrees (no limit for ``all_units``)."""
        return Q() if self.all_units else self.covered_q(prefix)


def _under(path: str, roots: tuple[str, ...]) -> bool:
    # Stored paths are never empty in ``roots`` (see scope_for), so "" matches nothing.
    return any(path.startswith(root) for root in roots)


EMPTY_SCOPE = Scope(roles=frozenset(), all_units=False)


def scope_for(person: Person | AnonymousUser | None) -> Scope:
    """The visibility of ``person``: county-wide roles see all, others their units' subtrees.

    ``None``, an anonymous user and an inactive person get the empty scope.
    """
    if person is None or not person.is_authenticated or not person.is_active:
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
        superuser=person.is_superuser,
    )
    person._scope_cache = scope  # type: ignore[attr-defined]
    return scope


def require(allowed: bool, action: str) -> None:
    """Refuse ``action`` (a verb phrase, e.g. "立案") with the forbidden ``DomainError`` unless ``allowed``."""
    if not allowed:
        raise DomainError(_("您没有权限%(action)s") % {"action": action}, code="forbidden")


def require_role(person: Person | AnonymousUser | None, *roles: str, action: str) -> Scope:
    """The person's scope when they act as one of ``roles`` (a superuser does); else forbidden."""
    scope = scope_for(person)
    require(scope.acts_as(*roles), action=action)
    return scope
