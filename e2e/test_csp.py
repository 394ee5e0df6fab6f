"""The admin and the API docs work under the Content-Security-Policy (every e2e test checks it)."""

from __future__ import annotations

import logging

import pytest
from django.contrib import admin
from playwright.sync_api import Page, expect

from chuangcheng.conftest import World

from .helpers import assert_page_healthy, login


def test_the_admin_works_under_the_policy(desktop: Page, world: World) -> None:
    world.office.is_staff = world.office.is_superuser = True
    world.office.save(update_fields=["is_staff", "is_superuser"])
    login(desktop, world.office.username)
    models = [m._meta for m in admin.site._registry]
    paths = ["/admin/"] + [f"/admin/{m.app_label}/{m.model_name}/" for m in models]
    paths += [f"/admin/{m.app_label}/{m.model_name}/add/" for m in models if m.model_name in {"person", "unit"}]

    for path in paths:
        response = desktop.goto(path)
        assert response is not None and response.status == 200, path
        expect(desktop.locator("#content")).to_be_visible()
    # The admin's own scripts run: the changelist's select-all box ticks every row's box.
    desktop.goto("/admin/org/unit/")
    desktop.locator("#action-toggle").check()
    expect(desktop.locator("input.action-select").first).to_be_checked()
    assert_page_healthy(desktop)


def test_a_violation_reaches_the_report_view(desktop: Page, world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="chuangcheng.csp")
    login(desktop, world.office.username)
    desktop.goto("/")

    # What a stored name would do if a page ever put it in as HTML: the policy refuses the handler.
    desktop.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>')")

    expect(desktop.locator("img[src=x]")).to_have_count(1)
    for _ in range(50):
        if logged := [r.getMessage() for r in caplog.records if r.name == "chuangcheng.csp"]:
            break
        desktop.wait_for_timeout(100)
    assert logged and "script-src-attr" in logged[0] and "'blocked-uri': 'inline'" in logged[0]
    assert desktop.csp_violations == [f"script-src-attr refused inline on {desktop.url}"]  # type: ignore[attr-defined]
    desktop.csp_violations.clear()  # type: ignore[attr-defined]  (expected here; the fixture checks the rest)
