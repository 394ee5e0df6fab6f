"""Street pages that keep working without a signal: the service worker and the pages it may keep.

A view decorated with ``offline_page`` answers with ``X-Offline-Page: 1``; the service worker
(``service_worker``, served from the site root so that its scope is the whole site) keeps the
last copy of such pages and serves it when the network is gone. Every other page is never kept.
The submissions made offline wait in the browser (``static/js/offline_queue.js``, IndexedDB)
and are sent when the connection returns, each with its idempotency key so that a retry never
records anything twice. Pages that use it include ``core/_offline_status.html``.
The maps' base layers are kept too: the road network (the kept copy, refreshed in the
background) and every tile of the county's MBTiles file once shown.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

OFFLINE_HEADER = "X-Offline-Page"
# Bump when sw.js changes in a way that must drop what phones have kept.
CACHE_VERSION = "1"

View = Callable[..., HttpResponse]


def offline_page(view: View) -> View:
    """Mark a page the service worker may keep for use offline (only successful GET answers are kept)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response[OFFLINE_HEADER] = "1"
        return response

    return wrapper


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: the service worker script, from the site root so that it may control every page."""
    context = {
        "version": CACHE_VERSION,
        "login_url": reverse("org:login"),
        "offline_header": OFFLINE_HEADER,
        # The maps' base layers (core.web.map_context), kept so that a kept page still has its map.
        "roads_url": reverse("places:roads_geojson"),
        "tiles_prefix": reverse("core:tile", kwargs={"z": 0, "x": 0, "y": 0, "ext": "png"}).removesuffix("0/0/0.png"),
    }
    response = render(request, "core/sw.js", context, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker on each visit; "private" keeps it out of shared caches.
    response["Cache-Control"] = "private, no-cache"
    return response
