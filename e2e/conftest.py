"""Browser-test infrastructure: Debian's chromium driven by Playwright's sync API.

Each test builds its own small county through the services (the ``world`` fixture from
``chuangcheng/conftest.py``) against pytest-django's ``live_server``, which needs a
transactional database because the server runs in another thread. Every page a test opens
is photographed into ``e2e/screenshots/<test>.png`` when the test ends, pass or fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from chuangcheng.conftest import World, world  # noqa: F401  (fixture re-export)
from chuangcheng.places.models import RoadSegment

from .helpers import LINE_A1, LINE_A2, LINE_B1, SCREENSHOTS, assert_no_csp_violations, make_segment

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse to
# run there. The ORM calls in these tests are plain sequential code, so this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Browser-drawn text (the file input's button) in Chinese too, as our users see it.
    "--lang=zh-CN",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    # The world has a dozen people; hashing their passwords properly costs seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium missing: run scripts/ensure_chromium.sh (make e2e does)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Our maps draw on a canvas (preferCanvas), so there are no SVG paths to count. This hook
# remembers every Leaflet map the page creates, for ``map_features`` in helpers.py; Leaflet
# assigns ``window.L`` once it has defined everything, so the setter sees the whole library.
LEAFLET_HOOK = """
(() => {
  let leaflet;
  window.__leafletMaps = [];
  Object.defineProperty(window, "L", {
    configurable: true,
    get() { return leaflet; },
    set(value) {
      leaflet = value;
      if (value && value.Map && value.Map.addInitHook) {
        value.Map.addInitHook(function () { window.__leafletMaps.push(this); });
      }
    },
  });
})();
"""


# Every Content-Security-Policy violation (a refused inline script, style or foreign origin) is
# handed to Python as it happens, so one on any page of a test fails it; see ``_watch``.
CSP_HOOK = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} on ${e.documentURI}`
    + (e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : "") + (e.sample ? `: ${e.sample}` : ""));
}, true);
"""


def _new_context(browser: Browser, base_url: str, phone: bool) -> BrowserContext:
    options: dict = {"base_url": base_url, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
    if phone:
        options |= {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
    else:
        options |= {"viewport": DESKTOP}
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(LEAFLET_HOOK)
    violations: list[str] = []
    context.csp_violations = violations  # type: ignore[attr-defined]
    context.expose_function("__cspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_HOOK)
    return context


def _watch(page: Page, base_url: str) -> None:
    """Record JS errors and block every request that leaves the test server (no CDN, no tiles)."""
    page.js_errors = []  # type: ignore[attr-defined]
    page.csp_violations = page.context.csp_violations  # type: ignore[attr-defined]
    page.external_requests = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))  # type: ignore[attr-defined]
    own = urlsplit(base_url).netloc

    def route(r):  # type: ignore[no-untyped-def]
        parts = urlsplit(r.request.url)
        if parts.scheme in {"http", "https"} and parts.netloc != own:
            page.external_requests.append(r.request.url)  # type: ignore[attr-defined]
            return r.abort()
        return r.continue_()

    page.route("**/*", route)


def _screenshot(page: Page, request: pytest.FixtureRequest, suffix: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    try:
        page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
    except Exception as exc:  # a crashed page must not hide the test's own result
        print(f"screenshot failed for {name}: {exc}")


@pytest.fixture
def desktop(chromium_browser: Browser, live_server, transactional_db, request) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A desktop-sized page (1366x900) on the live server."""
    context = _new_context(chromium_browser, live_server.url, phone=False)
    page = context.new_page()
    _watch(page, live_server.url)
    yield page
    _screenshot(page, request, "")
    context.close()
    assert_no_csp_violations(page)


@pytest.fixture
def phone(chromium_browser: Browser, live_server, transactional_db, request) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A phone-sized page (390x844, touch) on the live server."""
    context = _new_context(chromium_browser, live_server.url, phone=True)
    page = context.new_page()
    _watch(page, live_server.url)
    yield page
    _screenshot(page, request, "-phone" if "desktop" in request.fixturenames else "")
    context.close()
    assert_no_csp_violations(page)


@pytest.fixture
def segments(world: World) -> dict[str, RoadSegment]:  # noqa: F811
    """Two segments of 城关街道 under 孙路长 and one of 城南街道 under 吴路长."""
    return {
        "a1": make_segment("E2E-A1", "人民路东段", world.town_a, LINE_A1, chief=world.chief_a, from_desc="十字街"),
        "a2": make_segment("E2E-A2", "解放路北段", world.town_a, LINE_A2, chief=world.chief_a, to_desc="火车站"),
        "b1": make_segment("E2E-B1", "南关街", world.town_b, LINE_B1, chief=world.chief_b),
    }


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns that collectstatic has not run; the live server serves from the finders.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
