"""周检查 and 模拟测评: the seeded sample on a hand-built county, teams and their share, progress, the
mock evaluation's predicted score, the plan's states, who sees what, and the pages and API."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import photo
from chuangcheng.core.errors import DomainError
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.inspections import services
from chuangcheng.inspections.choices import InspectionKind, Outcome, PlanStatus
from chuangcheng.inspections.models import Checklist, Plan, Visit
from chuangcheng.inspections.selectors import (
    active_items,
    plan_list_for_user,
    plan_prediction,
    plan_progress,
    plan_sample_table,
)
from chuangcheng.org.choices import UnitGroup, UnitKind
from chuangcheng.org.services import unit_create
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site, SiteType
from chuangcheng.places.services import segment_save, site_save

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 6, 8)
FRIDAY = dt.date(2026, 6, 12)
LAT = 34.80


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def site(code: str, kind: str, unit, lon: float, lat: float = LAT) -> Site:
    return site_save(
        site=Site(code=code, name=f"{code}名", site_type=SiteType.objects.get(code=kind), unit=unit),
        geometry={"type": "Point", "coordinates": [lon, lat]},
    )


def segment(code: str, road_class: str, unit, lon: float, lat: float = LAT) -> RoadSegment:
    return segment_save(
        segment=RoadSegment(code=code, name=f"{code}路", road_class=road_class, unit=unit),
        geometry={"type": "LineString", "coordinates": [[lon, lat], [lon + 0.002, lat]]},
    )


def check(world, *, by=None, seed: int = 7, sample=None, **fields) -> Plan:
    return services.plan_create(
        by=by or world.supervisor,
        kind=fields.pop("kind", InspectionKind.CHECK),
        name=fields.pop("name", "第23周周检查"),
        starts_on=fields.pop("starts_on", MONDAY),
        due_on=fields.pop("due_on", FRIDAY),
        seed=seed,
        sample=sample,
        **fields,
    )


def sampled(plan: Plan) -> Counter:
    """(type code or road class, town name) → visits."""
    return Counter(
        (v.site.site_type.code if v.site else v.segment.road_class, v.town.name if v.town else "")
        for v in plan.visits.select_related("site__site_type", "segment", "town")
    )


@pytest.fixture
def county(world):
    """城关 (A): 3 markets, 1 square, 1 park; 城南 (B): 2 markets, no square."""
    a, b = world.town_a, world.town_b
    return {
        "markets_a": [site(f"MA{i}", "market", a, 114.30 + i * 0.01) for i in range(3)],
        "square_a": site("SA", "square", a, 114.34),
        "park_a": site("PA", "park", a, 114.35),
        "markets_b": [site(f"MB{i}", "market", b, 114.40 + i * 0.01) for i in range(2)],
    }


# ---- the weekly sample ------------------------------------------------------------------------------


def test_a_weekly_check_samples_n_sites_of_each_type_in_each_town(world, county):
    plan = check(world, sample={"site_types": {"market": 2, "square": 1}})

    assert plan.status == PlanStatus.DRAFT and plan.sample["per_town"] is True
    # 城关 has 3 markets (2 drawn) and a square; 城南 only 2 markets (both) and no square; parks not asked.
    assert sampled(plan) == {("market", "城关街道"): 2, ("square", "城关街道"): 1, ("market", "城南街道"): 2}
    assert set(plan.visits.values_list("kind", "starts_on", "due_on")) == {(InspectionKind.CHECK, MONDAY, FRIDAY)}
    towns, rows = plan_sample_table(plan)
    assert [name for _pk, name in towns] == ["城关街道", "城南街道"]
    assert {row.label: (row.per_town, row.total) for row in rows} == {
        "集贸市场/农贸市场": ({world.town_a.pk: 2, world.town_b.pk: 2}, 4),
        "公共广场": ({world.town_a.pk: 1}, 1),
    }


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(world):
    markets = [site(f"M{i:02d}", "market", world.town_a, 114.30 + i * 0.002) for i in range(12)]
    rules = {"site_types": {"market": 4}}

    first = check(world, seed=1, sample=rules, name="一")
    again = check(world, seed=1, sample=rules, name="二")
    other = check(world, seed=2, sample=rules, name="三")

    def drawn(plan: Plan) -> set[int]:
        return set(plan.visits.values_list("site_id", flat=True))

    assert len(drawn(first)) == 4 and drawn(first) <= {m.pk for m in markets}
    assert drawn(again) == drawn(first)
    assert drawn(other) != drawn(first)
    # Redrawing the draft with its first seed gives the first sample back.
    services.plan_sample(plan=other, by=world.supervisor, seed=1)
    assert drawn(other) == drawn(first)


def test_bad_sample_rules_are_refused_with_a_message_and_nothing_is_created(world, county):
    with pytest.raises(DomainError, match="未知的点位类型"):
        check(world, sample={"site_types": {"moon": 1}})
    with pytest.raises(DomainError, match="0 到 100 之间的整数"):
        check(world, sample={"site_types": {"market": -1}})
    with pytest.raises(DomainError, match="至少"):
        check(world, sample={"site_types": {"market": 0}})
    with pytest.raises(DomainError, match="截止日期不能早于开始日期"):
        check(world, due_on=MONDAY - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="请填写名称"):
        check(world, name="  ")
    assert not Plan.objects.exists() and not Visit.objects.exists()


# ---- the mock evaluation's sample ------------------------------------------------------------------


@pytest.fixture
def campaign() -> Campaign:
    return Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("85.00"),
    )


def test_a_mock_evaluation_samples_county_wide_plus_the_road_in_front_of_each_point(world, campaign):
    a, b = world.town_a, world.town_b
    main = segment("S-MAIN", RoadClass.MAIN, a, 114.300)  # 114.300–114.302 along 34.80
    # Two markets ~55 m north of the main road, one in 城南 far from any road.
    m1 = site("M1", "market", a, 114.3005, LAT + 0.0005)
    m2 = site("M2", "market", a, 114.3015, LAT + 0.0005)
    m3 = site("M3", "market", b, 114.40, LAT + 0.02)
    back = segment("S-BACK", RoadClass.BACK_STREET, b, 114.45)
    segment("S-FAR", RoadClass.MAIN, b, 114.50)  # a main road near nothing: not asked for, not drawn

    plan = services.plan_create(
        by=world.office,
        kind=InspectionKind.MOCK,
        name="第一次模拟测评",
        campaign=campaign,
        starts_on=MONDAY,
        due_on=FRIDAY,
        seed=3,
        sample={"site_types": {"market": 3}, "road_classes": {RoadClass.BACK_STREET: 1}, "near_m": 300},
    )

    assert plan.sample["per_town"] is False
    assert set(plan.visits.exclude(site=None).values_list("site_id", flat=True)) == {m1.pk, m2.pk, m3.pk}
    # The back street drawn by class, and the main road in front of M1 and M2 (once).
    assert set(plan.visits.exclude(segment=None).values_list("segment_id", flat=True)) == {back.pk, main.pk}


def test_a_mock_samples_its_count_across_all_towns(world, county, campaign):
    plan = services.plan_create(
        by=world.office,
        kind=InspectionKind.MOCK,
        name="模拟测评",
        campaign=campaign,
        starts_on=MONDAY,
        due_on=FRIDAY,
        seed=11,
        sample={"site_types": {"market": 3}, "near_m": 0},
    )
    assert plan.visits.count() == 3  # of the county's 5 markets, whatever their town


def test_the_mock_defaults_follow_the_national_table(world, campaign):
    plan = services.plan_create(
        by=world.office,
        kind=InspectionKind.MOCK,
        name="模拟测评",
        campaign=campaign,
        starts_on=MONDAY,
        due_on=FRIDAY,
        seed=11,
    )
    assert plan.sample["site_types"]["market"] == 3 and plan.sample["site_types"]["square"] == 2
    assert plan.sample["road_classes"][RoadClass.MAIN] == 2 and plan.sample["near_m"] == 300


def test_a_mock_needs_a_campaign_and_the_office(world, campaign):
    with pytest.raises(DomainError, match="须选择创建项目"):
        services.plan_create(by=world.office, kind=InspectionKind.MOCK, name="模拟", starts_on=MONDAY, due_on=FRIDAY)
    with pytest.raises(DomainError, match="没有权限") as refused:
        services.plan_create(
            by=world.supervisor,
            kind=InspectionKind.MOCK,
            name="模拟",
            campaign=campaign,
            starts_on=MONDAY,
            due_on=FRIDAY,
        )
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError, match="没有权限"):
        check(world, by=world.inspector)
    assert not Plan.objects.exists()


# ---- teams and their share -------------------------------------------------------------------------


def test_visits_are_shared_among_teams_by_whole_towns_and_evenly(world):
    towns = [world.town_a, world.town_b]
    for code in ("T03", "T04"):
        towns.append(
            unit_create(name=f"{code}镇", code=code, kind=UnitKind.TOWN, group=UnitGroup.TOWN, parent=world.county)
        )
    for town, n in zip(towns, (4, 3, 2, 1), strict=True):
        for i in range(n):
            site(f"{town.code}-{i}", "market", town, 114.30 + len(town.code) * 0.01 + i * 0.001)
    plan = check(world, sample={"site_types": {"market": 10}})
    one = services.team_save(plan=plan, by=world.supervisor, name="第一组", leader=world.inspector)
    two = services.team_save(plan=plan, by=world.supervisor, name="第二组", members=[world.chief_a, world.chief_b])

    load = services.visits_assign(plan=plan, by=world.supervisor)

    # Biggest town first to the least loaded team: 4 → 一, 3 → 二, 2 → 二, 1 → 一.
    assert load == {one.pk: 5, two.pk: 5}
    for town in towns:
        assert plan.visits.filter(town=town).values("team").distinct().count() == 1
    assert set(plan.visits.filter(team=one).values_list("town__code", flat=True)) == {"T01", "T04"}

    moved = plan.visits.filter(team=one).order_by("pk").first()
    assert services.visits_assign(plan=plan, by=world.supervisor, assignments={moved.pk: two.pk}) == {
        one.pk: 4,
        two.pk: 6,
    }


def test_team_rules(world, county):
    plan = check(world, sample={"site_types": {"market": 1}})
    services.team_save(plan=plan, by=world.supervisor, name="第一组", leader=world.inspector)
    with pytest.raises(DomainError, match="已有名为“第一组”"):
        services.team_save(plan=plan, by=world.supervisor, name="第一组")
    with pytest.raises(DomainError, match="检查组成员须是"):
        services.team_save(plan=plan, by=world.supervisor, name="第二组", members=[world.admin_a])
    other = check(world, name="另一计划", sample={"site_types": {"market": 1}})
    with pytest.raises(DomainError, match="不属于该计划"):
        services.visits_assign(
            plan=plan, by=world.supervisor, assignments={other.visits.first().pk: plan.teams.get().pk}
        )


# ---- states ----------------------------------------------------------------------------------------


def staffed(world, plan: Plan) -> Plan:
    services.team_save(plan=plan, by=world.office, name="第一组", leader=world.inspector)
    services.visits_assign(plan=plan, by=world.office)
    return plan


def test_a_plan_is_started_once_and_closed_once(world, county):
    plan = check(world, sample={"site_types": {"market": 1}})
    with pytest.raises(DomainError, match="请先建立检查组"):
        services.plan_activate(plan=plan, by=world.supervisor)
    with pytest.raises(DomainError, match="检查计划当前状态为“草稿”，不能结束"):
        services.plan_close(plan=plan, by=world.supervisor)
    staffed(world, plan)

    services.plan_activate(plan=plan, by=world.supervisor)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE
    with pytest.raises(DomainError, match="检查计划当前状态为“进行中”，不能启动") as twice:
        services.plan_activate(plan=plan, by=world.supervisor)
    assert twice.value.code == "conflict"
    with pytest.raises(DomainError, match="不能重新抽样"):
        services.plan_sample(plan=plan, by=world.supervisor, seed=99)
    # Someone else holding the plan as it was read (a draft) is told it moved on.
    stale = Plan.objects.get(pk=plan.pk)
    stale.status = PlanStatus.DRAFT
    with pytest.raises(DomainError, match="刚刚已被他人处理"):
        services.plan_activate(plan=stale, by=world.supervisor)

    services.plan_close(plan=plan, by=world.supervisor)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.CLOSED
    with pytest.raises(DomainError, match="当前状态为“已结束”，不能调整检查组"):
        services.team_save(plan=plan, by=world.supervisor, name="第三组")
    actions = list(plan_audit(plan).values_list("action", flat=True))
    assert actions[:1] == ["inspections.plan.create"] and actions[-2:] == [
        "inspections.plan.activate",
        "inspections.plan.close",
    ]


def plan_audit(plan: Plan):
    from django.contrib.contenttypes.models import ContentType

    from chuangcheng.core.models import AuditEntry

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Plan), object_id=str(plan.pk)
    ).order_by("pk")


def test_an_empty_sample_cannot_start(world):
    plan = check(world, sample={"site_types": {"market": 2}})  # no market anywhere
    services.team_save(plan=plan, by=world.supervisor, name="第一组", leader=world.inspector)
    with pytest.raises(DomainError, match="样本为空"):
        services.plan_activate(plan=plan, by=world.supervisor)


# ---- progress --------------------------------------------------------------------------------------


def inspect(by, visit: Visit, failing: dict[int, Outcome] | None = None):
    """Submit the whole checklist of the visit's site, passed except ``failing`` (item id → outcome)."""
    checklist = Checklist.objects.get(site_type=visit.site.site_type)
    answers = [
        services.Answer(item.pk, Outcome.FAIL, "", (photo(),))
        if (failing or {}).get(item.pk) == Outcome.FAIL
        else services.Answer(item.pk, Outcome.PASS)
        for item in active_items(checklist)
    ]
    return services.inspection_submit(by=by, kind=visit.kind, site=visit.site, answers=answers, visit=visit)[0]


