"""日巡查: routes generated from the rules on a hand-checked county (see ``patrol_county``),
reproducible and idempotent, spread over the week, 漏巡 at the end of the day, the nightly job,
and who may see and change what."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from chuangcheng.cases.services import seed_categories
from chuangcheng.core.errors import DomainError
from chuangcheng.core.registry import tick_jobs
from chuangcheng.inspections import patrols, selectors, services
from chuangcheng.inspections.choices import InspectionKind, Outcome, VisitState
from chuangcheng.inspections.models import PatrolRule, Visit
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import SiteType

from .patrol_county import MONDAY, County, build, inspector

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
TUESDAY, WEDNESDAY, SATURDAY = (MONDAY + dt.timedelta(days=n) for n in (1, 2, 5))


@pytest.fixture
def county(world) -> County:
    return build(world)


def routes(day: dt.date) -> dict[str, str | None]:
    """The day's patrol visits as place name → inspector name."""
    visits = Visit.objects.filter(kind=InspectionKind.PATROL, due_on=day).select_related("site", "segment", "assignee")
    return {str(v.site or v.segment): (v.assignee.real_name if v.assignee else None) for v in visits}


def at(day: dt.date, hour: int, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ), tick=False)


# ---- the week ---------------------------------------------------------------------------------


@pytest.mark.parametrize("times", range(1, 8))
def test_a_place_is_due_times_per_week_on_fixed_weekdays(times):
    for place_id in range(14):
        days = [MONDAY + dt.timedelta(days=n) for n in range(14)]
        due = [day for day in days if patrols.is_due(place_id, times, day)]
        assert len(due) == 2 * times  # two weeks
        assert {d.weekday() for d in due[:times]} == {d.weekday() for d in due[times:]}


def test_weekly_places_spread_over_the_week_and_spreads_are_even():
    assert {MONDAY.weekday() + pid % 7 for pid in range(7) if patrols.is_due(pid, 1, MONDAY)} == {0}
    assert sorted(
        next(d for d in range(7) if patrols.is_due(pid, 1, MONDAY + dt.timedelta(days=d))) for pid in range(7)
    ) == list(range(7))
    assert patrols.week_slots(2) == {0, 3}
    assert patrols.week_slots(3) == {0, 2, 4}
    assert patrols.week_slots(7) == set(range(7))


# ---- who gets what --------------------------------------------------------------------------------


def test_monday_routes_by_hand(county):
    services.patrol_routes_generate(day=MONDAY)

    assert routes(MONDAY) == {
        "人民路一段": "甲巡查",
        "人民路二段": "乙巡查",
        "解放路": "孙路长",  # the segment's road chief
        "城南大道": "丙巡查",  # 城南's own rule (3/week) is due on Monday
    }
    visit = Visit.objects.get(segment=county.s2, due_on=MONDAY)
    assert (visit.town_id, visit.starts_on) == (county.world.town_a.pk, MONDAY)


def test_tuesday_keeps_yesterdays_inspectors_and_gives_the_market_to_the_less_loaded(county):
    services.patrol_routes_generate(day=MONDAY)
    # Yesterday the two 城关 inspectors had swapped roads: they keep them today.
    Visit.objects.filter(segment=county.s1).update(assignee=county.a2)
    Visit.objects.filter(segment=county.s2).update(assignee=county.a1)

    services.patrol_routes_generate(day=TUESDAY)

    assert routes(TUESDAY) == {
        "人民路一段": "乙巡查",
        "人民路二段": "甲巡查",
        "城关农贸市场": "甲巡查",  # both hold one road: the lower id takes it
        "解放路": "孙路长",
        "南环路": "丙巡查",
    }


