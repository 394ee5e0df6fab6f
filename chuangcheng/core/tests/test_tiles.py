"""The county's own offline base map: /tiles/z/x/y.ext from a local MBTiles file, and which base layer maps get."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chuangcheng.core.web import map_context

from .mbtiles_helpers import png, write_mbtiles

RED, BLUE, GREEN = png((200, 0, 0)), png((0, 0, 200)), png((0, 160, 0))


@pytest.fixture
def tiles_file(tmp_path, settings):
    # At zoom 1 the XYZ row 0 is the north: the file stores it as TMS row 1.
    path = write_mbtiles(tmp_path / "county.mbtiles", {(0, 0, 0): GREEN, (1, 0, 0): RED, (1, 0, 1): BLUE})
    settings.MAP_TILES_FILE = str(path)
    return path


@pytest.fixture
def office_client(client, world):
    client.force_login(world.office)
    return client


def test_a_tile_is_served_as_png_with_cache_headers(office_client, tiles_file):
    response = office_client.get("/tiles/0/0/0.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == GREEN
    assert "max-age" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_row_is_flipped_from_the_files_tms_rows(office_client, tiles_file):
    assert office_client.get("/tiles/1/0/0.png").content == RED
    assert office_client.get("/tiles/1/0/1.png").content == BLUE


def test_a_tile_the_file_lacks_is_a_404(office_client, tiles_file):
    assert office_client.get("/tiles/1/1/0.png").status_code == 404
    assert office_client.get("/tiles/9/0/0.png").status_code == 404
    assert office_client.get("/tiles/1/0/7.png").status_code == 404


def test_the_browser_revalidates_a_tile_with_its_etag(office_client, tiles_file):
    etag = office_client.get("/tiles/0/0/0.png")["ETag"]
    again = office_client.get("/tiles/0/0/0.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/a/0/0.png",
        "/tiles/0/0/0.5.png",
        "/tiles/-1/0/0.png",
        "/tiles/0/0/../../../etc/passwd",
        "/tiles/0/0/0.png/../../x.png",
        "/tiles/0/0/%2e%2e%2f0.png",
        "/tiles/0/0/0.jpg",
        "/tiles/0/0/0.sqlite",
    ],
)
def test_non_integer_paths_traversal_and_other_extensions_are_refused(office_client, tiles_file, path):
    assert office_client.get(path).status_code == 404


def test_without_a_tiles_file_there_are_no_tiles(office_client, settings):
    settings.MAP_TILES_FILE = ""
    assert office_client.get("/tiles/0/0/0.png").status_code == 404


def test_a_missing_tiles_file_is_no_tiles_and_no_crash(office_client, settings, tmp_path):
    settings.MAP_TILES_FILE = str(tmp_path / "gone.mbtiles")
    assert office_client.get("/tiles/0/0/0.png").status_code == 404
    assert map_context()["tile_url"] == settings.MAP_TILE_URL


def test_anonymous_is_sent_to_login(client, db, tiles_file):
    response = client.get("/tiles/0/0/0.png")
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


def test_jpeg_and_webp_files_are_served_with_their_type(office_client, settings, tmp_path):
    settings.MAP_TILES_FILE = str(write_mbtiles(tmp_path / "j.mbtiles", {(0, 0, 0): b"\xff\xd8jpeg"}, format="jpg"))
    response = office_client.get("/tiles/0/0/0.jpg")
    assert response["Content-Type"] == "image/jpeg"
    assert map_context()["tile_url"].startswith("/tiles/{z}/{x}/{y}.jpg")
    settings.MAP_TILES_FILE = str(write_mbtiles(tmp_path / "w.mbtiles", {(0, 0, 0): b"RIFFwebp"}, format="webp"))
    assert office_client.get("/tiles/0/0/0.webp")["Content-Type"] == "image/webp"


def test_a_vector_tiles_file_is_not_used_and_the_maps_fall_back(office_client, settings, tmp_path, caplog):
    settings.MAP_TILES_FILE = str(write_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1a\x00"}, format="pbf"))
    settings.MAP_TILE_URL = ""
    assert office_client.get("/tiles/0/0/0.pbf").status_code == 404
    context = map_context()
    assert context["tile_url"] == ""
    assert context["roads_url"] == reverse("places:roads_geojson")
    assert "only raster" in caplog.text


# ---- which base layer the maps get ------------------------------------------------------------------


def test_a_tiles_file_wins_over_a_tile_url(tiles_file, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    context = map_context()
    assert context["tile_url"].startswith("/tiles/{z}/{x}/{y}.png?v=")
    assert context["tile_attribution"] == "© 测试"
    assert (context["tile_min_zoom"], context["tile_max_zoom"]) == (0, 2)
    assert context["roads_url"] == ""


def test_a_tile_url_wins_over_the_roads(settings):
    settings.MAP_TILES_FILE = ""
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 某底图"
    context = map_context()
    assert context["tile_url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert context["tile_attribution"] == "© 某底图"
    assert context["roads_url"] == ""


def test_with_neither_the_maps_draw_our_roads(settings):
    settings.MAP_TILES_FILE = ""
    settings.MAP_TILE_URL = ""
    context = map_context()
    assert context["tile_url"] == ""
    assert context["roads_url"] == reverse("places:roads_geojson")


def test_the_files_attribution_reaches_the_map_as_text_only(settings, tmp_path):
    path = write_mbtiles(
        tmp_path / "a.mbtiles",
        {(0, 0, 0): GREEN},
        attribution='&copy; <a href="https://osm.org/">OpenStreetMap</a><script>alert(1)</script>',
    )
    settings.MAP_TILES_FILE = str(path)
    attribution = map_context()["tile_attribution"]
    assert attribution.startswith("© OpenStreetMap")
    assert "<" not in attribution and "&" not in attribution


def test_a_replaced_file_changes_the_tile_urls(tiles_file, settings):
    before = map_context()["tile_url"]
    tiles_file.unlink()
    write_mbtiles(tiles_file, {(0, 0, 0): RED, (1, 1, 1): RED, (2, 0, 0): RED}, maxzoom="5")
    after = map_context()
    assert after["tile_url"] != before  # the browser does not reuse the old file's tiles
    assert after["tile_max_zoom"] == 5


def test_the_map_pages_carry_the_tiles_of_the_file(office_client, tiles_file):
    page = office_client.get(reverse("cases:report")).content.decode()
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png?v=' in page
    assert 'data-roads-url=""' in page