def test_progress_per_team_and_type_and_overdue_after_the_due_day(world, county):
    seed_categories()
    services.checklists_seed()
    plan = check(world, sample={"site_types": {"market": 2, "square": 1}})
    one = services.team_save(plan=plan, by=world.supervisor, name="第一组", leader=world.inspector)
    services.team_save(plan=plan, by=world.supervisor, name="第二组", leader=world.chief_a)
    services.visits_assign(plan=plan, by=world.supervisor)  # 城关 (3) → 第一组, 城南 (2) → 第二组
    services.plan_activate(plan=plan, by=world.supervisor)
    square = plan.visits.get(site__site_type__code="square")
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, tzinfo=SHANGHAI), tick=False):
        inspect(world.inspector, square)

    during = plan_progress(plan, dt.date(2026, 6, 10))
    after = plan_progress(plan, dt.date(2026, 6, 13))

    assert (during.total.done, during.total.pending, during.total.overdue) == (1, 4, 0)
    assert (after.total.done, after.total.pending, after.total.overdue) == (1, 0, 4)
    assert {(r.label, r.done, r.pending, r.overdue) for r in after.teams} == {("第一组", 1, 0, 2), ("第二组", 0, 0, 2)}
    assert {(r.label, r.done, r.overdue) for r in after.types} == {("集贸市场/农贸市场", 0, 4), ("公共广场", 1, 0)}
    assert [r.percent for r in during.teams if r.key == str(one.pk)] == [33]


