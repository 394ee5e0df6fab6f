"""What the reporter's phone gets back from intake: the town it was filed under and possible duplicates."""

from __future__ import annotations

import pytest
from pyproj import Geod

from chuangcheng.cases.models import Case
from chuangcheng.places.models import Grid
from chuangcheng.places.services import grid_save

from .api_helpers import LAT, LON, make_category

GEOD = Geod(ellps="WGS84")


def east_of(metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(LON, LAT, 90.0, metres)
    return lon, lat


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(client, category, key: str, at: tuple[float, float] = (LON, LAT)):
    data = {"source": "patrol", "category": category.pk, "description": "路边乱堆乱放", "lon": at[0], "lat": at[1]}
    return client.post("/api/cases/", data, headers={"Idempotency-Key": key})


def test_the_answer_lists_open_cases_of_the_same_kind_nearby_nearest_first(client, world):
    category, other_kind = make_category(), make_category(name="乱贴乱画")
    client.force_login(world.inspector)
    far = report(client, category, "k-far", east_of(40)).json()
    near = report(client, category, "k-near", east_of(10)).json()
    report(client, category, "k-too-far", east_of(80))
    report(client, other_kind, "k-other", east_of(5))

    answer = report(client, category, "k-new").json()

    assert [(d["code"], round(d["distance_m"])) for d in answer["possible_duplicates"]] == [
        (near["code"], 10),
        (far["code"], 40),
    ]


def test_closed_cases_are_not_offered_as_duplicates(client, world):
    category = make_category()
    client.force_login(world.inspector)
    earlier = report(client, category, "k-1", east_of(10)).json()
    Case.objects.filter(pk=earlier["id"]).update(status="closed")

    assert report(client, category, "k-2").json()["possible_duplicates"] == []


def test_the_case_is_filed_under_the_town_of_the_grid_it_falls_in(client, world, django_capture_on_commit_callbacks):
    square = [
        [LON - 0.001, LAT - 0.001],
        [LON + 0.001, LAT - 0.001],
        [LON + 0.001, LAT + 0.001],
        [LON - 0.001, LAT + 0.001],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        grid_save(
            grid=Grid(code="410221002001001", name="城南一网格", street=world.town_b),
            geometry={"type": "Polygon", "coordinates": [[*square, square[0]]]},
        )
    client.force_login(world.inspector)

    answer = report(client, make_category(), "k-1").json()

    assert answer["town"] == {"id": world.town_b.pk, "name": world.town_b.name}
    assert Case.objects.get(pk=answer["id"]).grid.code == "410221002001001"
