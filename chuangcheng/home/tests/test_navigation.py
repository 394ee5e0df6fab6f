"""The main navigation as each role sees it: the apps' registered entries, in the order they always had."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from chuangcheng.core.registry import tick_jobs

pytestmark = pytest.mark.django_db

COMMON_HEAD = ["nav-home", "nav-inbox", "nav-cases"]
MAP = ["nav-map"]
PLACES = ["nav-segments", "nav-grids", "nav-sites", "nav-shops"]
ORG = ["nav-units", "nav-people"]
RESULTS = ["nav-results"]  # 检查结果: the roles with inspection records
INSPECT = ["nav-patrols", "nav-checks"]  # 巡查计划 and 检查计划
REST = [*MAP, *PLACES, *ORG]
APPRAISAL = ["nav-appraisal", "nav-yearend"]  # 月度考核 and 年终评定: the county's readers
COUNTY_REST = [*MAP, *PLACES, *APPRAISAL, *ORG]
UNIT_REST = [*MAP, *PLACES, "nav-appraisal", *ORG]
FIELD = ["nav-field"]  # the phone pages of inspections, for the roles that inspect


def nav_ids(client) -> list[str]:
    page = client.get(reverse("home:home")).content.decode()
    nav = page[page.index('<nav class="mainnav">') : page.index("</nav>")]
    return re.findall(r'<a href="[^"]*" id="(nav-[\w-]+)"', nav)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "office",
            [*COMMON_HEAD, *FIELD, *RESULTS, "nav-indicators", *INSPECT, "nav-checklists", *COUNTY_REST, "nav-audit"],
        ),
        ("supervisor", [*COMMON_HEAD, *FIELD, *RESULTS, "nav-indicators", *INSPECT, "nav-checklists", *COUNTY_REST]),
        ("leader", [*COMMON_HEAD, *RESULTS, "nav-indicators", *INSPECT, *COUNTY_REST]),
        ("admin_a", [*COMMON_HEAD, *RESULTS, "nav-indicators", *UNIT_REST]),
        ("handler_a", [*COMMON_HEAD, *RESULTS, "nav-indicators", *UNIT_REST]),
        ("chief_a", [*COMMON_HEAD, *FIELD, *RESULTS, *INSPECT, *MAP, "nav-mine", *PLACES, *ORG]),
        ("inspector", [*COMMON_HEAD, *FIELD, *RESULTS, *INSPECT, *REST]),
        ("volunteer", [*COMMON_HEAD, *REST]),
    ],
)
def test_each_role_sees_its_entries_in_order(client, world, persona, expected):
    client.force_login(getattr(world, persona))

    assert nav_ids(client) == expected


def test_a_superuser_sees_the_ledger_and_the_audit_log(client, world):
    root = type(world.office).objects.create_superuser(username="root", password="x", real_name="运维")
    client.force_login(root)

    ids = nav_ids(client)

    assert ids == [
        *COMMON_HEAD,
        *FIELD,
        *RESULTS,
        "nav-indicators",
        *INSPECT,
        "nav-checklists",
        *COUNTY_REST,
        "nav-audit",
    ]


def test_the_audit_link_opens_the_audit_log(client, world):
    client.force_login(world.office)
    page = client.get(reverse("home:home")).content.decode()

    assert f'<a href="{reverse("org:audit_log")}" id="nav-audit">操作日志</a>' in page
    assert client.get(reverse("org:audit_log")).status_code == 200


def test_the_inbox_badge_shows_in_the_nav_and_on_the_menu_button(client, world):
    client.force_login(world.office)
    page = client.get(reverse("home:home")).content.decode()

    assert page.count('id="nav-unread"') == 1 and page.count('id="nav-toggle-unread"') == 1
    label = page[page.index('<label for="nav-toggle"') : page.index("</label>")]
    assert 'id="nav-toggle-unread"' in label


def test_an_anonymous_visitor_gets_no_navigation(client, db):
    page = client.get(reverse("org:login")).content.decode()

    assert 'class="mainnav"' not in page


def test_the_tick_jobs_are_the_apps_ones_in_order():
    assert [job.label for job in tick_jobs()] == [
        "期限按正式节假日重算",
        "督办升级",
        "任务催办与逾期督办",
        "达标预测快照",
        "日巡查路线生成",
    ]
