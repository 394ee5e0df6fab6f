"""日巡查 pages and API: the office edits rules; the calendar and a day's page show planned / done / 漏巡
as the selectors count them; an inspector sees only his own; the other roles are refused."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from chuangcheng.inspections import services
from chuangcheng.inspections.models import PatrolRule, Visit
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import SiteType

from .patrol_county import MONDAY, County, build

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def county(world) -> County:
    county = build(world)
    services.patrol_routes_generate(day=MONDAY)
    services.patrol_routes_generate(day=TUESDAY)
    # 人民路一段 was walked on Monday; the other three of Monday's four were not.
    Visit.objects.filter(segment=county.s1, due_on=MONDAY).update(done_at=dt.datetime(2026, 6, 8, 9, tzinfo=TZ))
    return county


@pytest.fixture(autouse=True)
def on_tuesday():
    with time_machine.travel(dt.datetime(2026, 6, 9, 10, 0, tzinfo=TZ), tick=False):
        yield


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# ---- rules page -----------------------------------------------------------------------------------------


def test_the_office_lists_adds_edits_and_deactivates_rules(county, world):
    office = client_for(world.office)
    page = office.get(reverse("inspections:patrol_rules")).content.decode()
    assert "主干道（路段）" in page and "每天" in page and "每周 3 次" in page and "城南街道" in page

    toilet = SiteType.objects.get(code="public_toilet")
    answer = office.post(
        reverse("inspections:patrol_rule_create"), {"site_type": toilet.pk, "times_per_week": 2, "is_active": "on"}
    )
    assert answer.status_code == 302
    rule = PatrolRule.objects.get(site_type=toilet)
    assert (rule.times_per_week, rule.town_id, rule.is_active) == (2, None, True)

    answer = office.post(
        reverse("inspections:patrol_rule_edit", args=[rule.pk]),
        {"site_type": toilet.pk, "town": world.town_a.pk, "times_per_week": 5, "is_active": "on"},
    )
    rule.refresh_from_db()
    assert answer.status_code == 302 and (rule.times_per_week, rule.town_id) == (5, world.town_a.pk)

    office.post(reverse("inspections:patrol_rule_deactivate", args=[rule.pk]))
    rule.refresh_from_db()
    assert not rule.is_active


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"times_per_week": 3}, "请选择点位类型或道路等级（二选一）"),
        ({"road_class": RoadClass.MAIN, "times_per_week": 3}, "已有启用的巡查规则"),
        ({"road_class": RoadClass.COMMERCIAL, "times_per_week": 9}, "7"),
    ],
)
def test_a_bad_rule_shows_its_reason_and_changes_nothing(county, world, data, message):
    before = list(PatrolRule.objects.values_list("pk", "times_per_week", "is_active"))

    answer = client_for(world.office).post(reverse("inspections:patrol_rule_create"), {**data, "is_active": "on"})

    assert answer.status_code == 200 and message in answer.content.decode()
    assert list(PatrolRule.objects.values_list("pk", "times_per_week", "is_active")) == before


@pytest.mark.parametrize("persona", ["supervisor", "inspector", "admin_a", "chief_a"])
def test_only_the_office_opens_the_rules(county, world, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("inspections:patrol_rules")).status_code == 403
    assert client.get(reverse("inspections:patrol_rule_edit", args=[county.main_rule.pk])).status_code == 403
    assert client.post(reverse("inspections:patrol_rule_deactivate", args=[county.main_rule.pk])).status_code == 403
    county.main_rule.refresh_from_db()
    assert county.main_rule.is_active


# ---- calendar and day -----------------------------------------------------------------------------------------


def test_the_calendar_counts_each_day(county, world):
    page = client_for(world.supervisor).get(reverse("inspections:patrol_calendar") + "?month=2026-06")
    html = page.content.decode()

    monday = html.split('id="day-2026-06-08"')[1].split("</td>")[0]
    tuesday = html.split('id="day-2026-06-09"')[1].split("</td>")[0]
    assert "计划 4" in monday and "完成 1" in monday and "漏巡 3" in monday
    assert "计划 5" in tuesday and "完成 0" in tuesday and "漏巡" not in tuesday  # today: still pending
    assert 'id="total-planned">9<' in html and 'id="total-missed" class="bad">3<' in html
    people = html.split('id="missed-by-inspector"')[1]
    assert people.index("乙巡查") < people.index("甲巡查")  # the ones with 漏巡 first


def test_the_calendar_filters_by_town(county, world):
    html = (
        client_for(world.office)
        .get(reverse("inspections:patrol_calendar") + f"?month=2026-06&town={world.town_b.pk}")
        .content.decode()
    )
    assert 'id="total-planned">2<' in html  # 城南大道 on Monday, 南环路 on Tuesday


def test_a_day_shows_each_inspectors_visits_and_their_state(county, world):
    html = client_for(world.office).get(reverse("inspections:patrol_day", args=["2026-06-08"])).content.decode()

    for name in ("甲巡查", "乙巡查", "孙路长", "丙巡查", "人民路一段", "人民路二段", "解放路", "城南大道"):
        assert name in html
    route_a2 = html.split(f'id="route-{county.a2.pk}"')[1].split("</section>")[0]
    assert "人民路二段" in route_a2 and "漏巡" in route_a2
    assert 'id="day-total">共 4 处' in html
    assert "patrol-generate" not in html  # a past day is not regenerated


def test_the_day_filters_by_state(county, world):
    html = (
        client_for(world.office)
        .get(reverse("inspections:patrol_day", args=["2026-06-08"]) + "?state=missed")
        .content.decode()
    )
    assert "人民路二段" in html and "人民路一段" not in html


def test_an_inspector_sees_only_his_own_calendar_and_day(county, world):
    client = client_for(county.a2)
    calendar = client.get(reverse("inspections:patrol_calendar") + f"?month=2026-06&inspector={county.a1.pk}")
    day = client.get(reverse("inspections:patrol_day", args=["2026-06-08"])).content.decode()

    assert "我的巡查日历" in calendar.content.decode() and 'id="total-planned">2<' in calendar.content.decode()
    assert "人民路二段" in day and "人民路一段" not in day and "甲巡查" not in day


@pytest.mark.parametrize("persona", ["admin_a", "handler_a", "volunteer"])
def test_other_roles_get_403(county, world, persona):
    client = client_for(getattr(world, persona))
    assert client.get(reverse("inspections:patrol_calendar")).status_code == 403
    assert client.get(reverse("inspections:patrol_day", args=["2026-06-08"])).status_code == 403


def test_a_bad_date_is_a_404(county, world):
    assert client_for(world.office).get(reverse("inspections:patrol_day", args=["2026-13-40"])).status_code == 404


def test_the_office_regenerates_today_after_a_rule_change(county, world):
    county.main_rule.times_per_week = 1
    county.main_rule.save()
    client = client_for(world.office)

    answer = client.post(reverse("inspections:patrol_generate"), {"day": "2026-06-09"}, follow=True)

    assert "已重新生成 2026-06-09 的巡查路线" in answer.content.decode()
    # 主干道 weekly: of S1 (id%7=3), S2 (4), S4 (6) none falls on Tuesday (offset 1).
    assert set(Visit.objects.filter(due_on=TUESDAY).values_list("segment__name", "site__name")) == {
        ("南环路", None),
        (None, "城关农贸市场"),
    }


def test_the_calendar_is_in_the_navigation_for_patrol_roles_only(county, world):
    assert 'id="nav-patrols"' in client_for(world.supervisor).get(reverse("home:home")).content.decode()
    assert 'id="nav-patrols"' in client_for(county.a1).get(reverse("home:home")).content.decode()
    assert 'id="nav-patrols"' not in client_for(world.admin_a).get(reverse("home:home")).content.decode()


# ---- API ------------------------------------------------------------------------------------------------


def test_api_rules_crud(county, world):
    client = client_for(world.office)
    listed = client.get("/api/inspections/patrol-rules").json()
    assert len(listed) == 5 and {r["road_class"] for r in listed} >= {"main", "secondary"}

    created = client.post(
        "/api/inspections/patrol-rules",
        {"road_class": "commercial", "times_per_week": 7},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["times_per_week"] == 7
    rule_id = created.json()["id"]
    updated = client.put(
        f"/api/inspections/patrol-rules/{rule_id}",
        {"road_class": "commercial", "times_per_week": 4, "town": world.town_a.pk},
        content_type="application/json",
    )
    assert updated.json()["times_per_week"] == 4 and updated.json()["town_name"] == "城关街道"
    off = client.post(f"/api/inspections/patrol-rules/{rule_id}/deactivate")
    assert off.json()["is_active"] is False
    again = client.post(f"/api/inspections/patrol-rules/{rule_id}/deactivate")
    assert again.status_code == 400 and again.json()["detail"] == "该巡查规则已停用"


def test_api_refuses_a_bad_rule_with_its_reason(county, world):
    client = client_for(world.office)
    both = client.post(
        "/api/inspections/patrol-rules",
        {"road_class": "commercial", "site_type": SiteType.objects.get(code="market").pk},
        content_type="application/json",
    )
    not_a_town = client.post(
        "/api/inspections/patrol-rules",
        {"road_class": "commercial", "town": world.housing.pk},
        content_type="application/json",
    )
    assert both.status_code == 400 and "二选一" in both.json()["detail"]
    assert not_a_town.status_code == 400 and not_a_town.json()["detail"] == "所选单位不是乡镇/街道"
    assert PatrolRule.objects.count() == 5


def test_api_calendar_and_day(county, world):
    client = client_for(world.supervisor)
    calendar = client.get("/api/inspections/patrols/calendar?month=2026-06-01").json()
    day = client.get("/api/inspections/patrols/days/2026-06-08?state=missed").json()

    assert calendar["month"] == "2026-06"
    assert calendar["days"] == [
        {"day": "2026-06-08", "planned": 4, "done": 1, "missed": 3, "pending": 0},
        {"day": "2026-06-09", "planned": 5, "done": 0, "missed": 0, "pending": 5},
    ]
    assert {(r["name"], r["missed"]) for r in calendar["inspectors"]} == {
        ("甲巡查", 0),
        ("乙巡查", 1),
        ("孙路长", 1),
        ("丙巡查", 1),
    }
    assert sorted(v["place_name"] for v in day) == ["人民路二段", "城南大道", "解放路"]
    assert {v["state_label"] for v in day} == {"漏巡"}


def test_api_an_inspector_gets_his_own_and_others_get_403(county, world):
    own = client_for(county.b1).get("/api/inspections/patrols/days/2026-06-08").json()
    assert [v["place_name"] for v in own] == ["城南大道"]
    assert client_for(world.admin_a).get("/api/inspections/patrols/calendar").status_code == 403
    assert client_for(world.supervisor).get("/api/inspections/patrol-rules").status_code == 403
    generate = client_for(world.supervisor).post("/api/inspections/patrols/days/2026-06-10/generate")
    assert generate.status_code == 403


def test_api_generate(county, world):
    answer = client_for(world.office).post("/api/inspections/patrols/days/2026-06-10/generate").json()
    past = client_for(world.office).post("/api/inspections/patrols/days/2026-06-08/generate")

    assert answer == {"day": "2026-06-10", "created": 5, "reassigned": 0, "removed": 0, "kept_done": 0}
    assert past.status_code == 400 and "已过去" in past.json()["detail"]
