"""Every read of the case loop that returns cases goes through the caller's scope.

Helpers written for another purpose (the duplicate search of intake, the dispatch
suggestions) must not become a way around it: a volunteer, another unit or a road chief of
another road gets no case, code or person of somebody else's case from them.
"""

from __future__ import annotations

import pytest

from chuangcheng.cases import services
from chuangcheng.cases.choices import Source
from chuangcheng.org.choices import Role
from chuangcheng.org.services import membership_grant, person_create

from .conftest import SPOT

OUTSIDERS = ["volunteer", "admin_b", "chief_b", "handler_a"]
COUNTY_WIDE = ["office", "supervisor", "leader"]


def duplicates(client, category, **extra):
    query = {"category": category.pk, "lon": SPOT[0], "lat": SPOT[1], **extra}
    return client.get("/api/cases/duplicates", query)


@pytest.fixture
def open_case(make):
    """An accepted case of 城关街道's road, reported by the inspector, not yet dispatched to any unit."""
    return make.accepted()


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_the_duplicate_search_shows_no_case_the_caller_may_not_see(client, world, garbage, open_case, persona):
    client.force_login(getattr(world, persona))

    response = duplicates(client, garbage)

    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("persona", [*COUNTY_WIDE, "inspector", "chief_a"])
def test_the_duplicate_search_shows_the_cases_the_caller_may_see(client, world, garbage, open_case, persona):
    client.force_login(getattr(world, persona))

    response = duplicates(client, garbage)

    assert [d["case"]["code"] for d in response.json()] == [open_case.code]


def test_a_unit_sees_its_own_dispatched_case_as_a_duplicate_but_not_another_units(client, world, garbage, make):
    ours = make.dispatched()
    client.force_login(world.admin_a)
    assert [d["case"]["id"] for d in duplicates(client, garbage).json()] == [ours.pk]

    client.force_login(world.admin_b)
    assert duplicates(client, garbage).json() == []


def test_the_intake_answer_lists_only_duplicates_the_reporter_may_see(client, world, garbage, open_case):
    client.force_login(world.volunteer)
    data = {"source": "patrol", "category": garbage.pk, "description": "又有垃圾", "lon": SPOT[0], "lat": SPOT[1]}

    answer = client.post("/api/cases/", data, headers={"Idempotency-Key": "v-1"}).json()

    assert answer["possible_duplicates"] == []


def test_the_intake_answer_still_lists_the_reporters_own_earlier_report(client, world, garbage, open_case):
    client.force_login(world.inspector)
    data = {"source": "patrol", "category": garbage.pk, "description": "又有垃圾", "lon": SPOT[0], "lat": SPOT[1]}

    answer = client.post("/api/cases/", data, headers={"Idempotency-Key": "i-1"}).json()

    assert [d["code"] for d in answer["possible_duplicates"]] == [open_case.code]


@pytest.mark.parametrize("persona", ["inspector", "chief_a", "admin_a", "leader"])
def test_dispatch_suggestions_with_their_people_are_the_offices_alone(client, world, garbage, make, persona):
    case = make.dispatched()  # visible to all four: reporter, road chief, holding unit, county-wide reader
    client.force_login(getattr(world, persona))
    assert client.get(f"/api/cases/{case.pk}").status_code == 200

    response = client.get(f"/api/cases/{case.pk}/suggestions")

    assert response.status_code == 403
    assert "孙路长" not in response.content.decode()


def test_the_office_gets_the_dispatch_suggestions(client, world, garbage, make):
    case = make.accepted()
    client.force_login(world.office)

    response = client.get(f"/api/cases/{case.pk}/suggestions")

    assert response.status_code == 200
    assert any(p["name"] == "孙路长" for s in response.json() for p in s["people"])


def test_a_road_chief_on_the_county_root_sees_the_cases_of_their_segments_only(client, world, garbage, make, road):
    """The membership's unit gives a road chief nothing: their scope is their segments."""
    chief = person_create(username="chief_root", real_name="钱路长", unit=world.county, password="x")
    membership_grant(person=chief, unit=world.county, role=Role.ROAD_CHIEF)
    elsewhere, _ = services.case_report(
        by=world.inspector, source=Source.PATROL, category=garbage, description="城南的垃圾", lon=114.5, lat=34.5
    )
    services.case_accept(case=elsewhere, by=world.office)
    services.case_dispatch(case=elsewhere, by=world.office, unit=world.town_b)
    client.force_login(chief)

    assert client.get("/api/cases/").json()["count"] == 0
    assert client.get(f"/api/cases/{elsewhere.pk}").status_code == 404
    assert duplicates(client, garbage, lon=114.5, lat=34.5).json() == []

    road.chief = chief
    road.save(update_fields=["chief"])
    ours = make.accepted()
    assert [c["id"] for c in client.get("/api/cases/").json()["items"]] == [ours.pk]
