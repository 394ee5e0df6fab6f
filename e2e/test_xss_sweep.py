"""XSS sweep: every text field a user or an import can set holds a hostile string (hostile_world.py);
every page that shows them is opened in Chromium for several roles. Any dialog, any element the
payload would create, any inline script, any template evaluation or any CSP violation fails it.

On each page the sweep also opens every map tooltip and every chart tooltip (both render names),
and it notes which fields' payloads it saw as text, so a page that stops showing a field, or a
field no page shows, is visible in the report rather than silently untested.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.utils import timezone
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from chuangcheng.conftest import PASSWORD, World
from chuangcheng.inspections.models import PatrolRule
from chuangcheng.org.models import UnitSet
from chuangcheng.org.services import person_create

from . import hostile_world
from .conftest import _new_context, _watch
from .helpers import login

ROLES = ["office", "admin_a", "chief_a", "leader"]
# Fields no page shows (so the sweep cannot see them as text); each is named with the reason.
NOT_SHOWN = {
    "pledge item text": "the 承诺事项 requirement is shown in the admin only",
}

# Every map drawing our roads (no tile service in the sweep) has placed its road name labels.
ROADS_SETTLED = """
() => Array.from(document.querySelectorAll("[data-roads-url]")).every((el) => !el.dataset.roadsUrl
  || !el.classList.contains("leaflet-container") || el.dataset.roadLabels !== undefined
  || el.dataset.roads === "failed")
