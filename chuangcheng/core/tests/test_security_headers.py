"""Every answer carries the Content-Security-Policy; personal data is never stored by a cache."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from chuangcheng.conftest import World
from chuangcheng.core.security import tile_origins

PACKAGE = Path(__file__).resolve().parents[2]
PAGES = [
    "home:home",
    "core:holidays",
    "org:unit_tree",
    "org:person_list",
    "places:map",
    "places:segment_list",
    "cases:list",
    "cases:report",
    "indicators:campaigns",
    "indicators:readiness_overview",
    "notifications:inbox",
]
JSON_ROUTES = ["api:me", "api:people", "api:cases_list", "api:places_segments_geojson"]
# What the policy forbids in a page: inline script, on*="" handlers, style="" and <style>.
INLINE_CODE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    re.compile(r"<style", re.I),
]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def _inline_code(html: str) -> list[str]:
    return [m.group(0) for pattern in INLINE_CODE for m in pattern.finditer(html)]


@pytest.mark.parametrize("name", PAGES)
def test_a_logged_in_page_has_a_strict_policy_and_is_not_stored(client: Client, world: World, name: str) -> None:
    client.force_login(world.office)

    response = client.get(reverse(name))

    assert response.status_code == 200
    policy = _directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["report-uri"] == [reverse("core:csp_report")]
    assert response["Cache-Control"] == "private, no-store"
    assert _inline_code(response.content.decode()) == []


@pytest.mark.parametrize("name", JSON_ROUTES)
def test_json_with_personal_data_is_not_stored(client: Client, world: World, name: str) -> None:
    client.force_login(world.admin_a)

    response = client.get(reverse(name))

    assert response.status_code == 200 and "json" in response["Content-Type"]
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Security-Policy" in response


def test_json_refused_to_an_anonymous_caller_is_not_stored_either(client: Client, db: None) -> None:
    response = client.get(reverse("api:people"))

    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


def test_the_anonymous_login_page_has_the_policy(client: Client, db: None) -> None:
    response = client.get(reverse("org:login"))

    assert response.status_code == 200
    assert _directives(response)["script-src"] == ["'self'"]
    assert _inline_code(response.content.decode()) == []


def test_static_files_stay_cacheable_for_a_logged_in_user(client: Client, world: World) -> None:
    client.force_login(world.office)

    response = client.get("/static/js/app.js")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_admin_and_the_api_docs_have_the_policy(client: Client, world: World) -> None:
    world.office.is_staff = world.office.is_superuser = True
    world.office.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(world.office)

    for url in ["/admin/", "/api/docs"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _directives(response)["script-src"] == ["'self'"], url
        assert response["Cache-Control"] == "private, no-store", url
        assert _inline_code(response.content.decode()) == [], url


def test_map_tiles_are_allowed_from_the_configured_tile_server(client: Client, world: World, settings) -> None:
    settings.MAP_TILE_URL = "https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=KEY"
    settings.MAP_TILE_SUBDOMAINS = "01"
    client.force_login(world.office)

    images = _directives(client.get(reverse("places:map")))["img-src"]

    assert "https://t0.tianditu.gov.cn" in images and "https://t1.tianditu.gov.cn" in images
    assert not any("tk=" in source or "{" in source for source in images)


def test_tile_origins_of_a_plain_or_local_tile_url() -> None:
    assert tile_origins("https://tiles.example.cn/{z}/{x}/{y}.png", "abc") == ["https://tiles.example.cn"]
    assert tile_origins("/tiles/{z}/{x}/{y}.png", "abc") == []
    assert tile_origins("", "abc") == []


def test_no_template_of_ours_has_inline_code() -> None:
    found = {
        str(path.relative_to(PACKAGE)): _inline_code(path.read_text())
        for path in PACKAGE.glob("**/templates/**/*.html")
    }

    assert {path: code for path, code in found.items() if code} == {}


def test_a_violation_report_is_logged(client: Client, db: None, caplog: pytest.LogCaptureFixture) -> None:
    legacy = {"csp-report": {"document-uri": "http://x/places/map/", "violated-directive": "script-src-elem"}}
    modern = [
        {"type": "csp-violation", "body": {"documentURL": "http://x/cases/", "effectiveDirective": "style-src-attr"}}
    ]

    first = client.post(reverse("core:csp_report"), json.dumps(legacy), content_type="application/csp-report")
    second = client.post(reverse("core:csp_report"), json.dumps(modern), content_type="application/reports+json")

    assert (first.status_code, second.status_code) == (204, 204)
    logged = [r.getMessage() for r in caplog.records if r.name == "chuangcheng.csp"]
    assert len(logged) == 2
    assert "/places/map/" in logged[0] and "script-src-elem" in logged[0]
    assert "style-src-attr" in logged[1]


def test_a_garbled_violation_report_is_refused(client: Client, db: None, caplog: pytest.LogCaptureFixture) -> None:
    response = client.post(reverse("core:csp_report"), b"\xff{not json", content_type="application/csp-report")

    assert response.status_code == 400
    assert [r for r in caplog.records if r.name == "chuangcheng.csp"] == []
