"""Response headers every answer carries, and the endpoint that records CSP violations.

Content-Security-Policy: scripts, styles, fonts and connections only from our own origin, no
inline script, handler or style="" (a stored name can never run), map tiles from the configured
tile server. Django 5.2 has no CSP of its own; Django 6's middleware can replace this one.

Cache-Control: private, no-store on everything a logged-in user gets and on every JSON answer,
so neither a shared cache nor the browser's disk keeps a page or a list with people's data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("chuangcheng.csp")

NO_STORE = "private, no-store"
# Enough of a violation report to find the cause; the rest of a hostile body is dropped.
REPORT_FIELDS = (
    "document-uri",
    "violated-directive",
    "effective-directive",
    "blocked-uri",
    "source-file",
    "line-number",
    "sample",
)
REPORT_FIELD_CHARS = 300
REPORTS_PER_REQUEST = 20


def tile_origins(url: str, subdomains: str) -> list[str]:
    """The origins Leaflet fetches tiles from: "{s}" in the host stands for each subdomain letter."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return []  # no tiles, or tiles from our own server ('self')
    hosts = [parts.netloc.replace("{s}", s) for s in subdomains] if "{s}" in parts.netloc else [parts.netloc]
    return sorted({f"{parts.scheme}://{host}" for host in hosts})


def content_security_policy(report_url: str) -> str:
    return _policy(report_url, settings.MAP_TILE_URL, settings.MAP_TILE_SUBDOMAINS)


@lru_cache(maxsize=8)
def _policy(report_url: str, tile_url: str, subdomains: str) -> str:
    # Every response carries the header: build it once per configuration, not per request.
    images = ["'self'", "data:", "blob:", *tile_origins(tile_url, subdomains)]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # report-uri only: Chromium ignores it once report-to is present, and then batches
        # reports through the Reporting API, which headless runs never delivered to us.
        "report-uri": [report_url],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _carries_personal_data(request: HttpRequest, response: HttpResponse) -> bool:
    if "json" in response.get("Content-Type", ""):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def not_personal(response: HttpResponse) -> HttpResponse:
    """Mark a JSON answer that holds no personal data (the county's road network for the maps'
    base layer): its own "private, max-age=…" stands, so the browser may keep it."""
    response.not_personal = True  # type: ignore[attr-defined]
    return response


def _keeps_own_cache_control(response: HttpResponse) -> bool:
    # A private file (a case photo, evidence) may say "private, max-age=…" itself: the browser
    # may keep it, shared caches never. Pages and JSON always get no-store, but for JSON
    # marked ``not_personal``.
    content_type = response.get("Content-Type", "")
    if "private" not in response.get("Cache-Control", "") or content_type.startswith("text/html"):
        return False
    return "json" not in content_type or getattr(response, "not_personal", False)


class SecurityHeadersMiddleware:
    """Adds the CSP and, for personal data, Cache-Control: private, no-store."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        report_url = reverse("core:csp_report")
        response.setdefault("Content-Security-Policy", content_security_policy(report_url))
        if _carries_personal_data(request, response) and not _keeps_own_cache_control(response):
            response["Cache-Control"] = NO_STORE
        return response


def _reports(body: bytes) -> list[dict]:
    """The violation bodies of either format: report-uri's {"csp-report": …} or Reporting API's list."""
    data = json.loads(body)
    if isinstance(data, dict):
        data = [{"body": data.get("csp-report")}]
    if not isinstance(data, list):
        return []
    bodies = [item.get("body") for item in data[:REPORTS_PER_REQUEST] if isinstance(item, dict)]
    return [b for b in bodies if isinstance(b, dict)]


def _field(report: dict, name: str) -> str:
    # report-uri spells fields with dashes, the Reporting API in camelCase.
    camel = name.split("-")[0] + "".join(w.title() for w in name.split("-")[1:])
    value = report.get(name, report.get(camel, ""))
    return str(value)[:REPORT_FIELD_CHARS]


@csrf_exempt  # browsers post reports without our token
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log each CSP violation a browser reports (a page that broke the policy is a bug to fix)."""
    try:
        reports = _reports(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    for report in reports:
        logger.warning("CSP violation: %s", {name: _field(report, name) for name in REPORT_FIELDS})
    return HttpResponse(status=204)
