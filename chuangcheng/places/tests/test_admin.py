"""Map objects edited in /admin/ go through the services: the stored bounding box and length follow the geometry."""

from __future__ import annotations

import json

import pytest

from chuangcheng.core.models import AuditEntry
from chuangcheng.org.models import Person
from chuangcheng.places.models import RoadSegment, Shop
from chuangcheng.places.selectors import bbox_q, segment_list_for_user
from chuangcheng.places.services import segment_save, shop_save

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


def test_a_new_road_chief_set_in_the_admin_is_in_the_audit_log(admin_client, world):
    segment = make_segment("A-01", world.town_a, chief=world.chief_a)
    form = {**segment_form(segment, segment.geometry), "chief": world.chief_b.pk}

    admin_client.post(f"/admin/places/roadsegment/{segment.pk}/change/", form)

    entry = AuditEntry.objects.get(action="places.segment.change")
    assert entry.object_id == str(segment.pk)
    assert entry.by is not None and entry.by.username == "root"
    assert entry.data == {"chief": [str(world.chief_a), str(world.chief_b)]}


def test_a_moved_geometry_is_logged_as_changed_and_an_unchanged_save_logs_nothing(world):
    segment = make_segment("A-01", world.town_a)
    segment_save(segment=segment, geometry=segment.geometry, by=world.office)
    assert not AuditEntry.objects.filter(action="places.segment.change").exists()

    moved = {"type": "LineString", "coordinates": [[114.50, 34.50], [114.51, 34.50]]}
    segment_save(segment=segment, geometry=moved, by=world.office)

    entry = AuditEntry.objects.get(action="places.segment.change")
    assert entry.data == {"geometry": "changed"}
    assert entry.by == world.office


def test_a_shop_created_through_the_services_is_logged_with_its_segment(world):
    segment = make_segment("A-01", world.town_a)

    shop = shop_save(shop=Shop(code="S-1", name="老王面馆", lon=114.3, lat=34.8, segment=segment), by=world.office)

    entry = AuditEntry.objects.get(action="places.shop.create")
    assert entry.object_id == str(shop.pk)
    assert entry.data["segment"] == str(segment)
    assert entry.data["name"] == "老王面馆"