"""

# Anything the payload would create if it reached the DOM as HTML, whenever it appears (a
# tooltip that opens and closes included): an element with id="xssN", an <img src=x>, or an
# inline script (our pages have none; json_script data is type="application/json").
INJECTION_HOOK = """
(() => {
  const bad = (el) => (el.id || "").startsWith("xss") || (el.tagName === "IMG" && el.getAttribute("src") === "x")
    || (el.tagName === "SCRIPT" && !el.hasAttribute("src") && el.type !== "application/json");
  const check = (el) => { if (bad(el)) window.__xssInjected(location.pathname + ": " + el.outerHTML.slice(0, 160)); };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      check(n);
      n.querySelectorAll("*").forEach(check);
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""

# Open what only appears on demand: every Leaflet tooltip and the first tooltip of every chart.
OPEN_TOOLTIPS = """
() => {
  let opened = 0;
  (window.__leafletMaps || []).forEach((map) => map.eachLayer((layer) => {
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened += 1; }
  }));
  if (window.echarts) document.querySelectorAll("[_echarts_instance_]").forEach((el) => {
    const chart = window.echarts.getInstanceByDom(el);
    chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: 0 });
    opened += 1;
  });
  return opened;
}
"""
# What a person reads on the page: its text, the open tooltips and what the form fields hold.
TEXT_JS = """
() => [document.body.innerText,
  ...Array.from(document.querySelectorAll(".leaflet-tooltip"), (e) => e.innerText),
  ...Array.from(document.querySelectorAll("input, textarea"), (e) => e.value)].join(" ")
"""


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pages(hw: hostile_world.HostileWorld, probe: str) -> list[str]:
    q = quote(probe)
    code = hw.campaign.code
    case_pages = [f"/cases/{c.pk}/" for c in hw.cases]
    return [
        "/",
        "/inbox/",
        "/accounts/units/",
        f"/accounts/units/{hw.unit.pk}/",
        f"/accounts/units/{hw.world.town_a.pk}/",
        "/accounts/units/groups/",
        *[f"/accounts/units/groups/{s.pk}/" for s in UnitSet.objects.all()],
        "/accounts/people/",
        f"/accounts/people/?q={q}",
        "/accounts/password/",
        "/calendar/holidays/",
        "/accounts/audit/",
        f"/accounts/audit/?person={hw.person.pk}",
        "/places/map/",
        "/places/mine/",
        "/places/segments/",
        f"/places/segments/?q={q}",
        f"/places/segments/{hw.segment.pk}/",
        "/places/grids/",
        f"/places/grids/{hw.grid.pk}/",
        "/places/sites/",
        f"/places/sites/{hw.site.pk}/",
        "/places/shops/",
        f"/places/shops/{hw.shop.pk}/",
        "/places/io/import/",
        "/cases/",
        "/cases/?view=map",
        f"/cases/?q={q}",
        "/cases/todo/",
        "/cases/intake/",
        "/cases/report/",
        "/cases/categories/",
        f"/cases/categories/{hw.category.pk}/edit/",
        *case_pages,
        "/indicators/",
        f"/indicators/{code}/edit/",
        "/indicators/ledger/",
        f"/indicators/ledger/?q={q}",
        "/indicators/mine/",
        "/indicators/review/",
        "/indicators/notices/",
        *[f"/indicators/notices/{n.pk}/" for n in hw.notices],
        *[f"/indicators/tasks/{t.pk}/" for t in hw.tasks],
        f"/indicators/tasks/{hw.tasks[0].pk}/report/",
        f"/indicators/tasks/{hw.tasks[0].pk}/edit/",
        f"/indicators/{code}/framework/",
        "/indicators/readiness/",
        f"/indicators/{code}/readiness/",
        f"/indicators/{code}/import/framework/",
        *_checklist_pages(hw),
        *_check_pages(hw, q),
        *_appraisal_pages(hw),
    ]


def _appraisal_pages(hw: hostile_world.HostileWorld) -> list[str]:
    """月度考核: the list, the scheme, the published run and its correction draft, the hostile
    town's figures and traced list, both bulletin pages, 我的考核; 年终评定 with the hostile person."""
    a = hw.appraisal
    run, draft, unit = a["run"], a["draft"], a["unit"]
    return [
        "/appraisal/",
        "/appraisal/mine/",
        f"/appraisal/scheme/{a['scheme']}/",
        f"/appraisal/runs/{run}/",
        f"/appraisal/runs/{draft}/",
        f"/appraisal/runs/{run}/units/{unit}/",
        f"/appraisal/runs/{draft}/units/{unit}/",
        f"/appraisal/runs/{run}/units/{unit}/trace/on_time_handle/den/",
        f"/appraisal/runs/{run}/bulletin/",
        f"/appraisal/runs/{draft}/bulletin/",
        "/appraisal/year-end/",
        f"/appraisal/year-end/{a['year_end']}/",
    ]


def _checklist_pages(hw: hostile_world.HostileWorld) -> list[str]:
    """Inspections' checklist pages: the list, the hostile checklist, its item's edit and link pages."""
    assert hw.checklist is not None and hw.checklist_item is not None
    item = hw.checklist_item.pk
    return [
        "/inspections/checklists/",
        f"/inspections/checklists/{hw.checklist.pk}/",
        f"/inspections/checklists/items/{item}/edit/",
        f"/inspections/checklists/items/{item}/indicators/?campaign={hw.campaign.code}",
        "/inspections/checklists/import/",
        "/inspections/records/",
        *[f"/inspections/records/{i.pk}/" for i in hw.inspections],
        "/inspections/results/",
        "/inspections/patrol-rules/",
        f"/inspections/patrol-rules/{PatrolRule.objects.get(site_type__code='xss').pk}/edit/",
        "/inspections/patrols/",
        f"/inspections/patrols/{timezone.localdate():%Y-%m-%d}/",
        # ---- inspections: field (the phone pages) ----
        "/inspections/field/",
        f"/inspections/field/nearby/?lon={hostile_world.SPOT[0]}&lat={hostile_world.SPOT[1]}",
        f"/inspections/field/site/{hw.site.pk}/",
        f"/inspections/field/segment/{hw.segment.pk}/",
        f"/inspections/field/done/?key={hostile_world.FIELD_KEY}",
    ]


def _check_pages(hw: hostile_world.HostileWorld, q: str) -> list[str]:
    assert hw.plan is not None
    return [
        "/inspections/checks/",
        f"/inspections/checks/?q={q}",
        "/inspections/checks/new/",
        f"/inspections/checks/{hw.plan.pk}/",
        f"/inspections/checks/{hw.plan.pk}/progress/",
    ]


@pytest.fixture
def hostile(world: World) -> hostile_world.HostileWorld:
    return hostile_world.build(world)


@pytest.fixture
def browser_for(chromium_browser: Browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    contexts = []

    def open_as(username: str) -> Page:
        context = _new_context(chromium_browser, live_server.url, phone=False)
        context.injected = injected = []  # type: ignore[attr-defined]
        context.expose_function("__xssInjected", lambda text: injected.append(text))
        context.add_init_script(INJECTION_HOOK)
        contexts.append(context)
        page = context.new_page()
        _watch(page, live_server.url)
        page.dialogs = dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        login(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _visit(page: Page, path: str) -> tuple[int, str]:
    """Open ``path``, open its tooltips, and return (status, the text a person reads)."""
    try:
        response = page.goto(path)
        status = response.status if response else 0
        if path.startswith("/places/map/") and status == 200:
            page.wait_for_selector('#map[data-loaded="1"]', state="attached")
        if status == 200:
            page.wait_for_function(ROADS_SETTLED, timeout=5000)  # the road names of the base layer too
        page.evaluate(OPEN_TOOLTIPS)
        return status, page.evaluate(TEXT_JS)
    except PlaywrightError as exc:  # a page hung by dialogs, say: a finding, not the end of the sweep
        page.dialogs.append(f"{path}: {str(exc).splitlines()[0]}")  # type: ignore[attr-defined]
        return 0, ""


def _admin_pages() -> list[str]:
    """The admin's index and every model's list (its forms escape as ours do, through Django's widgets)."""
    return ["/admin/"] + [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]


def _sweep(page: Page, who: str, pages: list[str], seen: set[int]) -> tuple[int, list[str]]:
    """Visit ``pages`` as ``who``; return how many answered 200 and every problem found."""
    opened, problems = 0, []
    for path in pages:
        status, text = _visit(page, path)
        opened += status == 200
        seen |= {int(n) for n in re.findall(r"id=xss(\d+)", text)}
        problems += [f"{who} {path}: template evaluated" for _ in re.findall(r"49xss\d+", text)]
    found = page.dialogs + page.context.injected + page.js_errors + page.csp_violations  # type: ignore[attr-defined]
    return opened, problems + [f"{who}: {p}" for p in found]


def test_hostile_text_stays_text_on_every_page_for_every_role(
    hostile: hostile_world.HostileWorld, browser_for, world: World
) -> None:  # type: ignore[no-untyped-def]
    probe = hostile.h("search box (reflected)", 200)
    pages = _pages(hostile, probe)
    seen: set[int] = set()
    opened, problems = 0, []
    for username in ROLES:
        count, found = _sweep(browser_for(username), username, pages, seen)
        opened, problems = opened + count, problems + found
    unseen = {label for label, n in hostile.h.fields.items() if n not in seen}
    # The admin shows the same rows through its own templates.
    person_create(
        username="xss_root",
        real_name="系统管理员",
        unit=world.county,
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    admin_pages = _admin_pages()
    admin_opened, found = _sweep(browser_for("xss_root"), "superuser", admin_pages, seen)
    problems += found

    print(
        f"XSS sweep: {len(hostile.h.fields)} fields; {len(pages)} pages x {len(ROLES)} roles ({opened} answered 200)"
        f" + {len(admin_pages)} admin pages ({admin_opened} answered 200)"
    )
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert unseen == set(NOT_SHOWN), unseen
    assert admin_opened == len(admin_pages)
