"""The office sets up a campaign and its milestones from the campaign list; nobody else can."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chuangcheng.indicators.models import Campaign, Milestone

NEW = reverse("indicators:campaign_create")


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "code": "GJWS-2027",
        "name": "国家卫生县城",
        "kind": "sanitary",
        "city_tier": "county",
        "title_level": "national",
        "framework_edition": "国家卫生县城标准（2021年版）",
        "pass_score": "720",
        "task_weight": "0.70",
        "overdue_task_penalty": "0.50",
        "missing_evidence_penalty": "0.30",
        "untasked_credit": "0",
        "case_tolerance": "20",
        "overdue_case_factor": "3",
        "is_active": "on",
        "sort_order": "2",
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-kind": "provincial_check",
        "milestones-0-name": "省级技术评估",
        "milestones-0-date": "2027-05-20",
        "milestones-1-kind": "national_assessment",
        "milestones-1-name": "国家暗访",
        "milestones-1-date": "2027-10-15",
    }
    data.update(overrides)
    return data


def test_the_office_creates_a_campaign_with_its_milestones(client, world):
    client.force_login(world.office)

    response = client.post(NEW, form_data())

    assert response.status_code == 302
    campaign = Campaign.objects.get(code="GJWS-2027")
    assert campaign.pass_score == Decimal("720")
    assert list(campaign.milestones.values_list("name", "date")) == [
        ("省级技术评估", dt.date(2027, 5, 20)),
        ("国家暗访", dt.date(2027, 10, 15)),
    ]
    listing = client.get(reverse("indicators:campaigns")).content.decode()
    assert "国家卫生县城" in listing and "省级技术评估" in listing


def test_editing_replaces_the_milestones_and_keeps_the_rest(client, world, campaign):
    Milestone.objects.create(campaign=campaign, kind="application", name="申报", date=dt.date(2027, 1, 10))
    client.force_login(world.office)
    edit = reverse("indicators:campaign_edit", args=[campaign.code])
    assert "申报" in client.get(edit).content.decode()  # the form shows the saved milestone

    response = client.post(
        edit,
        form_data(
            code=campaign.code,
            name=campaign.name,
            pass_score="88",
            **{"milestones-1-kind": "", "milestones-1-name": "", "milestones-1-date": ""},  # a row cleared
        ),
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.pass_score == Decimal("88")
    assert list(campaign.milestones.values_list("name", flat=True)) == ["省级技术评估"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("task_weight", "1.5", "小于或等于1"),
        ("pass_score", "0", "达标分数线须大于 0"),
        ("code", "GJ WS", "不能包含空格"),
        ("milestones-0-date", "2027-02-30", "有效的日期"),
    ],
)
def test_bad_values_are_refused_in_chinese_and_nothing_is_saved(client, world, field, value, message):
    client.force_login(world.office)

    response = client.post(NEW, form_data(**{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_code_already_used_is_refused(client, world, campaign):
    client.force_login(world.office)

    response = client.post(NEW, form_data(code=campaign.code))

    assert response.status_code == 200
    assert Campaign.objects.count() == 1
    assert "编码 的 创建项目 已存在" in response.content.decode()


@pytest.mark.parametrize("persona", ["admin_a", "supervisor", "leader", "inspector"])
def test_only_the_office_sets_up_campaigns(client, world, campaign, persona):
    client.force_login(getattr(world, persona))

    assert client.get(NEW).status_code == 403
    assert client.post(reverse("indicators:campaign_edit", args=[campaign.code]), form_data()).status_code == 403
    campaign.refresh_from_db()
    assert campaign.pass_score == Decimal("85.00")
