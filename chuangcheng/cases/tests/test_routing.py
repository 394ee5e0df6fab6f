"""Routing at intake: the category's rule applied to the routed place, and auto-dispatch when unambiguous."""

from __future__ import annotations

import pytest

from chuangcheng.cases import routing
from chuangcheng.cases.choices import Action, CategoryKind, RoutingRule, Status
from chuangcheng.cases.models import Category
from chuangcheng.notifications.models import Notification
from chuangcheng.places.models import Grid
from chuangcheng.places.services import grid_save

from .conftest import Maker, square

WEST_END = (114.301, 34.80005)  # on 人民路 (城关街道's), inside 城南街道's grid below


@pytest.fixture
def town_b_grid(world, road) -> Grid:
    """城南街道's grid over the road's western end: that stretch has two territorial owners."""
    return grid_save(
        grid=Grid(code="410221002001001", name="人民路西网格", street=world.town_b),
        geometry=square(114.299, 34.797, 114.3029, 34.803),
    )


@pytest.fixture
def maker(world, categories, grid, town_b_grid, frozen) -> Maker:
    return Maker(world=world, category=categories["暴露垃圾"])


def _with(category: Category, **fields) -> Category:
    for name, value in fields.items():
        setattr(category, name, value)
    category.save()
    return category


# ---- auto-dispatch ------------------------------------------------------------------------------


def test_an_auto_dispatch_category_with_one_territorial_unit_is_dispatched_at_intake(maker, world, categories):
    garbage = categories["暴露垃圾"]
    assert garbage.auto_dispatch

    case = maker.reported(category=garbage)

    case.refresh_from_db()
    assert (case.status, case.unit) == (Status.DISPATCHED, world.town_a)
    assert case.deadline is not None
    history = list(case.events.values_list("action", "actor", "to_status"))
    assert history == [
        (Action.REPORT, world.inspector.pk, Status.REPORTED),
        (Action.ACCEPT, None, Status.ACCEPTED),
        (Action.DISPATCH, None, Status.DISPATCHED),
    ]
    assert Notification.objects.filter(recipient=world.admin_a, kind="case.dispatched").count() == 1


def test_two_different_territorial_units_leave_the_case_for_the_office(maker, world, categories):
    case = maker.reported(category=categories["暴露垃圾"], lon=WEST_END[0], lat=WEST_END[1])

    case.refresh_from_db()
    assert (case.status, case.unit) == (Status.REPORTED, None)
    assert case.events.count() == 1
    assert {s.unit for s in routing.suggest_units(case)} == {world.town_a, world.town_b}
    assert not Notification.objects.exists()


def test_a_place_nobody_answers_for_waits_for_the_office(maker, categories):
    case = maker.reported(category=categories["暴露垃圾"], lon=114.40, lat=34.90)

    case.refresh_from_db()
    assert case.status == Status.REPORTED
    assert routing.suggest_units(case) == []


def test_a_category_without_auto_dispatch_always_waits_for_the_office(maker, categories):
    case = maker.reported(category=_with(categories["暴露垃圾"], auto_dispatch=False))

    assert case.status == Status.REPORTED
    assert case.events.count() == 1


def test_an_owner_first_component_is_dispatched_to_its_department_even_where_territory_is_ambiguous(
    maker, world, categories
):
    manhole = _with(categories["污水井盖"], owner_unit=world.housing, auto_dispatch=True)

    case = maker.reported(category=manhole, lon=WEST_END[0], lat=WEST_END[1])

    case.refresh_from_db()
    assert (case.status, case.unit) == (Status.DISPATCHED, world.housing)


# ---- the rule --------------------------------------------------------------------------------


def test_components_default_to_owner_first_and_events_to_territorial_first(categories):
    assert categories["污水井盖"].kind == CategoryKind.COMPONENT
    assert categories["污水井盖"].effective_routing_rule == RoutingRule.OWNER_FIRST
    assert categories["暴露垃圾"].kind == CategoryKind.EVENT
    assert categories["暴露垃圾"].effective_routing_rule == RoutingRule.TERRITORIAL_FIRST


def test_a_component_goes_to_its_line_department_before_the_territory(maker, world, categories):
    manhole = _with(categories["污水井盖"], owner_unit=world.housing, auto_dispatch=False)

    case = maker.reported(category=manhole)

    assert [s.unit for s in routing.suggest_units(case)] == [world.housing]
    assert [s.unit for s in routing.all_suggestions(case)] == [world.housing, world.town_a]


def test_an_event_goes_to_the_territory_before_its_line_department(maker, world, categories):
    parking = _with(categories["乱停乱放"], owner_unit=world.housing)

    case = maker.reported(category=parking)

    assert [s.unit for s in routing.suggest_units(case)] == [world.town_a]
    assert [s.unit for s in routing.all_suggestions(case)] == [world.town_a, world.housing]


def test_an_explicit_rule_overrides_the_default_of_the_kind(maker, world, categories):
    manhole = _with(
        categories["污水井盖"],
        owner_unit=world.housing,
        auto_dispatch=False,
        routing_rule=RoutingRule.TERRITORIAL_FIRST,
    )

    case = maker.reported(category=manhole)

    assert [s.unit for s in routing.suggest_units(case)] == [world.town_a]


def test_a_component_without_a_line_department_falls_back_to_the_territory(maker, world, categories):
    manhole = _with(categories["污水井盖"], owner_unit=None, auto_dispatch=False)

    case = maker.reported(category=manhole)

    assert [s.unit for s in routing.suggest_units(case)] == [world.town_a]


def test_the_territorial_suggestion_names_the_road_chief(maker, world, categories):
    case = maker.reported(category=_with(categories["暴露垃圾"], auto_dispatch=False))

    first = routing.suggest_units(case)[0]
    assert world.chief_a in first.people
    assert "人民路" in first.reason
