"""The responsibility lookup of the API (``/api/places/responsibility``) with the org world's people.

Moved from ``org/tests/test_api.py``: it needs places, which org's tests may not import.
"""

from __future__ import annotations

import pytest

from chuangcheng.places.models import RoadSegment
from chuangcheng.places.services import segment_save


@pytest.fixture
def segment(world) -> RoadSegment:
    return segment_save(
        segment=RoadSegment(code="A-01", name="人民路东段", unit=world.town_a, chief=world.chief_a),
        geometry={"type": "LineString", "coordinates": [[114.299, 34.80], [114.301, 34.80]]},
    )


def test_responsibility_returns_the_segment_its_unit_and_people(client, world, segment):
    client.force_login(world.office)

    response = client.get("/api/places/responsibility", {"lon": 114.3, "lat": 34.80005})

    assert response.status_code == 200
    body = response.json()
    assert body["segment"] == {"id": segment.pk, "name": "人民路东段"}
    assert body["segment_distance_m"] == pytest.approx(5.55, abs=0.1)
    assert body["units"] == [{"id": world.town_a.pk, "name": "城关街道"}]
    assert body["people"] == [{"id": world.chief_a.pk, "name": "孙路长"}]


def test_responsibility_accepts_gcj02(client, world, segment):
    from chuangcheng.core.geo import wgs84_to_gcj02

    client.force_login(world.office)
    lon, lat = wgs84_to_gcj02(114.3, 34.80005)

    body = client.get("/api/places/responsibility", {"lon": lon, "lat": lat, "crs": "gcj02"}).json()

    assert body["segment"]["id"] == segment.pk
    assert body["lon"] == pytest.approx(114.3, abs=1e-5)


def test_responsibility_with_an_unknown_crs_is_a_400_in_chinese(client, world):
    client.force_login(world.inspector)

    response = client.get("/api/places/responsibility", {"lon": 114.3, "lat": 34.8, "crs": "bd09"})

    assert response.status_code == 400
    assert "不支持的坐标系" in response.json()["detail"]
