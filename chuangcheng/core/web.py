"""Small helpers the apps' views share: htmx partials, the pager, service calls, map tiles, export links."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from chuangcheng.core.errors import DomainError
from chuangcheng.core.tiles import tiles_info

T = TypeVar("T")


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps a part of the page.

    Boosted links and history restores (the browser lost its cached page) want the whole page.
    """
    htmx = getattr(request, "htmx", None)  # django-htmx's middleware; absent on a bare request
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str = "results"
) -> HttpResponse:
    """The whole page, or for an htmx request only its ``{% partialdef partial %}``."""
    return render(request, f"{template}#{partial}" if wants_partial(request) else template, context)


def paginate(request: HttpRequest, items: QuerySet[Any, T] | Sequence[T], per_page: int) -> Page[T]:
    """The page ``?page=`` asks for; a missing, bad or too large number gives the first or last page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@contextmanager
def form_errors(form: BaseForm) -> Iterator[None]:
    """Run a service call; its ``DomainError`` becomes the form's (non-field) error instead of a crash.

    Code after the call inside the block runs only when the service succeeded::

        with form_errors(form):
            case = services.case_dispatch(...)
            return redirect(case)
        return render(request, template, {"form": form})  # the form shows the reason
    """
    try:
        yield
    except DomainError as exc:
        form.add_error(None, exc.message)


def map_context() -> dict[str, Any]:
    """What every map template reads (``core/_map_attrs.html``): the base layer and the county's centre.

    The base layer is the first that applies: the county's own MBTiles file (served at /tiles/),
    the configured tile URL, else no tiles and ``roads_url``, our road network with its names.
    The roads URL is named, not imported: ``core`` imports no app.
    """
    info = tiles_info()
    context: dict[str, Any] = {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_subdomains": settings.MAP_TILE_SUBDOMAINS,
        "tile_min_zoom": 0,
        "tile_max_zoom": 19,
        "roads_url": "",
        "center": [settings.MAP_CENTER_LON, settings.MAP_CENTER_LAT],
    }
    if info is not None:
        url = reverse("core:tile", kwargs={"z": 0, "x": 0, "y": 0, "ext": info.ext})
        context.update(
            tile_url=url.replace("/0/0/0.", "/{z}/{x}/{y}.") + f"?v={info.version}",
            tile_attribution=info.attribution,
            tile_min_zoom=info.min_zoom,
            tile_max_zoom=info.max_zoom,
        )
    elif not settings.MAP_TILE_URL:
        context["roads_url"] = reverse("places:roads_geojson")
    return context


def next_or(request: HttpRequest, default: str) -> str:
    """The form's ``next`` when it points back into this site, else ``default``."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


def run_service(request: HttpRequest, call: Callable[[], Any], success: str | Callable[[Any], str]) -> bool:
    """Call one service; show its success or its domain error as a message.

    ``success`` may be a function of what the service returned (a count to report).
    """
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def with_filters(base: str, query: QueryDict, *, drop: Iterable[str] = ("page",)) -> str:
    """``base`` with the list's filters: the same query without the page number (or ``drop``) or empty fields."""
    dropped = set(drop)
    params = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [v for v in values if v]
        if key not in dropped and kept:
            params.setlist(key, kept)
    encoded = params.urlencode()
    return f"{base}?{encoded}" if encoded else base
