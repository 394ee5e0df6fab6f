"""Schema fuzzing: schemathesis over every operation of the OpenAPI document, in-process.

For each role (the office, and a unit admin whose scope is one town) every operation gets a
few generated requests with random ids, a few with the ids of real objects, and a few
schema-violating ones. The requests go through the Django WSGI app with a logged-in session
and its CSRF token, as a browser client would send them. Every response is checked:

* no 5xx;
* the status, content type, headers and body are the ones the document declares;
* a request the schema calls valid is never a 422 (the document and the validation agree),
  and one it calls invalid is refused with a 4xx.

Examples are derandomized (a fixed seed per operation), so a failure reproduces.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chuangcheng.appraisal import services as appraisal_services
from chuangcheng.cases import services as case_services
from chuangcheng.cases.tests.api_helpers import dispatched_case, make_category, reported_case
from chuangcheng.conftest import World
from chuangcheng.indicators import services as task_services
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, IndicatorNode
from chuangcheng.notifications.services import notify
from chuangcheng.places.tests.view_helpers import make_grid, make_segment, make_shop, make_site

# Per operation and role: random ids (mostly 404s), real ids (the answers with data), invalid input.
RANDOM_EXAMPLES, REAL_EXAMPLES, NEGATIVE_EXAMPLES = 3, 4, 2
# Operations that must answer at least one request with a 2xx (the unit admin may not import, review…).
ANSWERED = {"office": 45, "unit_admin": 35}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class Sweep:
    operations: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    answered: set[str] = field(default_factory=set)  # operations that gave at least one 2xx


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, sharing the test's transaction (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def county(world, settings, tmp_path) -> dict[str, Any]:
    """A few objects of every kind the API lists, so answers carry data to check against the schema."""
    settings.MEDIA_ROOT = tmp_path / "media"
    segment = make_segment("A1", world.town_a, chief=world.chief_a)
    make_segment("B1", world.town_b, chief=world.chief_b, dlon=0.05)
    grid = make_grid("001", world.town_a)
    site = make_site("SA", world.town_a)
    shop = make_shop("SHA", segment)
    category = make_category()
    case = dispatched_case(world, category)
    case_services.extension_request(
        case=case, by=world.admin_a, amount=Decimal("1"), time_unit=category.time_unit, reason="材料未到"
    )
    reported_case(world.inspector, category)
    campaign, task = make_ledger(world)
    notice = task_services.notice_issue(task=task, by=world.office, reason="进度滞后")
    report, _ = task_services.report_progress(task=task, by=world.admin_a, percent=30, narrative="已完成三成")
    for person in (world.office, world.admin_a):
        notify(recipients=[person], kind="case.escalated", title="案卷升级督办", url=f"/cases/{case.pk}/")
    appraisal = make_appraisal(world)
    return {
        **appraisal,
        "case_id": case.pk,
        "task_id": task.pk,
        "notice_id": notice.pk,
        "report_id": report.pk,
        "code": campaign.code,
        "campaign_code": campaign.code,
        "/org/units/": world.town_a.pk,
        "/org/people/": world.admin_a.pk,
        "/places/segments/": segment.pk,
        "/places/grids/": grid.pk,
        "/places/sites/": site.pk,
        "/places/shops/": shop.pk,
    }


def make_ledger(world: World) -> tuple[Campaign, Any]:
    campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        pass_score=Decimal("85.00"),
    )
    root = IndicatorNode.objects.create(
        campaign=campaign, code="P1", name="公共环境", level=NodeLevel.PROJECT, max_score=Decimal("10")
    )
    root.path = f"/{root.pk}/"
    root.save(update_fields=["path"])
    leaf = IndicatorNode.objects.create(
        campaign=campaign, parent=root, code="P1.1", name="保洁", level=NodeLevel.CONTENT, max_score=Decimal("10")
    )
    leaf.path = f"{root.path}{leaf.pk}/"
    leaf.save(update_fields=["path"])
    task = task_services.task_create(
        by=world.office,
        campaign=campaign,
        indicator=leaf,
        code="RW-001",
        title="主次干道保洁提升",
        target="机扫率90%以上",
        lead_unit=world.town_a,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    return campaign, task


def make_appraisal(world: World) -> dict[str, int]:
    """This month's draft run with a 扣分 item for town A (the office reads it; the unit admin gets 404s)."""
    scheme = appraisal_services.scheme_create_default(by=world.office)
    today = timezone.localdate()
    run = appraisal_services.month_run_create(scheme=scheme, by=world.office, year=today.year, month=today.month)
    item = appraisal_services.adjustment_add(
        run=run, unit=world.town_a, kind="media", points=Decimal("-1"), reason="媒体曝光", by=world.office
    )
    return {"run_id": run.pk, "unit_id": world.town_a.pk, "scheme_id": scheme.pk, "adjustment_id": item.pk}


