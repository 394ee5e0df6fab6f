"""Sweep: every upload and import endpoint refuses every hostile file, with a Chinese message,
in bounded time and memory, and writes nothing.

The endpoints: the page views whose code reads ``request.FILES`` and the API operations that take
a multipart file, both found from the URLconf and the OpenAPI document, so a new upload fails
here until it is listed in ``ENDPOINTS``. The files (``core/tests/hostile_files.py``): zip and
XML entity bombs, a 200 000-row sheet, too many columns and parts, renamed programs, a
polyglot, an empty and a truncated file, a 144-megapixel PNG and GeoJSON bombs. "Writes
nothing": no row added or changed in the tables an upload writes, no file added to MEDIA_ROOT.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chuangcheng.api import api
from chuangcheng.appraisal import services as appraisal_services
from chuangcheng.appraisal.models import Adjustment, Run, UnitResult
from chuangcheng.cases.models import Case, CaseEvent, CasePhoto, Category
from chuangcheng.cases.tests.conftest import SPOT
from chuangcheng.core.tests import hostile_files as hostile
from chuangcheng.indicators import services as indicator_services
from chuangcheng.indicators.models import Evidence, IndicatorNode, ProgressReport, SupervisionNotice, Task
from chuangcheng.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistItemVersion,
    Inspection,
    InspectionPhoto,
    InspectionResult,
)
from chuangcheng.inspections.selectors import active_items, checklist_for_segment, checklist_for_site
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.org.models import Unit
from chuangcheng.places.models import Grid, RoadSegment, Shop, Site, SiteType
from chuangcheng.places.services import site_save
from chuangcheng.tests.sweeps.routes import all_routes

# Limits lowered so the GeoJSON bombs stay small; the sheets meet the real ones.
GEOJSON_LIMIT = 256 * 1024
ROWS_LIMIT = 1000
NOT_A_PHOTO = "不是照片或已损坏"
EMPTY = ("为空", "空文件", "文件是空的")
NOT_XLSX = ("不是有效的 Excel", "无法识别文件格式")


@dataclass(frozen=True)
class HostileFile:
    """A file, its name, and what each kind of endpoint must answer (fragments of the message)."""

    name: str
    build: Callable[[], bytes]
    imports: tuple[str, ...]
    photos: tuple[str, ...] = (NOT_A_PHOTO,)
    evidence: tuple[str, ...] | None = None  # None: not hostile as evidence (nobody parses it)


FILES = (
    HostileFile("台账.xlsx", hostile.zip_bomb, ("可能是压缩炸弹",), evidence=("可能是压缩炸弹",)),
    HostileFile("二十万行.xlsx", hostile.many_rows, (f"工作表超过 {ROWS_LIMIT} 行",)),
    HostileFile("自称二十万行.xlsx", hostile.declared_rows, (f"工作表超过 {ROWS_LIMIT} 行",)),
    HostileFile("三百列.xlsx", hostile.wide, ("工作表超过 200 列",)),
    HostileFile(
        "两千多个部件.xlsx", lambda: hostile.many_members(2100), ("压缩包内文件超过",), evidence=("压缩包内文件超过",)
    ),
    HostileFile("实体膨胀.xlsx", hostile.laughs_xlsx, ("DTD 或实体声明",), evidence=("DTD 或实体声明",)),
    HostileFile("实体膨胀.docx", hostile.laughs_docx, ("DTD 或实体声明",), evidence=("DTD 或实体声明",)),
    HostileFile("程序.xlsx", hostile.elf, NOT_XLSX, evidence=("可执行程序",)),
    HostileFile("程序.png", hostile.pe, NOT_XLSX, evidence=("可执行程序",)),
    HostileFile("程序.pdf", hostile.elf, NOT_XLSX, evidence=("可执行程序",)),
    HostileFile("现场.png", hostile.polyglot, NOT_XLSX, ("藏有一个压缩包",), ("藏有一个压缩包",)),
    HostileFile("空.xlsx", lambda: b"", EMPTY, EMPTY, EMPTY),
    HostileFile("截断.xlsx", hostile.truncated, ("压缩包已损坏",), evidence=("已损坏",)),
    HostileFile("航拍.png", hostile.huge_png, NOT_XLSX, ("像素过多",), ("像素过多",)),
    HostileFile("嵌套.geojson", hostile.deep_geojson, ("嵌套层数过多", *NOT_XLSX), evidence=("格式不受支持",)),
    HostileFile(
        "大.geojson",
        lambda: hostile.big_geojson(GEOJSON_LIMIT),
        ("GeoJSON 文件超过", *NOT_XLSX),
        evidence=("格式不受支持",),
    ),
    HostileFile(
        "要素多.geojson",
        lambda: hostile.many_features(ROWS_LIMIT + 1),
        (f"GeoJSON 要素超过 {ROWS_LIMIT} 个", *NOT_XLSX),
        evidence=("格式不受支持",),
    ),
)


@dataclass
class Targets:
    """What the endpoints act on: a dispatched case, a task of 城关街道 and a notice to it."""

    case: Case
    task: Task
    notice: SupervisionNotice
    campaign_code: str
    market: Site  # a 农贸市场 and a road segment with their checklists, for the phone form's photos
    road: RoadSegment
    run: Run  # a draft month of the appraisal, for 加减分's evidence


@dataclass(frozen=True)
class Endpoint:
    """One upload endpoint: its route name, who posts, which rules apply and how to post one file."""

    name: str
    persona: str
    family: str  # "imports", "photos" or "evidence"
    post: Callable[[Client, Targets, SimpleUploadedFile], Any]


def _key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def _case_form(file: SimpleUploadedFile) -> dict[str, Any]:
    return {
        "description": "路边有暴露垃圾",
        "lon": str(SPOT[0]),
        "lat": str(SPOT[1]),
        "idempotency_key": uuid.uuid4().hex,
        "photos": [file],
    }


def _places(kind: str) -> list[Endpoint]:
    return [
        Endpoint(
            "places_io:import_kind",
            "office",
            "imports",
            lambda c, t, f: c.post(
                reverse("places_io:import_kind", args=[kind]), {"kind": kind, "file": f, "mode": "all"}
            ),
        ),
        Endpoint(
            "api:places_import",
            "office",
            "imports",
            lambda c, t, f: c.post(f"/api/places/import/{kind}", {"file": f, "mode": "all"}),
        ),
    ]


def _indicators(kind: str) -> list[Endpoint]:
    return [
        Endpoint(
            f"indicators:import_{kind}",
            "office",
            "imports",
            lambda c, t, f: c.post(reverse(f"indicators:import_{kind}", args=[t.campaign_code]), {"file": f}),
        ),
        Endpoint(
            f"api:indicators_import_{kind}",
            "office",
            "imports",
            lambda c, t, f: c.post(f"/api/indicators/{t.campaign_code}/import/{kind}", {"file": f}),
        ),
    ]


def _inspection_form(place: Site | RoadSegment, file: SimpleUploadedFile) -> dict[str, Any]:
    """The phone form's page post: every item passed but the first, failed with the hostile photo."""
    checklist = checklist_for_site(place) if isinstance(place, Site) else checklist_for_segment(place)
    items = list(active_items(checklist))  # type: ignore[arg-type]
    data: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex, f"photos_{items[0].pk}": [file]}
    for item in items:
        data[f"outcome_{item.pk}"] = "fail" if item is items[0] else "pass"
    return data


