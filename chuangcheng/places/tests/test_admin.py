"""Map objects edited in /admin/ go through the services: the stored bounding box and length follow the geometry."""

from __future__ import annotations

import json

import pytest

from chuangcheng.org.models import Person
from chuangcheng.places.models import RoadSegment
from chuangcheng.places.selectors import bbox_q, segment_list_for_user

from .view_helpers import make_segment


@pytest.fixture
def admin_client(client, world):
    client.force_login(Person.objects.create_superuser(username="root", password="x", real_name="运维"))
    return client


def segment_form(segment: RoadSegment, geometry: dict) -> dict:
    return {
        "code": segment.code,
        "name": segment.name,
        "road_name": segment.road_name,
        "road_class": segment.road_class,
        "from_desc": "",
        "to_desc": "",
        "length_m": segment.length_m,
        "unit": segment.unit_id,
        "chief": segment.chief_id or "",
        "section_chief": "",
        "grid": "",
        "geometry": json.dumps(geometry),
    }


def test_a_segment_moved_in_the_admin_is_found_where_it_now_lies(admin_client, world):
    segment = make_segment("A-01", world.town_a, chief=world.chief_a)
    moved = {"type": "LineString", "coordinates": [[114.50, 34.50], [114.51, 34.50]]}

    response = admin_client.post(f"/admin/places/roadsegment/{segment.pk}/change/", segment_form(segment, moved))

    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.min_lon, segment.max_lon) == (114.50, 114.51)
    assert segment.length_m == pytest.approx(916, abs=5)
    in_view = segment_list_for_user(user=world.chief_a).filter(bbox_q((114.49, 34.49, 114.52, 34.51)))
    assert list(in_view) == [segment]


def test_an_invalid_geometry_in_the_admin_is_refused_with_the_services_message(admin_client, world):
    segment = make_segment("A-01", world.town_a)
    polygon = {"type": "Polygon", "coordinates": [[[114.3, 34.8], [114.4, 34.8], [114.4, 34.9], [114.3, 34.8]]]}

    response = admin_client.post(f"/admin/places/roadsegment/{segment.pk}/change/", segment_form(segment, polygon))

    assert response.status_code == 200
    assert "路段几何应为" in response.content.decode()
    segment.refresh_from_db()
    assert segment.geometry["type"] == "LineString"