# ---- the mock evaluation's result ------------------------------------------------------------------


def test_the_mock_predicts_each_indicator_from_its_inspections(world, campaign):
    seed_categories()
    services.checklists_seed()
    node = IndicatorNode.objects.create(
        campaign=campaign, code="1", level=NodeLevel.CONTENT, name="农贸市场管理", max_score=Decimal("4")
    )
    unchecked = IndicatorNode.objects.create(
        campaign=campaign, code="2", level=NodeLevel.CONTENT, name="公厕", max_score=Decimal("2")
    )
    checklist = Checklist.objects.get(site_type__code="market")
    first, second, third = list(active_items(checklist)[:3])
    first.indicators.add(node)
    second.indicators.add(node)
    toilets = Checklist.objects.get(site_type__code="public_toilet").items.first()
    toilets.indicators.add(unchecked)
    site("M1", "market", world.town_a, 114.30)
    site("M2", "market", world.town_b, 114.40)
    plan = services.plan_create(
        by=world.office,
        kind=InspectionKind.MOCK,
        name="模拟测评",
        campaign=campaign,
        starts_on=MONDAY,
        due_on=FRIDAY,
        seed=5,
        sample={"site_types": {"market": 2}, "near_m": 0},
    )
    staffed(world, plan)
    services.plan_activate(plan=plan, by=world.office)
    v1, v2 = plan.visits.order_by("pk")
    with time_machine.travel(dt.datetime(2026, 6, 9, 10, tzinfo=SHANGHAI), tick=False):
        # First item failed at both markets, second passed at both, third failed once (no indicator).
        inspect(world.inspector, v1, {first.pk: Outcome.FAIL, third.pk: Outcome.FAIL})
        inspect(world.inspector, v2, {first.pk: Outcome.FAIL})

    prediction = plan_prediction(plan)

    # Node 1: 2 passed of 4 checked → 4 × 0.5 = 2.00; the 公厕 node was not checked: absent.
    assert [(p.node.code, p.rate.passed, p.rate.failed, p.predicted) for p in prediction.nodes] == [
        ("1", 2, 2, Decimal("2.00"))
    ]
    assert (prediction.predicted_total, prediction.max_total, prediction.inspections) == (
        Decimal("2.00"),
        Decimal("4"),
        2,
    )
    assert [(f.text, f.failed, f.checked) for f in prediction.failed_items] == [
        (first.text, 2, 2),
        (third.text, 1, 2),
    ]