def _inspection_payload(site: Site) -> str:
    items = list(active_items(checklist_for_site(site)))  # type: ignore[arg-type]
    answers = [
        {"item_id": item.pk, "outcome": "fail", "photos": [{"index": 0}]}
        if item is items[0]
        else {"item_id": item.pk, "outcome": "pass"}
        for item in items
    ]
    return json.dumps({"site_id": site.pk, "answers": answers})


def _field() -> list[Endpoint]:
    return [
        Endpoint(
            "inspections:field_site",
            "inspector",
            "photos",
            lambda c, t, f: c.post(
                reverse("inspections:field_site", args=[t.market.pk]), _inspection_form(t.market, f)
            ),
        ),
        Endpoint(
            "inspections:field_segment",
            "inspector",
            "photos",
            lambda c, t, f: c.post(reverse("inspections:field_segment", args=[t.road.pk]), _inspection_form(t.road, f)),
        ),
        Endpoint(
            "api:inspections_field_submit",
            "inspector",
            "photos",
            lambda c, t, f: c.post(
                "/api/inspections/field/inspections",
                {"payload": _inspection_payload(t.market), "photos": [f]},
                headers=_key(),
            ),
        ),
    ]


ENDPOINTS: list[Endpoint] = [
    *(e for kind in ("segment", "grid", "site", "shop") for e in _places(kind)),
    Endpoint(
        "places_io:import",
        "office",
        "imports",
        lambda c, t, f: c.post(reverse("places_io:import"), {"kind": "shop", "file": f, "mode": "all"}),
    ),
    *_indicators("framework"),
    *_indicators("tasks"),
    Endpoint(
        "inspections:checklist_import",
        "office",
        "imports",
        lambda c, t, f: c.post(reverse("inspections:checklist_import"), {"file": f}),
    ),
    Endpoint(
        "cases:category_import",
        "office",
        "imports",
        lambda c, t, f: c.post(reverse("cases:category_import"), {"file": f}),
    ),
    Endpoint(
        "api:inspections_checklist_import",
        "office",
        "imports",
        lambda c, t, f: c.post("/api/inspections/checklists/import", {"file": f}),
    ),
    Endpoint(
        "cases:report",
        "inspector",
        "photos",
        lambda c, t, f: c.post(reverse("cases:report"), {**_case_form(f), "category": str(t.case.category_id)}),
    ),
    Endpoint(
        "api:cases_create",
        "inspector",
        "photos",
        lambda c, t, f: c.post(
            "/api/cases/", {**_case_form(f), "source": "patrol", "category": t.case.category_id}, headers=_key()
        ),
    ),
    Endpoint(
        "cases:handle",
        "admin_a",
        "photos",
        lambda c, t, f: c.post(reverse("cases:handle", args=[t.case.pk]), {"note": "已清运", "photos": [f]}),
    ),
    Endpoint(
        "api:cases_handle",
        "admin_a",
        "photos",
        lambda c, t, f: c.post(f"/api/cases/{t.case.pk}/handle", {"note": "已清运", "photos": [f]}),
    ),
    Endpoint(
        "indicators:task_report",
        "admin_a",
        "evidence",
        lambda c, t, f: c.post(
            reverse("indicators:task_report", args=[t.task.pk]),
            {"percent": "40", "narrative": "已完成机扫", "idempotency_key": uuid.uuid4().hex, "evidence": [f]},
        ),
    ),
    Endpoint(
        "api:indicators_report",
        "admin_a",
        "evidence",
        lambda c, t, f: c.post(
            f"/api/indicators/tasks/{t.task.pk}/reports",
            {"percent": 40, "narrative": "已完成机扫", "files": [f]},
            headers=_key(),
        ),
    ),
    Endpoint(
        "indicators:notice_reply",
        "admin_a",
        "evidence",
        lambda c, t, f: c.post(
            reverse("indicators:notice_reply", args=[t.notice.pk]), {"reply": "已整改", "evidence": [f]}
        ),
    ),
    Endpoint(
        "api:indicators_notice_reply",
        "admin_a",
        "evidence",
        lambda c, t, f: c.post(f"/api/indicators/notices/{t.notice.pk}/reply", {"reply": "已整改", "files": [f]}),
    ),
    *_field(),
    Endpoint(
        "appraisal:adjustment_add",
        "office",
        "evidence",
        lambda c, t, f: c.post(
            reverse("appraisal:adjustment_add", args=[t.run.pk]),
            {
                "unit": str(t.run.results.get(unit__name="城关街道").unit_id),
                "kind": "honour",
                "points": "2",
                "reason": "省级媒体正面报道",
                "evidence": f,
            },
        ),
    ),
]