def test_saturday_and_wednesday_by_hand(county):
    services.patrol_routes_generate(day=WEDNESDAY)
    services.patrol_routes_generate(day=SATURDAY)

    assert routes(WEDNESDAY) == {
        "人民路一段": "甲巡查",
        "人民路二段": "乙巡查",
        "解放路": "孙路长",
        "城南大道": "丙巡查",
        "城南农贸市场": "丙巡查",
    }
    # 3 places for two inspectors in 城关: 2 and 1.
    assert routes(SATURDAY) == {
        "人民路一段": "甲巡查",
        "人民路二段": "乙巡查",
        "东关小巷": "甲巡查",
        "解放路": "孙路长",
        "南环路": "丙巡查",
        "城关农贸市场": "乙巡查",
    }


def test_a_week_visits_each_place_as_often_as_its_rule_says(county):
    for n in range(7):
        services.patrol_routes_generate(day=MONDAY + dt.timedelta(days=n))

    week = Visit.objects.filter(due_on__range=(MONDAY, MONDAY + dt.timedelta(days=6)))
    per_place = {str(p): week.filter(segment=p).count() for p in (county.s1, county.s3, county.s5, county.s6)}
    per_place |= {str(p): week.filter(site=p).count() for p in (county.m1, county.m2, county.t1)}
    assert per_place == {
        "人民路一段": 7,
        "东关小巷": 1,
        "城南大道": 3,
        "南环路": 3,
        "城关农贸市场": 2,
        "城南农贸市场": 2,
        "东关公厕": 0,
    }


def test_a_pool_is_balanced_by_count(county, world):
    inspector("insp_b2", "丁巡查", world.town_b)
    PatrolRule.objects.filter(town=world.town_b).update(times_per_week=7)
    PatrolRule.objects.filter(road_class=RoadClass.SECONDARY).update(times_per_week=7)
    PatrolRule.objects.filter(site_type__code="market").update(times_per_week=7)

    services.patrol_routes_generate(day=MONDAY)

    town_b = {k: v for k, v in routes(MONDAY).items() if k in ("城南大道", "南环路", "城南农贸市场")}
    assert town_b == {"城南大道": "丙巡查", "南环路": "丁巡查", "城南农贸市场": "丙巡查"}


def test_a_town_without_inspectors_falls_to_the_county_pool(county, world):
    county.b1.memberships.all().delete()

    services.patrol_routes_generate(day=MONDAY)

    assert routes(MONDAY)["城南大道"] == "郑巡查"


def test_the_same_input_gives_the_same_routes(county):
    services.patrol_routes_generate(day=MONDAY)
    first = routes(MONDAY)
    Visit.objects.all().delete()

    services.patrol_routes_generate(day=MONDAY)

    assert routes(MONDAY) == first


# ---- regeneration -------------------------------------------------------------------------------------


def _inspect(county: County, visit: Visit) -> None:
    seed_categories()
    services.checklists_seed()
    segment = visit.segment
    assert segment is not None
    checklist = selectors.checklist_for_segment(segment)
    assert checklist is not None
    answers = [services.Answer(item.pk, Outcome.PASS) for item in selectors.active_items(checklist)]
    assert visit.assignee is not None
    services.inspection_submit(
        by=visit.assignee, kind=InspectionKind.PATROL, segment=segment, answers=answers, visit=visit
    )


def test_regenerating_keeps_done_visits_removes_undue_ones_and_never_doubles(county):
    with at(MONDAY, 7):
        first = services.patrol_routes_generate(day=MONDAY)
        again = services.patrol_routes_generate(day=MONDAY)
        assert (first.created, again.total, Visit.objects.count()) == (4, 0, 4)
        _inspect(county, Visit.objects.get(segment=county.s1))
        services.patrol_rule_deactivate(rule=county.main_rule, by=county.world.office)

        changed = services.patrol_routes_generate(day=MONDAY)

    assert (changed.removed, changed.kept_done, changed.created) == (2, 1, 0)
    # The done visit stays; 城南's own rule still plans 城南大道.
    assert routes(MONDAY) == {"人民路一段": "甲巡查", "城南大道": "丙巡查"}
    assert Visit.objects.get(segment=county.s1).done_at is not None


