"""Organisation pages: unit tree, unit detail, people list — all scoped to the user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chuangcheng.org.choices import Role, UnitKind


def unit_ids(response) -> set[int]:
    return {unit.pk for unit, _indent in response.context["rows"]}


def people_names(response) -> set[str]:
    return {p.real_name for p in response.context["page"]}


@pytest.mark.parametrize("name", ["org:unit_tree", "org:person_list"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


def test_unit_detail_needs_login(client, world):
    assert client.get(reverse("org:unit_detail", args=[world.town_a.pk])).status_code == 302


def test_office_sees_the_whole_tree_indented(client, world):
    client.force_login(world.office)
    response = client.get(reverse("org:unit_tree"))
    assert response.status_code == 200
    indents = {unit.pk: indent for unit, indent in response.context["rows"]}
    assert indents[world.county.pk] == 0
    assert indents[world.town_a.pk] == 1
    assert indents[world.community_a1.pk] == 2
    assert "东关社区" in response.content.decode()


def test_unit_admin_sees_only_their_subtree(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("org:unit_tree"))
    assert unit_ids(response) == {world.town_a.pk, world.community_a1.pk}
    assert dict(response.context["rows"])[world.town_a] == 0


def test_unit_tree_filters_by_kind_and_search(client, world):
    client.force_login(world.office)
    response = client.get(reverse("org:unit_tree"), {"kind": UnitKind.TOWN})
    assert unit_ids(response) == {world.town_a.pk, world.town_b.pk}
    response = client.get(reverse("org:unit_tree"), {"q": "住建"})
    assert unit_ids(response) == {world.housing.pk}


def test_unit_tree_counts_people(client, world):
    client.force_login(world.office)
    response = client.get(reverse("org:unit_tree"))
    counts = {unit.pk: unit.people_count for unit, _ in response.context["rows"]}
    assert counts[world.town_a.pk] == 2  # admin_a and chief_a


def test_unit_admin_opens_own_unit(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("org:unit_detail", args=[world.town_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "陈联络" in body and "孙路长" in body
    assert "路长/段长" in body
    assert "东关社区" in body  # child unit listed


def test_unit_admin_gets_404_for_another_units_detail(client, world):
    client.force_login(world.admin_b)
    assert client.get(reverse("org:unit_detail", args=[world.town_a.pk])).status_code == 404


def test_person_list_is_scoped_to_the_users_units(client, world):
    client.force_login(world.admin_b)
    assert people_names(client.get(reverse("org:person_list"))) == {"刘联络", "吴路长"}


def test_person_list_filters_by_role_unit_search_and_active(client, world):
    client.force_login(world.office)
    url = reverse("org:person_list")
    assert people_names(client.get(url, {"role": Role.ROAD_CHIEF})) == {"孙路长", "吴路长"}
    assert people_names(client.get(url, {"unit": world.community_a1.pk})) == {"周处置", "冯大爷"}
    assert people_names(client.get(url, {"q": "赵"})) == {"赵县长"}
    world.volunteer.is_active = False
    world.volunteer.save(update_fields=["is_active"])
    assert people_names(client.get(url, {"active": "0"})) == {"冯大爷"}


def test_person_list_ignores_a_malformed_unit(client, world):
    client.force_login(world.office)
    response = client.get(reverse("org:person_list"), {"unit": "x"})
    assert response.status_code == 200
    assert len(people_names(response)) == 10