# ---- who sees what ---------------------------------------------------------------------------------


def test_who_sees_which_plans(world, county):
    mine = staffed(world, check(world, name="有我", sample={"site_types": {"market": 1}}))
    draft_mine = staffed(world, check(world, name="草稿", sample={"site_types": {"market": 1}}))
    services.plan_activate(plan=mine, by=world.supervisor)
    others = check(world, name="别人的", sample={"site_types": {"market": 1}})
    services.team_save(plan=others, by=world.supervisor, name="组", leader=world.chief_a)
    services.visits_assign(plan=others, by=world.supervisor)
    services.plan_activate(plan=others, by=world.supervisor)

    def seen(person) -> set[str]:
        return set(plan_list_for_user(user=person).values_list("name", flat=True))

    assert seen(world.office) == seen(world.supervisor) == seen(world.leader) == {"有我", "草稿", "别人的"}
    assert seen(world.inspector) == {"有我"}  # a member, once started
    assert seen(world.chief_a) == {"别人的"}
    assert seen(world.admin_a) == seen(world.handler_a) == seen(world.volunteer) == set()
    assert draft_mine.status == PlanStatus.DRAFT


# ---- pages and API ---------------------------------------------------------------------------------


def test_the_pages_answer_by_role(client, world, county):
    plan = staffed(world, check(world, name="城关周检查", sample={"site_types": {"market": 2}}))
    detail = reverse("inspections:check_detail", args=[plan.pk])

    client.force_login(world.inspector)
    assert client.get(detail).status_code == 404  # a draft is not the team's yet
    client.force_login(world.admin_a)
    assert client.get(reverse("inspections:check_list")).status_code == 403
    assert client.get(detail).status_code in (403, 404)
    client.force_login(world.supervisor)
    page = client.get(detail)
    assert page.status_code == 200 and "城关周检查" in page.content.decode()
    assert client.post(reverse("inspections:check_activate", args=[plan.pk])).status_code == 302
    again = client.post(reverse("inspections:check_activate", args=[plan.pk]), follow=True)
    assert "检查计划当前状态为“进行中”，不能启动" in again.content.decode()
    client.force_login(world.inspector)
    assert client.get(detail).status_code == 200
    progress = client.get(reverse("inspections:check_progress", args=[plan.pk]))
    assert progress.status_code == 200 and "data-checks-map" in progress.content.decode()
    assert client.post(reverse("inspections:check_close", args=[plan.pk])).status_code == 403