def test_regenerating_hands_undone_visits_to_a_new_inspector(county, world):
    services.patrol_routes_generate(day=MONDAY)
    inspector("insp_b0", "戊巡查", world.town_b)
    county.b1.memberships.all().delete()

    changed = services.patrol_routes_generate(day=MONDAY)

    assert changed.reassigned == 1 and routes(MONDAY)["城南大道"] == "戊巡查"


def test_the_office_cannot_regenerate_a_past_day(county):
    with at(TUESDAY, 9), pytest.raises(DomainError, match="已过去"):
        services.patrol_routes_generate(day=MONDAY, by=county.world.office)


# ---- 漏巡 ---------------------------------------------------------------------------------------


def test_an_undone_visit_is_missed_once_its_day_is_over(county):
    services.patrol_routes_generate(day=MONDAY)
    with at(MONDAY, 10):
        _inspect(county, Visit.objects.get(segment=county.s1))
    office = county.world.office

    with at(MONDAY, 23, 59):
        states = {str(v.segment): v.state for v in selectors.patrol_day_for_user(user=office, day=MONDAY)}
        late = selectors.patrol_calendar_for_user(user=office, start=MONDAY, end=MONDAY)[MONDAY]
    with at(TUESDAY, 0, 0):
        after = {str(v.segment): v.state for v in selectors.patrol_day_for_user(user=office, day=MONDAY)}
        counts = selectors.patrol_calendar_for_user(user=office, start=MONDAY, end=MONDAY)[MONDAY]
        people = selectors.patrol_by_inspector_for_user(user=office, start=MONDAY, end=MONDAY)

    assert states == {"人民路一段": "done", "人民路二段": "pending", "解放路": "pending", "城南大道": "pending"}
    assert (late.planned, late.done, late.missed, late.pending) == (4, 1, 0, 3)
    assert after == {"人民路一段": "done", "人民路二段": "missed", "解放路": "missed", "城南大道": "missed"}
    assert (counts.planned, counts.done, counts.missed, counts.pending) == (4, 1, 3, 0)
    assert {(p.name, p.counts.missed) for p in people} == {("甲巡查", 0), ("乙巡查", 1), ("孙路长", 1), ("丙巡查", 1)}


def test_an_inspection_the_day_after_does_not_undo_the_miss(county):
    services.patrol_routes_generate(day=MONDAY)
    with at(TUESDAY, 8):
        _inspect(county, Visit.objects.get(segment=county.s2))
        assert (
            selectors.patrol_day_for_user(user=county.world.office, day=MONDAY).get(segment=county.s2).state
            == VisitState.MISSED
        )


# ---- the nightly job ------------------------------------------------------------------------------------


def test_the_tick_job_generates_tomorrow_and_today_if_missing(county):
    [job] = [job for job in tick_jobs() if job.func is services.patrol_routes_nightly]
    now = dt.datetime(2026, 6, 8, 22, 0, tzinfo=TZ)

    assert job.func(now) == 4 + 5
    assert set(routes(MONDAY)) == {"人民路一段", "人民路二段", "解放路", "城南大道"}
    assert len(routes(TUESDAY)) == 5
    assert job.func(now) == 0  # nothing left to do: idempotent


def test_the_tick_command_runs_it(county):
    from django.core.management import call_command

    with at(MONDAY, 22):
        call_command("tick")

    assert len(routes(TUESDAY)) == 5


# ---- rules -----------------------------------------------------------------------------------------