@dataclass
class Browser:
    """A logged-in browser's cookies and CSRF header (ninja's django_auth checks CSRF on writes)."""

    cookies: dict[str, str]
    headers: dict[str, str]


def logged_in(person: Any) -> Browser:
    client = Client()
    client.force_login(person)
    token = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return Browser(cookies=cookies, headers={"X-CSRFToken": token})


def real_ids(operation: Any, objects: dict[str, Any]) -> dict[str, Any]:
    """Path parameters naming existing objects (``id`` by the path it sits in)."""
    found = {}
    for parameter in operation.path_parameters:
        name = parameter.name
        if name == "id":
            prefix = next((key for key in objects if key.startswith("/") and key in operation.path), None)
            if prefix:
                found[name] = objects[prefix]
        elif name in objects:
            found[name] = objects[name]
    return found


def fuzz(schema: Any, browser: Browser, objects: dict[str, Any]) -> Sweep:
    sweep = Sweep()
    for result in schema.get_all_operations():
        operation = result.ok()
        sweep.operations += 1
        ids = real_ids(operation, objects)
        runs = [(GenerationMode.POSITIVE, {}, RANDOM_EXAMPLES), (GenerationMode.NEGATIVE, {}, NEGATIVE_EXAMPLES)]
        if ids:
            runs.append((GenerationMode.POSITIVE, ids, REAL_EXAMPLES))
        for mode, path_parameters, examples in runs:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)
            _run(strategy, examples, browser, sweep, mode)
    return sweep


def _run(strategy: Any, examples: int, browser: Browser, sweep: Sweep, mode: GenerationMode) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: a failure is recorded, not minimised
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case: Any) -> None:
        if mode == GenerationMode.NEGATIVE and case.operation.schema.is_security_param_negated(case):
            return  # a missing or forged session cookie: our browser's cookies would replace it
        response = case.call(headers=browser.headers, cookies=browser.cookies)
        sweep.requests += 1
        sweep.statuses[response.status_code] += 1
        if response.status_code < 300:
            sweep.answered.add(case.operation.label)
        label = f"{case.operation.label} [{mode.value}]"
        if mode == GenerationMode.POSITIVE and response.status_code == 422:
            sweep.failures.append(
                f"{label}: schema-valid request refused with 422: {response.text[:300]}\n{case.as_curl_command()[:500]}"
            )
        try:
            case.validate_response(response, checks=CHECKS, headers=browser.headers)
        except FailureGroup as group:
            first = str(group.exceptions[0]).splitlines()[0]
            sweep.failures.append(f"{label} -> {response.status_code}: {first}\n{case.as_curl_command()[:500]}")

    send()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "unit_admin"])
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(world, county, wsgi_app, role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    person = {"office": world.office, "unit_admin": world.admin_a}[role]

    sweep = fuzz(schema, logged_in(person), county)

    if dump := os.environ.get("FUZZ_DUMP"):  # every failure, for a run by hand
        Path(dump).write_text("\n\n".join(sweep.failures), encoding="utf-8")
    print(f"\nfuzz {role}: {sweep.operations} operations, {sweep.requests} requests, {len(sweep.failures)} failures")
    print(f"statuses {sorted(sweep.statuses.items())}; {len(sweep.answered)} operations answered 2xx")
    assert sweep.operations >= 60
    # The session must hold: most operations answer this role with data, not a 401.
    assert len(sweep.answered) >= ANSWERED[role] and 401 not in sweep.statuses
    assert not sweep.failures, "\n\n".join(sweep.failures[:15])
