"""Which unit should handle a case: the category's rule applied to the routed location."""

from __future__ import annotations

from dataclasses import dataclass

from chuangcheng.org.choices import UnitKind
from chuangcheng.org.models import Person, Unit

from .choices import RoutingRule
from .models import Case


@dataclass(frozen=True)
class Suggestion:
    """A unit the dispatcher may pick, why, and the people who answer for the place."""

    unit: Unit
    reason: str
    people: tuple[Person, ...] = ()


def _territorial(case: Case) -> list[Suggestion]:
    """属地: the segment's responsible unit with its road chiefs, then the grid's street."""
    found: list[Suggestion] = []
    if case.segment is not None:
        segment = case.segment
        chiefs = tuple(p for p in (segment.chief, segment.section_chief) if p is not None)
        found.append(Suggestion(segment.unit, f"属地：路段“{segment.name}”包保单位", chiefs))
    if case.grid is not None and case.grid.street.kind == UnitKind.TOWN:
        worker = (case.grid.grid_worker,) if case.grid.grid_worker else ()
        found.append(Suggestion(case.grid.street, f"属地：网格“{case.grid.name}”所属街道/乡镇", worker))
    if case.site is not None:
        person = (case.site.person,) if case.site.person else ()
        found.append(Suggestion(case.site.unit, f"点位“{case.site.name}”责任单位", person))
    return found


def _owner(case: Case) -> list[Suggestion]:
    owner = case.category.owner_unit
    return [Suggestion(owner, f"属主：{case.category.name}的主管部门")] if owner else []


def suggest_units(case: Case) -> list[Suggestion]:
    """Distinct candidate units in the order the category's rule gives.

    Auto-dispatch treats routing as unambiguous only when exactly one unit results from the
    first applicable side (属地 or 属主) — two different territorial owners go to a person.
    """
    territorial, owner = _territorial(case), _owner(case)
    first, second = (
        (owner, territorial)
        if case.category.effective_routing_rule == RoutingRule.OWNER_FIRST
        else (territorial, owner)
    )
    primary = _distinct(first) or _distinct(second)
    return primary


def all_suggestions(case: Case) -> list[Suggestion]:
    """Every candidate, rule order first, for the dispatch page."""
    territorial, owner = _territorial(case), _owner(case)
    ordered = (
        owner + territorial if case.category.effective_routing_rule == RoutingRule.OWNER_FIRST else territorial + owner
    )
    return _distinct(ordered)


def _distinct(items: list[Suggestion]) -> list[Suggestion]:
    seen: set[int] = set()
    result = []
    for item in items:
        if item.unit.pk not in seen:
            seen.add(item.unit.pk)
            result.append(item)
    return result