def test_the_office_saves_a_rule_and_it_is_logged(county, world):
    from chuangcheng.core.models import AuditEntry

    rule = PatrolRule(site_type=SiteType.objects.get(code="public_toilet"), times_per_week=2)
    services.patrol_rule_save(rule=rule, by=world.office)
    rule.times_per_week = 4
    services.patrol_rule_save(rule=rule, by=world.office)

    logged = AuditEntry.objects.filter(action__startswith="inspections.patrol_rule", object_id=str(rule.pk))
    actions = list(logged.order_by("pk").values_list("action", flat=True))
    assert actions == ["inspections.patrol_rule.create", "inspections.patrol_rule.change"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "二选一"),
        ({"road_class": RoadClass.MAIN, "site_type_code": "market"}, "二选一"),
        ({"road_class": RoadClass.MAIN}, "已有启用的巡查规则"),
        ({"road_class": RoadClass.COMMERCIAL, "times_per_week": 8}, "7"),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_changes(county, world, fields, message):
    code = fields.pop("site_type_code", None)
    rule = PatrolRule(site_type=SiteType.objects.get(code=code) if code else None, **fields)
    before = PatrolRule.objects.count()

    with pytest.raises(DomainError, match=message):
        services.patrol_rule_save(rule=rule, by=world.office)

    assert PatrolRule.objects.count() == before


@pytest.mark.parametrize("persona", ["supervisor", "leader", "inspector", "admin_a", "chief_a"])
def test_only_the_office_changes_rules(county, world, persona):
    rule = PatrolRule(road_class=RoadClass.COMMERCIAL)
    with pytest.raises(DomainError, match="没有权限"):
        services.patrol_rule_save(rule=rule, by=getattr(world, persona))
    with pytest.raises(DomainError, match="没有权限"):
        services.patrol_rule_deactivate(rule=county.main_rule, by=getattr(world, persona))
    with pytest.raises(DomainError, match="没有权限"):
        services.patrol_routes_generate(day=MONDAY, by=getattr(world, persona))


def test_default_rules_are_seeded_once(db, world):
    assert services.patrol_rules_seed() == len(services.DEFAULT_PATROL_RULES)
    assert services.patrol_rules_seed() == 0
    assert PatrolRule.objects.get(road_class=RoadClass.MAIN).times_per_week == 7
    assert PatrolRule.objects.get(site_type__code="market").times_per_week == 2


# ---- who sees what --------------------------------------------------------------------------------------


def test_county_roles_see_every_route_and_an_inspector_his_own(county, world):
    services.patrol_routes_generate(day=MONDAY)

    for persona in (world.office, world.supervisor, world.leader):
        assert selectors.patrol_visit_list_for_user(user=persona).count() == 4
    own = selectors.patrol_visit_list_for_user(user=county.a2, filters={"inspector": county.a1.pk})
    assert [str(v.segment) for v in own] == ["人民路二段"]
    assert [str(v.segment) for v in selectors.patrol_visit_list_for_user(user=world.chief_a)] == ["解放路"]
    assert selectors.patrol_visit_list_for_user(user=world.inspector).count() == 0


@pytest.mark.parametrize("persona", ["admin_a", "handler_a", "volunteer"])
def test_other_roles_see_no_patrols(county, world, persona):
    with pytest.raises(PermissionDenied):
        selectors.patrol_visit_list_for_user(user=getattr(world, persona))


@pytest.mark.parametrize("persona", ["supervisor", "inspector", "admin_a"])
def test_only_the_office_reads_the_rules(county, world, persona):
    with pytest.raises(PermissionDenied):
        selectors.patrol_rule_list_for_user(user=getattr(world, persona))


def test_filters_by_town_and_inspector(county, world):
    services.patrol_routes_generate(day=MONDAY)
    office = world.office

    in_b = selectors.patrol_visit_list_for_user(user=office, filters={"town": str(world.town_b.pk)})
    of_a1 = selectors.patrol_calendar_for_user(
        user=office, start=MONDAY, end=MONDAY, filters={"inspector": county.a1.pk}
    )

    assert [str(v.segment) for v in in_b] == ["城南大道"]
    assert of_a1[MONDAY].planned == 1
