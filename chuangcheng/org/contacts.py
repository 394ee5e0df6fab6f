"""Who sees which contact numbers, in full, masked (138****8000) or not at all: the one policy.

Pages (the ``contacts`` template tags), the JSON API (schema resolvers) and the exports
(.xlsx and GeoJSON) all ask a ``ContactPolicy`` and never read a number themselves.

=====================  =========  ========================  =========================  ==========  ==========
number                 office     unit admin / handler      road chief                 leader,     inspector,
                                                                                       supervisor  volunteer
=====================  =========  ========================  =========================  ==========  ==========
person mobile          full       full for the people of    full for the people named  masked      none
                                  their units (subtree),    on their own segments
                                  masked for others         (路长/段长), masked for
                                                            others
shop operator phone    full       full along the segments   full along their own       masked      none
                                  of their units, masked    segments, masked
                                  along others              along others
case reporter phone    full       none                      none                       none        none
=====================  =========  ========================  =========================  ==========  ==========

Why: the office dispatches and calls anybody back; a unit works with its own people and the
shops of its 门前五包 roads; a road chief with their co-chiefs and the shops along their
roads; leadership and supervision read, and need to know that a number is on file, not the
number; street reporters need none. A citizen's number stays with the office that calls
them back, so a unit cannot pressure the person who reported it. Everyone sees their own
mobile in full and a reporter the phone on their own case; a person with several roles
gets the most open answer; a superuser counts as the office. Who sees the row at all is
``access.scope_for``'s business: this policy only decides how its numbers show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Protocol

from django.db.models import Q

from .access import Pathed, Scope, scope_for
from .choices import Role
from .models import Person

MASKED_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR})


class Show(IntEnum):
    """How a number shows; the more open of two answers wins."""

    NONE = 0
    MASKED = 1
    FULL = 2


def mask(number: str) -> str:
    """Keep the first three and last four digits: 13800138000 → 138****8000."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


class _Segment(Protocol):
    pk: int
    unit: Pathed


class _Shop(Protocol):
    operator_mobile: str
    segment_id: int | None
    segment: Any


# The segments a road chief leads live in ``places``, above this app: it registers how to find them.
ChiefFacts = Callable[[int], tuple[frozenset[int], frozenset[int]]]
_CHIEF_LOOKUPS: list[ChiefFacts] = []


def register_chief_facts(lookup: ChiefFacts) -> None:
    """``lookup(person_id)`` → (ids of the segments they lead, ids of the people named on those segments)."""
    _CHIEF_LOOKUPS[:] = [lookup]


@dataclass
class ContactPolicy:
    """The numbers one viewer may see (see the module's table)."""

    person_id: int | None
    scope: Scope
    superuser: bool = False
    _chief: tuple[frozenset[int], frozenset[int]] | None = field(default=None, repr=False)

    @property
    def is_office(self) -> bool:
        return self.superuser or self.scope.is_office

    def _chief_facts(self) -> tuple[frozenset[int], frozenset[int]]:
        if self._chief is None:
            empty: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
            chief = self.person_id is not None and self.scope.has(Role.ROAD_CHIEF) and _CHIEF_LOOKUPS
            self._chief = _CHIEF_LOOKUPS[0](self.person_id) if chief else empty  # type: ignore[arg-type]
        return self._chief

    def _default(self) -> Show:
        if self.is_office:
            return Show.FULL
        if self.scope.roles & (MASKED_ROLES | Role.unit_scoped() | {Role.ROAD_CHIEF}):
            return Show.MASKED
        return Show.NONE

    def person_show(self, person: Person) -> Show:
        if self.is_office or person.pk == self.person_id:
            return Show.FULL
        if self.scope.covers(person.unit) or person.pk in self._chief_facts()[1]:
            return Show.FULL
        return self._default()

    def shop_show(self, shop: _Shop) -> Show:
        if self.is_office:
            return Show.FULL
        segment: _Segment | None = shop.segment if shop.segment_id else None
        if segment is not None and (self.scope.covers(segment.unit) or segment.pk in self._chief_facts()[0]):
            return Show.FULL
        return self._default()

    def person_mobile(self, person: Person | None) -> str:
        return _shown(person.mobile if person else "", self.person_show(person) if person else Show.NONE)

    def shop_phone(self, shop: _Shop) -> str:
        return _shown(shop.operator_mobile, self.shop_show(shop))

    def reporter_phone(self, *, number: str, reporter_id: int | None) -> str:
        full = self.is_office or (reporter_id is not None and reporter_id == self.person_id)
        return number if full else ""

    def full_mobile_q(self, prefix: str = "") -> Q:
        """People whose mobile this viewer sees in full: the only ones a search by number may find."""
        if self.is_office:
            return Q()
        # covered_q, not unit_q: a county-wide reader sees numbers masked.
        q = Q(**{f"{prefix}pk": self.person_id}) | self.scope.covered_q(f"{prefix}unit")
        if people := self._chief_facts()[1]:
            q |= Q(**{f"{prefix}pk__in": sorted(people)})
        return q


def _shown(number: str, show: Show) -> str:
    if not number or show is Show.NONE:
        return ""
    return number if show is Show.FULL else mask(number)


def contacts_for(user: Any) -> ContactPolicy:
    """The policy for ``user`` (cached on the instance, like the scope)."""
    cached = getattr(user, "_contact_policy", None)
    if cached is not None:
        return cached
    policy = ContactPolicy(
        person_id=getattr(user, "pk", None), scope=scope_for(user), superuser=bool(getattr(user, "is_superuser", False))
    )
    if getattr(user, "is_authenticated", False):
        user._contact_policy = policy
    return policy
