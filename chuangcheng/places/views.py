"""Pages of the responsibility map: lists, detail pages, the map and 我的责任区.

Every object comes through a ``places.selectors`` function scoped to the user, so an
object outside the user's scope is a 404, never a leak. List views serve the full page
or, for htmx requests, only the ``table`` partial.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import condition, require_GET

from chuangcheng.core.security import not_personal
from chuangcheng.core.web import map_context, paginate, render_page, with_filters
from chuangcheng.org.access import scope_for
from chuangcheng.org.types import AuthedRequest

from . import selectors
from .choices import RoadClass
from .forms import GridFilterForm, PlaceFilterForm, SegmentFilterForm, ShopFilterForm, SiteFilterForm
from .geojson import collection, grid_feature, road_network, segment_feature, shop_feature, site_feature

PAGE_SIZE = 50
IMPORT_PATH = "/places/io/import/"


def export_url(kind: str, query: QueryDict) -> str:
    """The Excel export of the filtered list: the same filters, without the page number or empty fields."""
    try:
        base = reverse("places_io:export_xlsx", kwargs={"kind": kind})
    except NoReverseMatch:
        base = f"/places/io/export/{kind}.xlsx"
    return with_filters(base, query)


def import_url() -> str:
    try:
        return reverse("places_io:import")
    except NoReverseMatch:
        return IMPORT_PATH


def _list_page(
    request: AuthedRequest, template: str, *, kind: str, form: PlaceFilterForm, qs: QuerySet
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "page": paginate(request, qs, PAGE_SIZE),
        "kind": kind,
        "export_url": export_url(kind, request.GET),
        "import_url": import_url(),
        "can_edit_map": scope_for(request.user).can_edit_map,
    }
    return render_page(request, template, context, partial="table")


@login_required
def segment_list(request: AuthedRequest) -> HttpResponse:
    form = SegmentFilterForm(request.GET, user=request.user)
    qs = selectors.segment_list_for_user(user=request.user, filters=form.filters())
    return _list_page(request, "places/segment_list.html", kind="segment", form=form, qs=qs)


@login_required
def grid_list(request: AuthedRequest) -> HttpResponse:
    form = GridFilterForm(request.GET, user=request.user)
    qs = selectors.grid_list_for_user(user=request.user, filters=form.filters())
    return _list_page(request, "places/grid_list.html", kind="grid", form=form, qs=qs)


@login_required
def site_list(request: AuthedRequest) -> HttpResponse:
    form = SiteFilterForm(request.GET, user=request.user)
    qs = selectors.site_list_for_user(user=request.user, filters=form.filters())
    return _list_page(request, "places/site_list.html", kind="site", form=form, qs=qs)


@login_required
def shop_list(request: AuthedRequest) -> HttpResponse:
    form = ShopFilterForm(request.GET, user=request.user)
    qs = selectors.shop_list_for_user(user=request.user, filters=form.filters())
    return _list_page(request, "places/shop_list.html", kind="shop", form=form, qs=qs)


@login_required
def segment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    segment = selectors.get_segment_for_user(request.user, pk)
    shops = list(selectors.shop_list_for_user(user=request.user, filters={"segment": segment.pk}))
    features = collection([segment_feature(segment), *map(shop_feature, shops)])
    context = {"segment": segment, "shops": shops, "features": features, **map_context()}
    return render(request, "places/segment_detail.html", context)


@login_required
def grid_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    grid = selectors.get_grid_for_user(request.user, pk)
    segments = list(selectors.segment_list_for_user(user=request.user, filters={"grid": grid.pk}))
    features = collection([grid_feature(grid), *map(segment_feature, segments)])
    context = {"grid": grid, "segments": segments, "features": features, **map_context()}
    return render(request, "places/grid_detail.html", context)


@login_required
def site_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    site = selectors.get_site_for_user(request.user, pk)
    context = {"site": site, "features": collection([site_feature(site)]), **map_context()}
    return render(request, "places/site_detail.html", context)


@login_required
def shop_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    shop = selectors.get_shop_for_user(request.user, pk)
    shown = [segment_feature(shop.segment)] if shop.segment else []
    context = {"shop": shop, "features": collection([*shown, shop_feature(shop)]), **map_context()}
    return render(request, "places/shop_detail.html", context)


# Browsers keep the road network this long before asking again (a 304 when the map is unchanged).
ROADS_MAX_AGE = 600


def _roads_etag(request: HttpRequest) -> str:
    return f'"roads-{selectors.road_network_version()}"'


@login_required
@require_GET
@condition(etag_func=_roads_etag)
def roads_geojson(request: AuthedRequest) -> HttpResponse:
    """The county's roads with their names, the base layer of every map without tiles (``map_context``).

    Built once per version of the network and kept in the cache; the ETag is that version, so a
    browser (or the street pages' service worker) that has it gets a 304.
    """
    key = f"places:roads:{selectors.road_network_version()}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(road_network(selectors.road_network_rows()), ensure_ascii=False, separators=(",", ":"))
        cache.set(key, body, timeout=24 * 3600)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = f"private, max-age={ROADS_MAX_AGE}"
    return not_personal(response)


@login_required
def map_page(request: AuthedRequest) -> HttpResponse:
    context = {
        "extent": selectors.map_extent_for_user(user=request.user),
        "road_classes": RoadClass.choices,
        **map_context(),
    }
    return render(request, "places/map.html", context)


@login_required
def my_area(request: AuthedRequest) -> HttpResponse:
    """我的责任区: only the segments where the user is 路长 or 段长, with their shops."""
    area = selectors.chief_area_for_user(user=request.user)
    features = collection([*map(segment_feature, area.segments), *map(shop_feature, area.shops)])
    context = {"area": area, "features": features, **map_context()}
    return render(request, "places/my_area.html", context)
