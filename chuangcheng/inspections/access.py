"""Who may do what in inspections: predicates on top of ``org.access.Scope``."""

from __future__ import annotations

from chuangcheng.org.access import scope_for
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Person

# ---- field (the phone pages) ---------------------------------------------------------------------

# The roles that inspect from the street (the same as ``services.INSPECTOR_ROLES``).
FIELD_ROLES = (Role.INSPECTOR, Role.ROAD_CHIEF, Role.SUPERVISOR, Role.OFFICE)


def can_inspect(person: Person) -> bool:
    """Uses the phone form: an inspector, a road chief, the supervision office or the office."""
    return scope_for(person).acts_as(*FIELD_ROLES)
