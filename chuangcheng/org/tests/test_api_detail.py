"""Unit and person details and the unit tree in the API: scoped like the pages, 404 outside."""

from __future__ import annotations

import pytest


def test_unit_detail_has_children_and_people(client, world):
    client.force_login(world.admin_a)

    response = client.get(f"/api/org/units/{world.town_a.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["kind_label"], body["group_label"]) == ("城关街道", "乡镇/街道", "乡镇/街道")
    assert body["parent"] == {"id": world.county.pk, "name": "示范县委县政府"}
    assert [c["code"] for c in body["children"]] == ["T01C01"]
    assert {p["username"] for p in body["people"]} == {"admin_a", "chief_a"}


@pytest.mark.parametrize("unit", ["town_a", "community_a1", "office_unit"])
def test_a_unit_outside_the_users_scope_is_a_404(client, world, unit):
    client.force_login(world.admin_b)

    response = client.get(f"/api/org/units/{getattr(world, unit).pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "单位不存在"}


def test_a_unit_that_does_not_exist_looks_the_same(client, world):
    client.force_login(world.admin_b)

    assert client.get("/api/org/units/999999").json() == {"detail": "单位不存在"}


def test_person_detail_has_mobile_unit_and_roles(client, world):
    world.chief_a.mobile = "13800000001"
    world.chief_a.save(update_fields=["mobile"])
    client.force_login(world.admin_a)

    body = client.get(f"/api/org/people/{world.chief_a.pk}").json()

    assert (body["real_name"], body["mobile"]) == ("孙路长", "13800000001")
    assert body["unit"] == {"id": world.town_a.pk, "name": "城关街道"}
    assert body["memberships"] == [
        {"unit": {"id": world.town_a.pk, "name": "城关街道"}, "role": "road_chief", "role_label": "路长/段长"}
    ]


@pytest.mark.parametrize("person", ["chief_a", "office", "handler_a"])
def test_a_person_outside_the_users_scope_is_a_404(client, world, person):
    client.force_login(world.admin_b)

    response = client.get(f"/api/org/people/{getattr(world, person).pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "人员不存在"}


def test_the_office_sees_anyone(client, world):
    client.force_login(world.office)

    assert client.get(f"/api/org/people/{world.chief_b.pk}").status_code == 200
    assert client.get(f"/api/org/units/{world.town_b.pk}").status_code == 200


def test_the_unit_tree_is_nested(client, world):
    client.force_login(world.office)

    tree = client.get("/api/org/units/tree").json()

    assert [root["code"] for root in tree] == ["410221000"]
    towns = {child["code"]: child for child in tree[0]["children"]}
    assert set(towns) == {"D01", "D02", "D03", "T01", "T02"}
    assert [c["code"] for c in towns["T01"]["children"]] == ["T01C01"]
    assert towns["T01"]["people_count"] == 2


def test_a_unit_admins_tree_starts_at_their_unit(client, world):
    client.force_login(world.admin_a)

    tree = client.get("/api/org/units/tree").json()

    assert [(root["code"], [c["code"] for c in root["children"]]) for root in tree] == [("T01", ["T01C01"])]


def test_the_tree_takes_the_pages_filters(client, world):
    client.force_login(world.office)

    tree = client.get("/api/org/units/tree", {"kind": "town"}).json()

    assert [root["code"] for root in tree] == ["T01", "T02"]


@pytest.mark.parametrize("url", ["/api/org/units/tree", "/api/org/units/1", "/api/org/people/1"])
def test_details_need_a_login(client, db, url):
    assert client.get(url).status_code == 401


def test_the_schema_lists_the_org_details(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"/api/org/units/tree", "/api/org/units/{id}", "/api/org/people/{id}"} <= set(paths)
    assert paths["/api/org/units/{id}"]["get"]["summary"] == "单位详情"
