"""The road network as the maps' base layer: who may load it, what it holds, and its ETag."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment
from chuangcheng.places.services import segment_save

from .view_helpers import make_segment

URL = "/places/roads.geojson"


@pytest.fixture
def roads(world):
    a1 = make_segment("A1", world.town_a, chief=world.chief_a)
    a2 = make_segment("A2", world.town_a, dlon=0.002)  # continues A1 to the east
    b1 = make_segment("B1", world.town_b, dlon=0.05, road_class=RoadClass.BACK_STREET)
    for segment, road in ((a1, "人民路"), (a2, "人民路"), (b1, "<img src=x onerror=alert(1)>路")):
        segment.road_name = road
        segment.save(update_fields=["road_name"])
    return a1, a2, b1


def features(response) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in json.loads(response.content)["features"]}


def test_anonymous_is_sent_to_login(client, roads):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


@pytest.mark.parametrize("who", ["office", "chief_b", "volunteer", "handler_a", "inspector"])
def test_everybody_logged_in_gets_the_whole_countys_roads(client, roads, world, who):
    """A base map, not a responsibility: a town B road chief still sees town A's streets to find his way."""
    client.force_login(getattr(world, who))
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert set(features(response)) == {"人民路", "<img src=x onerror=alert(1)>路"}


def test_a_road_is_one_feature_with_its_segments_joined_and_only_name_and_class(client, roads, world):
    client.force_login(world.office)
    road = features(client.get(URL))["人民路"]
    assert road["properties"] == {"name": "人民路", "road_class": "main"}
    assert road["geometry"]["type"] == "LineString"  # A1 and A2 touch: one line
    start, end = road["geometry"]["coordinates"][0], road["geometry"]["coordinates"][-1]
    assert end[0] - start[0] == pytest.approx(0.004)
    assert all(len(str(c).split(".")[-1]) <= 5 for point in road["geometry"]["coordinates"] for c in point)


def test_a_segment_without_a_road_name_is_labelled_by_its_own_name(client, world):
    make_segment("C1", world.town_a)
    client.force_login(world.office)
    assert set(features(client.get(URL))) == {"路段C1"}


def test_the_browser_revalidates_with_the_etag_and_a_map_change_gives_a_new_one(
    client, roads, world, django_capture_on_commit_callbacks
):
    client.force_login(world.office)
    first = client.get(URL)
    etag = first["ETag"]
    assert "max-age" in first["Cache-Control"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        segment = RoadSegment.objects.get(code="B1")
        segment_save(segment=segment, geometry={"type": "LineString", "coordinates": [[114.4, 34.8], [114.41, 34.8]]})
    changed = client.get(URL, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert features(changed)["<img src=x onerror=alert(1)>路"]["geometry"]["coordinates"][0] == [114.4, 34.8]


def test_map_pages_without_tiles_point_at_the_roads(client, world, settings):
    settings.MAP_TILES_FILE = ""
    settings.MAP_TILE_URL = ""
    client.force_login(world.office)
    for name in ("places:map", "cases:report"):
        assert f'data-roads-url="{URL}"' in client.get(reverse(name)).content.decode()
