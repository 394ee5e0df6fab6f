"""The unit page's aliases, the 单位分组 pages and their API: the office edits, others are refused."""

from __future__ import annotations

from django.urls import reverse

from chuangcheng.core.models import AuditEntry
from chuangcheng.org.models import UnitAlias, UnitSet
from chuangcheng.org.services import unit_alias_add, unit_sets_seed


def test_the_office_adds_and_removes_an_alias_on_the_unit_page(client, world):
    client.force_login(world.office)
    url = reverse("org:unit_aliases", args=[world.housing.pk])

    response = client.post(url, {"name": "县住房和城乡建设局"}, follow=True)

    assert "已添加别名“县住房和城乡建设局”" in response.content.decode()
    assert 'data-alias="县住房和城乡建设局"' in response.content.decode()
    alias = UnitAlias.objects.get(unit=world.housing)
    response = client.post(url, {"remove": alias.pk}, follow=True)
    assert "已删除别名" in response.content.decode()
    assert not UnitAlias.objects.exists()
    assert AuditEntry.objects.filter(action="org.unit.alias_remove", by=world.office).exists()


def test_an_alias_taken_elsewhere_is_refused_with_the_reason(client, world):
    unit_alias_add(unit=world.town_a, name="城关办事处")
    client.force_login(world.office)

    response = client.post(reverse("org:unit_aliases", args=[world.town_b.pk]), {"name": "城关办事处"}, follow=True)

    assert "“城关办事处”已被单位“城关街道”的别名使用" in response.content.decode()
    assert UnitAlias.objects.filter(unit=world.town_b).count() == 0


def test_a_unit_admin_sees_the_aliases_but_cannot_edit_them(client, world):
    unit_alias_add(unit=world.town_a, name="城关办事处")
    client.force_login(world.admin_a)

    page = client.get(reverse("org:unit_detail", args=[world.town_a.pk])).content.decode()
    response = client.post(reverse("org:unit_aliases", args=[world.town_a.pk]), {"name": "城关办"})

    assert "城关办事处" in page and 'id="alias-add"' not in page
    assert response.status_code == 403
    assert UnitAlias.objects.count() == 1


def test_the_groups_page_lists_each_group_with_its_units(client, world):
    unit_sets_seed()
    client.force_login(world.office)

    body = client.get(reverse("org:unit_sets")).content.decode()

    assert 'data-set="各街道"' in body and "城关街道、城南街道" in body


def test_the_office_creates_and_edits_a_group(client, world):
    client.force_login(world.office)
    data = {"name": "县直各执法单位", "units": [world.housing.pk], "name_endings": "", "note": "执法部门"}

    response = client.post(reverse("org:unit_set_create"), data)

    assert response.status_code == 302
    unit_set = UnitSet.objects.get()
    assert list(unit_set.units.all()) == [world.housing]
    data |= {"kinds": ["town"], "units": []}
    client.post(reverse("org:unit_set_edit", args=[unit_set.pk]), data)
    unit_set.refresh_from_db()
    assert unit_set.kinds == ["town"] and not unit_set.units.exists()
    assert AuditEntry.objects.filter(action="org.unit_set.change").exists()


def test_a_group_without_rule_or_units_is_refused_on_the_form(client, world):
    client.force_login(world.office)

    response = client.post(reverse("org:unit_set_create"), {"name": "空分组"})

    assert "请选择单位类型、填写名称结尾或指定单位" in response.content.decode()
    assert not UnitSet.objects.exists()


def test_the_api_sets_aliases_and_resolves_names(client, world):
    client.force_login(world.office)

    response = client.put(
        f"/api/org/units/{world.housing.pk}/aliases", {"aliases": ["住房城乡建设局"]}, content_type="application/json"
    )
    detail = client.get(f"/api/org/units/{world.housing.pk}").json()
    resolved = client.get("/api/org/unit-names/resolve", {"text": "住房城乡建设局（牵头）、城关镇"}).json()

    assert response.json() == ["住房城乡建设局"] and detail["aliases"] == ["住房城乡建设局"]
    assert resolved[0]["via"] == "alias" and resolved[0]["lead"] is True
    assert resolved[0]["units"][0]["name"] == "县住建局"
    assert resolved[1]["units"] == [] and resolved[1]["suggestions"][0]["name"] == "城关街道"


def test_the_api_creates_a_group(client, world):
    client.force_login(world.office)

    response = client.post(
        "/api/org/unit-sets",
        {"name": "各街道", "kinds": ["town"], "name_endings": "街道"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert [u["name"] for u in response.json()["units"]] == ["城关街道", "城南街道"]
