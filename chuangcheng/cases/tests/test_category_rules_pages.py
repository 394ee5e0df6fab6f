"""The 小类's 立案条件 and 结案条件 on the pages where a case is judged: the unit and the verifier read one rule."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from chuangcheng.cases import services
from chuangcheng.cases.choices import TimeUnit
from chuangcheng.cases.models import Case


def rules_of(html: str) -> str:
    start = html.index('id="category-rules"')
    return html[start : html.index("</section>", start)]


def test_the_case_page_shows_the_subcategorys_conditions_to_the_handling_unit(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)

    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    rules = rules_of(html)
    assert "立案条件" in rules and case.category.accept_condition in rules
    assert "结案条件" in rules and "暴露垃圾已清除，现场干净整洁" in rules


def test_an_office_edit_of_the_close_condition_is_what_the_unit_and_the_verifier_read(client, world, make):
    case = make.handled()
    category = case.category
    category.close_condition = "垃圾清运完毕并冲洗地面，无异味"
    services.category_save(category=category, by=world.office)

    client.force_login(world.admin_a)
    detail = rules_of(client.get(reverse("cases:detail", args=[case.pk])).content.decode())
    client.force_login(world.supervisor)
    verify = rules_of(client.get(reverse("cases:verify", args=[case.pk])).content.decode())

    assert "垃圾清运完毕并冲洗地面，无异味" in detail
    assert "垃圾清运完毕并冲洗地面，无异味" in verify


def test_the_dispatch_form_shows_the_conditions_and_the_urgent_limit(client, world, make):
    case = make.accepted()
    client.force_login(world.office)

    html = client.get(reverse("cases:dispatch", args=[case.pk])).content.decode()

    rules = rules_of(html)
    assert case.category.accept_condition in rules and case.category.close_condition in rules
    assert "2 工作时" in rules and "紧急 2 自然小时" in rules
    assert 'name="urgent"' in html


def test_the_handle_page_shows_the_close_condition(client, world, make):
    case = make.dispatched()
    client.force_login(world.admin_a)

    html = client.get(reverse("cases:handle", args=[case.pk])).content.decode()

    assert case.category.close_condition in rules_of(html)


def test_dispatching_with_urgent_ticked_gives_the_shorter_limit_and_the_case_says_urgent(client, world, make):
    category = make.category
    category.time_limit, category.time_unit = Decimal("2"), TimeUnit.WORK_DAYS
    category.urgent_time_limit, category.urgent_time_unit = Decimal("3"), TimeUnit.NATURAL_HOURS
    category.save()
    case = make.accepted()
    client.force_login(world.office)

    client.post(reverse("cases:dispatch", args=[case.pk]), {"unit": world.town_a.pk, "urgent": "on"})

    case = Case.objects.get(pk=case.pk)
    assert case.urgent and (case.time_limit, case.time_unit) == (Decimal("3"), TimeUnit.NATURAL_HOURS)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-urgent"' in html


def test_the_office_edits_the_conditions_and_the_urgent_limit_on_the_category_page(client, world, categories):
    leaf = categories["占道经营"]
    client.force_login(world.office)
    data = {
        "name": leaf.name,
        "accept_condition": "占用道路设摊经营的",
        "close_condition": "摊点撤离，路面干净",
        "time_limit": "3",
        "time_unit": "work_hours",
        "urgent": "on",
        "urgent_time_limit": "1",
        "urgent_time_unit": "natural_hours",
        "is_active": "on",
    }

    response = client.post(reverse("cases:category_edit", args=[leaf.pk]), data)

    assert response.status_code == 302
    leaf.refresh_from_db()
    assert (leaf.accept_condition, leaf.close_condition) == ("占用道路设摊经营的", "摊点撤离，路面干净")
    assert leaf.urgent and leaf.urgent_time_limit == Decimal("1")


def test_an_urgent_subcategory_without_an_urgent_limit_is_refused(client, world, categories):
    leaf = categories["占道经营"]
    client.force_login(world.office)
    data = {"name": leaf.name, "time_limit": "3", "time_unit": "work_hours", "urgent": "on", "is_active": "on"}

    html = client.post(reverse("cases:category_edit", args=[leaf.pk]), data).content.decode()

    assert "紧急类必须填写紧急时限" in html
    leaf.refresh_from_db()
    assert not leaf.urgent


def test_the_api_gives_the_conditions_and_takes_urgent_at_dispatch(client, world, make):
    case = make.accepted()
    client.force_login(world.office)

    groups = client.get("/api/cases/categories").json()
    leaf = next(c for g in groups for c in g["children"] if c["name"] == "暴露垃圾")
    dispatched = client.post(
        f"/api/cases/{case.pk}/dispatch",
        {"unit": world.town_a.pk, "urgent": True},
        content_type="application/json",
    )

    assert leaf["close_condition"] == "暴露垃圾已清除，现场干净整洁" and leaf["urgent_time_unit"] == "natural_hours"
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["urgent"] is True