def test_the_create_form_drafts_a_plan_with_its_sample(client, world, county):
    client.force_login(world.supervisor)
    form = client.get(reverse("inspections:check_create"))
    assert form.status_code == 200 and 'name="seed"' in form.content.decode()
    answer = client.post(
        reverse("inspections:check_create"),
        {
            "kind": InspectionKind.CHECK,
            "name": "第24周周检查",
            "starts_on": "2026-06-15",
            "due_on": "2026-06-19",
            "seed": "42",
            "st_market": "1",
            "st_square": "1",
        },
    )
    plan = Plan.objects.get(name="第24周周检查")
    assert answer.status_code == 302 and answer["Location"] == reverse("inspections:check_detail", args=[plan.pk])
    assert plan.seed == 42 and sampled(plan) == {
        ("market", "城关街道"): 1,
        ("square", "城关街道"): 1,
        ("market", "城南街道"): 1,
    }
    refused = client.post(
        reverse("inspections:check_create"),
        {"kind": InspectionKind.MOCK, "name": "模拟", "starts_on": "2026-06-15", "due_on": "2026-06-19", "seed": "1"},
    )
    assert refused.status_code == 200 and "模拟测评" in refused.content.decode()
    assert Plan.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 6, 15, 9, tzinfo=SHANGHAI), tick=False)
