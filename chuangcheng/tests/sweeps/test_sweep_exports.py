"""Sweep: every .xlsx the site hands out, filled with formula-like user text, holds no formula.

The routes come from the URLconf (every route whose path ends in .xlsx, pages and API), so a
new export fails here until it is listed in ``ARGUMENTS``. The data: the map imported through
the importers, cases made through the services, a framework and tasks, and then every free-text
field of those rows (and of the units and the case category) overwritten with text starting
with = + - @ tab or CR. Each workbook is opened with openpyxl: no cell is a formula, and the
planted text comes back exactly as stored.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chuangcheng.cases.models import Case, Category
from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.indicators.models import IndicatorNode, Task
from chuangcheng.inspections.models import Checklist, ChecklistItem
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.org.models import Unit
from chuangcheng.places.imports import import_file
from chuangcheng.places.models import Grid, RoadSegment, Shop, Site
from chuangcheng.places.tests.io_helpers import (
    GRID_HEADER,
    SEGMENT_HEADER,
    SHOP_HEADER,
    SITE_HEADER,
    grid_row,
    segment_row,
    shop_row,
    site_row,
)
from chuangcheng.tests.sweeps.hostile_text import FORMULA_TEXT, plant
from chuangcheng.tests.sweeps.routes import all_routes

KINDS = ("segment", "grid", "site", "shop")
# Route name → the URL arguments to request it with ("code" is the campaign's code).
ARGUMENTS: dict[str, list[dict[str, str]]] = {
    "places_io:template": [{"kind": k} for k in KINDS],
    "places_io:export_xlsx": [{"kind": k} for k in KINDS],
    "api:places_import_template": [{"kind": k} for k in KINDS],
    "api:places_export_xlsx": [{"kind": k} for k in KINDS],
    "cases:export_xlsx": [{}],
    "indicators:ledger_export": [{}],
    "indicators:template_framework": [{"code": ""}],
    "indicators:template_tasks": [{"code": ""}],
    "indicators:export_framework": [{"code": ""}],
    "indicators:export_tasks": [{"code": ""}],
    "api:indicators_template_framework": [{}],
    "api:indicators_template_tasks": [{}],
    "api:indicators_export_framework": [{"code": ""}],
    "api:indicators_export_tasks": [{"code": ""}],
    "inspections:checklist_export": [{}],
    "cases:category_export": [{}],
    "api:inspections_checklist_export": [{}],
    "inspections:results_export": [{}],
    "appraisal:run_xlsx": [{"pk": "run"}],  # the month's run, computed after the units were renamed
}
TEMPLATES = frozenset(name for name in ARGUMENTS if "template" in name)


def _import_map() -> None:
    files = {
        "grid": xlsx_upload(GRID_HEADER, [grid_row(code="410221001001009")]),
        "segment": xlsx_upload(SEGMENT_HEADER, [segment_row("S901"), segment_row("S902", 路长="吴路长")]),
        "site": xlsx_upload(SITE_HEADER, [site_row("D901")]),
        "shop": xlsx_upload(SHOP_HEADER, [shop_row("P901"), shop_row("P902", 经营者电话="13900000000")]),
    }
    for kind, file in files.items():
        assert import_file(kind=kind, file=file).ok


@pytest.fixture
def hostile_world(world, make, garbage, task_factory, frozen) -> set[str]:
    """Everything the exports show, with formula-like text in every free-text field; returns that text."""
    _import_map()
    make.dispatched()
    make.reported()
    make.closed()
    for _n in range(3):
        task_factory()
    inspected = _inspections(world)
    planted: set[str] = set()
    checklists_seed()
    for model in (*inspected, RoadSegment, Grid, Site, Shop, Case, IndicatorNode, Task, Unit, Checklist, ChecklistItem):
        planted |= plant(model, model._default_manager.order_by("pk"))
    planted |= plant(Category, Category.objects.filter(pk__in=[garbage.pk, garbage.parent_id]))
    return planted | _appraisal(world, frozen)


def _appraisal(world, frozen) -> set[str]:
    """A month's run over the renamed units (a run keeps the names it was computed with), with a
    加减分 item whose reason is planted too. The clock moves past the units' creation (the world
    is made at the real time, the cases in a frozen November) so that they are ranked, then back."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from chuangcheng.appraisal import services as appraisal
    from chuangcheng.appraisal.models import Adjustment

    before = timezone.now()
    frozen(max(Unit.objects.latest("created_at").created_at, before) + dt.timedelta(hours=1))
    scheme = appraisal.scheme_create_default(by=world.office)
    today = timezone.localdate()
    run = appraisal.month_run_create(scheme=scheme, by=world.office, year=today.year, month=today.month)
    appraisal.adjustment_add(
        run=run, unit=world.town_a, kind="media", points=Decimal("-1"), reason="曝光", by=world.office
    )
    frozen(before)  # the other exports' default periods
    return plant(Adjustment, Adjustment.objects.order_by("pk"))


def _inspections(world) -> tuple[type, ...]:
    """An inspection of every site with one failure (the results export's rows); returns the models to plant."""
    from chuangcheng.conftest import photo
    from chuangcheng.inspections.models import Checklist, Inspection
    from chuangcheng.inspections.selectors import active_items, checklist_for_site
    from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit

    checklists_seed()
    for site in Site.objects.order_by("pk"):
        checklist = checklist_for_site(site)
        if checklist is None:
            continue
        items = list(active_items(checklist))
        answers = [
            Answer(i.pk, "fail", "", (photo(),)) if n == 0 else Answer(i.pk, "pass") for n, i in enumerate(items)
        ]
        inspection_submit(by=world.office, kind="check", site=site, answers=answers, note="现场检查")
    return (Inspection, Checklist)


def _urls(campaign_code: str) -> list[tuple[str, str]]:
    urls = []
    for name, variants in ARGUMENTS.items():
        for kwargs in variants:
            filled = {k: _argument(k, v, campaign_code) for k, v in kwargs.items()}
            urls.append((name, reverse(name, kwargs=filled)))
    return urls


def _argument(name: str, value: str, campaign_code: str) -> str:
    from chuangcheng.appraisal.models import Run

    if name == "code":
        return campaign_code
    if value == "run":
        return str(Run.objects.latest("pk").pk)
    return value


def _cells(content: bytes) -> list[Any]:
    workbook = load_workbook(BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_sweep_knows_every_xlsx_route():
    names = {r.name for r in all_routes() if r.route.endswith(".xlsx")}

    assert names == set(ARGUMENTS)


def test_no_export_holds_a_formula_from_user_text(client, world, campaign, hostile_world):
    client.force_login(world.office)
    seen: set[str] = set()
    workbooks = cells = 0
    for name, url in _urls(campaign.code):
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        found = _cells(content)
        formulas = [(c.coordinate, c.value) for c in found if c.data_type == "f"]
        assert formulas == [], url
        texts = {c.value for c in found if isinstance(c.value, str)}
        if name not in TEMPLATES:
            assert texts & hostile_world, f"{url} shows none of the planted text"
        seen |= texts & hostile_world
        workbooks, cells = workbooks + 1, cells + len(found)
    # Every prefix reached at least one export cell unchanged (the same string, not a formula).
    assert {t for t in FORMULA_TEXT if any(s.startswith(t) for s in seen)} == set(FORMULA_TEXT)
    assert workbooks == sum(len(v) for v in ARGUMENTS.values())
