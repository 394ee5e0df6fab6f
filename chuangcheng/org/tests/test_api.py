"""The JSON API as a phone app or the map page uses it: session login, Chinese errors, local docs."""

from __future__ import annotations

import re

import pytest

from chuangcheng.org.choices import Role
from chuangcheng.org.services import membership_grant


def test_me_returns_the_users_roles(client, world):
    membership_grant(person=world.chief_a, unit=world.town_a, role=Role.INSPECTOR)
    client.force_login(world.chief_a)

    body = client.get("/api/org/me").json()

    assert body["username"] == "chief_a"
    assert body["real_name"] == "孙路长"
    assert body["roles"] == ["inspector", "road_chief"]
    assert body["all_units"] is False


def test_me_says_a_county_role_sees_all_units(client, world):
    client.force_login(world.leader)

    assert client.get("/api/org/me").json()["all_units"] is True


@pytest.mark.parametrize("url", ["/api/org/me", "/api/org/units", "/api/places/responsibility?lon=114.3&lat=34.8"])
def test_the_api_needs_a_login(client, world, url):
    assert client.get(url).status_code == 401


def test_units_and_people_are_scoped_to_the_user(client, world):
    client.force_login(world.admin_b)

    units = client.get("/api/org/units").json()
    people = client.get("/api/org/people").json()

    assert [u["code"] for u in units] == ["T02"]
    assert {p["username"] for p in people} == {"admin_b", "chief_b"}
    assert {r for p in people for r in p["roles"]} == {"unit_admin", "road_chief"}


def test_the_openapi_schema_is_served(client, world):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/org/me" in paths
    assert "/api/places/responsibility" in paths


def test_the_docs_page_uses_no_cdn_and_its_assets_are_served_locally(client, world):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.text.lower()
    for cdn in ("cdn.", "unpkg", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', response.text)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