def test_the_api_lists_creates_and_starts(client, world, county):
    client.force_login(world.supervisor)
    created = client.post(
        "/api/inspections/checks/",
        {
            "kind": "check",
            "name": "接口周检查",
            "starts_on": "2026-06-15",
            "due_on": "2026-06-19",
            "seed": 9,
            "site_types": {"market": 1},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["visit_count"] == 2
    team = client.post(
        f"/api/inspections/checks/{pk}/teams",
        {"name": "一组", "leader": world.inspector.pk, "members": []},
        content_type="application/json",
    )
    assert team.status_code == 201, team.content
    assert client.post(f"/api/inspections/checks/{pk}/assign", {}, content_type="application/json").json() == {
        "teams": [{"id": team.json()["id"], "name": "一组", "visits": 2}]
    }
    assert client.post(f"/api/inspections/checks/{pk}/activate").status_code == 200
    twice = client.post(f"/api/inspections/checks/{pk}/activate")
    assert twice.status_code == 409 and "不能启动" in twice.json()["detail"]
    progress = client.get(f"/api/inspections/checks/{pk}/progress").json()
    assert progress["total"]["pending"] == 2 and len(progress["visits"]) == 2
    client.force_login(world.chief_b)
    assert client.get(f"/api/inspections/checks/{pk}").status_code == 404
    assert client.get("/api/inspections/checks/").json()["count"] == 0


# ---- the demo --------------------------------------------------------------------------------------


def field_node(campaign, code, name, *, method="field", level=NodeLevel.CONTENT, parent=None):
    return IndicatorNode.objects.create(
        campaign=campaign, code=code, level=level, name=name, method=method, max_score=Decimal("10"), parent=parent
    )


def test_the_demo_links_checklist_items_to_the_field_nodes_they_evidence(world, campaign):
    from chuangcheng.core.models import AuditEntry
    from chuangcheng.inspections.demo import build_checklists, link_checklist_indicators

    build_checklists()
    market = field_node(campaign, "1", "农贸市场环境")
    ads = field_node(campaign, "2", "主次干道公益广告")
    toilets = field_node(campaign, "3", "公共厕所建设与管理")
    material = field_node(campaign, "4", "农贸市场管理制度", method="material")  # not a field check
    grouping = field_node(campaign, "5", "公共厕所", method="")  # has standards below: not a leaf
    standard = field_node(campaign, "5.1", "公厕保洁", level=NodeLevel.STANDARD, parent=grouping)

    links = link_checklist_indicators()

    # Every item of the market checklist (17 seeded); the ads items of the five street checklists
    # (2 each); the toilet checklist's 12 items and the 公厕 item of market, square, park, 乡镇.
    assert market.checklist_items.count() == 17
    assert set(market.checklist_items.values_list("checklist__site_type__code", flat=True)) == {"market"}
    assert ads.checklist_items.count() == 10
    assert {i.text for i in ads.checklist_items.all()} == {
        "沿街每 200 米至少有 1 处公益广告",
        "公益广告画面完好，无破损褪色",
        "商户电子屏、橱窗播放或张贴公益广告",
    }
    assert toilets.checklist_items.count() == 16
    assert standard.checklist_items.count() == 16  # "公厕" in its name: the same items
    assert not material.checklist_items.exists() and not grouping.checklist_items.exists()
    assert links == 17 + 10 + 16 + 16
    # Through the office's service (audited), and a second run changes nothing.
    audited = AuditEntry.objects.filter(action="inspections.item.indicators").count()
    assert audited > 0
    link_checklist_indicators()
    assert AuditEntry.objects.filter(action="inspections.item.indicators").count() == audited


def test_the_demo_has_four_closed_weekly_checks_and_a_mock_under_way(world, county, campaign):
    from chuangcheng.inspections.demo import build_checklists, build_plans, link_checklist_indicators
    from chuangcheng.inspections.models import Inspection

    build_checklists()
    field_node(campaign, "1", "农贸市场环境")
    public_ads = field_node(campaign, "2", "公共场所公益广告")
    assert link_checklist_indicators() > 17
    today = dt.date(2026, 6, 18)  # a Thursday

    summary = build_plans(today=today, seed=1)

    checks = Plan.objects.filter(kind=InspectionKind.CHECK).order_by("starts_on")
    assert (summary.checks, summary.mocks) == (4, 1)
    assert [(p.starts_on, p.status) for p in checks] == [
        (dt.date(2026, 5, 18), PlanStatus.CLOSED),
        (dt.date(2026, 5, 25), PlanStatus.CLOSED),
        (dt.date(2026, 6, 1), PlanStatus.CLOSED),
        (dt.date(2026, 6, 8), PlanStatus.CLOSED),
    ]
    mock = Plan.objects.get(kind=InspectionKind.MOCK)
    assert mock.status == PlanStatus.ACTIVE and mock.campaign == campaign
    done = Visit.objects.filter(done_at__isnull=False).select_related("plan", "inspection")
    assert summary.inspections == done.count() == Inspection.objects.count() > 0
    for visit in done:  # each inspection dated within its plan's days
        day = timezone.localdate(visit.inspection.submitted_at)
        assert visit.plan.starts_on <= day <= visit.plan.due_on and visit.done_at == visit.inspection.submitted_at
    # The linked items make the mock predict a field score: it has only inspected the square so far.
    assert list(mock.visits.filter(done_at__isnull=False).values_list("site__site_type__code", flat=True)) == ["square"]
    prediction = plan_prediction(mock)
    assert [p.node for p in prediction.nodes] == [public_ads]
    assert prediction.nodes[0].rate.checked > 0 and prediction.nodes[0].predicted is not None


def test_a_team_is_restaffed_from_the_plan_page(client, world, county):
    plan = staffed(world, check(world, sample={"site_types": {"market": 1}}))
    team = plan.teams.get()
    client.force_login(world.supervisor)
    assert (
        f'name="team{team.pk}-name"' in client.get(reverse("inspections:check_detail", args=[plan.pk])).content.decode()
    )

    client.post(
        reverse("inspections:check_team", args=[plan.pk]),
        {"team": team.pk, f"team{team.pk}-name": "城关组", f"team{team.pk}-members": [world.chief_a.pk]},
    )

    team.refresh_from_db()
    assert (team.name, team.leader, list(team.members.all())) == ("城关组", None, [world.chief_a])
    assert plan.teams.count() == 1