# The tables an upload writes, and the rows whose state it changes.
WRITTEN = (
    Category,
    RoadSegment,
    Grid,
    Site,
    Shop,
    Case,
    CaseEvent,
    CasePhoto,
    IndicatorNode,
    Task,
    ProgressReport,
    Evidence,
    Checklist,
    ChecklistItem,
    ChecklistItemVersion,
    Inspection,
    InspectionResult,
    InspectionPhoto,
    Adjustment,
)


def _snapshot(media: Any, targets: Targets) -> tuple[Any, ...]:
    counts = tuple(model._default_manager.count() for model in WRITTEN)
    case = Case.objects.values_list("status", "version").get(pk=targets.case.pk)
    task = Task.objects.values_list("version", "percent").get(pk=targets.task.pk)
    notice = SupervisionNotice.objects.values_list("status").get(pk=targets.notice.pk)
    run = Run.objects.values_list("version").get(pk=targets.run.pk)
    results = list(UnitResult.objects.filter(run=targets.run).order_by("pk").values_list("adjustment", "total", "rank"))
    files = sorted(str(p) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return counts, case, task, notice, run, results, files


def _text(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def targets(world, make, task_factory, campaign) -> Targets:
    task = task_factory()
    notice = indicator_services.notice_issue(task=task, by=world.supervisor, reason="进度滞后，请说明")
    checklists_seed()
    market = site_save(
        site=Site(code="P-01", name="城关农贸市场", site_type=SiteType.objects.get(code="market"), unit=world.town_a),
        geometry={"type": "Point", "coordinates": [SPOT[0], SPOT[1]]},
    )
    return Targets(
        case=make.dispatched(),
        task=task,
        notice=notice,
        campaign_code=campaign.code,
        market=market,
        road=RoadSegment.objects.get(),
        run=_draft_run(),
    )


def _draft_run() -> Run:
    """This month's draft (the clock is frozen by ``make``; the county's units are older)."""
    today = timezone.localdate()
    Unit.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    scheme = appraisal_services.scheme_create_default(by=None)
    run = appraisal_services.month_run_create(scheme=scheme, by=None, year=today.year, month=today.month)
    assert run.results.count() == 5  # three departments, two towns
    return run


def test_the_sweep_knows_every_upload_endpoint():
    routes = all_routes()
    pages = {r.name for r in routes if not r.name.startswith(("admin:", "api:")) and r.reads_uploads()}
    multipart = {
        path
        for path, item in api.get_openapi_schema()["paths"].items()
        for operation in item.values()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    }
    # The URLconf spells "<int:case_id>" where the schema spells "{case_id}".
    paths = {r.name: "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.route) for r in routes}
    names = {e.name for e in ENDPOINTS}

    assert pages == {n for n in names if not n.startswith("api:")}
    assert multipart == {paths[n] for n in names if n.startswith("api:")}


def test_every_upload_endpoint_refuses_every_hostile_file_and_writes_nothing(settings, world, media, targets):
    settings.GEOJSON_MAX_BYTES = GEOJSON_LIMIT
    settings.IMPORT_MAX_ROWS = ROWS_LIMIT
    clients = {}
    for persona in {e.persona for e in ENDPOINTS}:
        clients[persona] = Client()
        clients[persona].force_login(getattr(world, persona))
    contents = {file.name: file.build() for file in FILES}
    problems: list[str] = []
    requests = 0
    for endpoint in ENDPOINTS:
        for file in FILES:
            expected = getattr(file, endpoint.family)
            if expected is None:
                continue
            before = _snapshot(media, targets)
            upload = SimpleUploadedFile(file.name, contents[file.name])
            tracemalloc.start()
            started = time.perf_counter()
            response = endpoint.post(clients[endpoint.persona], targets, upload)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            requests += 1
            where = f"{endpoint.name} ← {file.name}"
            text = _text(response)
            if response.status_code >= 500 or response.status_code in (301, 302):
                problems.append(f"{where}: HTTP {response.status_code}")
            elif not any(fragment in text for fragment in expected):
                problems.append(f"{where}: none of {expected} in the answer")
            if _snapshot(media, targets) != before:
                problems.append(f"{where}: something was written")
            if seconds > 10 or peak > 64 * 1024 * 1024:
                problems.append(f"{where}: {seconds:.1f} s, {peak / 1e6:.0f} MB")
    assert problems == [], "\n".join(problems)
    assert requests == sum(1 for e in ENDPOINTS for f in FILES if getattr(f, e.family) is not None)
