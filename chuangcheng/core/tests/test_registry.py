"""The registry the apps fill in their ready(): nav entries by order and visibility, panels, tick jobs."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from chuangcheng.core import registry
from chuangcheng.core.context_processors import navigation
from chuangcheng.core.registry import HomePanel, NavEntry, TickJob


@pytest.fixture
def empty_registry(monkeypatch):
    """Each test fills its own registry; the apps' real entries come back afterwards."""
    for name in ("_nav", "_panels", "_jobs"):
        monkeypatch.setattr(registry, name, {})


def staff(user) -> bool:
    return user.is_staff


def test_nav_entries_come_in_order_and_only_to_whom_they_are_visible(empty_registry):
    registry.register_nav(
        NavEntry("b", "乙", "b:list", order=20, visible=staff),
        NavEntry("a", "甲", "a:list", order=10),
        NavEntry("c", "丙", "c:list", order=30),
    )
    someone, boss = SimpleNamespace(is_staff=False), SimpleNamespace(is_staff=True)

    assert [e.key for e in registry.nav_for(someone)] == ["a", "c"]
    assert [e.key for e in registry.nav_for(boss)] == ["a", "b", "c"]


def test_registering_a_key_again_replaces_the_entry(empty_registry):
    registry.register_nav(NavEntry("a", "甲", "a:list", order=10))
    registry.register_nav(NavEntry("a", "甲乙", "a:list", order=10))

    assert [e.label for e in registry.nav_entries()] == ["甲乙"]


def test_an_entry_is_identified_by_its_key_unless_it_names_an_element_id():
    assert NavEntry("inbox", "消息", "x:y", order=1).dom_id == "nav-inbox"
    assert NavEntry("tasks", "任务", "x:y", order=1, element_id="nav-indicators").dom_id == "nav-indicators"


def test_home_panels_are_filtered_and_ordered(empty_registry):
    registry.register_home_panel(
        HomePanel("late", "x/_late.html", order=20),
        HomePanel("boss", "x/_boss.html", order=5, visible=staff),
    )

    assert [p.key for p in registry.home_panels_for(SimpleNamespace(is_staff=False))] == ["late"]
    assert [p.key for p in registry.home_panels_for(SimpleNamespace(is_staff=True))] == ["boss", "late"]


def test_tick_runs_the_registered_jobs_in_their_order(empty_registry):
    ran: list[str] = []

    def job(name: str, done: int):
        def run(now: dt.datetime) -> int:
            ran.append(name)
            return done

        return run

    registry.register_tick_job(TickJob("第二", job("second", 0), order=2), TickJob("第一", job("first", 3), order=1))
    out = StringIO()

    call_command("tick", stdout=out)

    assert ran == ["first", "second"]
    assert "第一：3" in out.getvalue() and "第二" not in out.getvalue()


def test_the_navigation_is_worked_out_only_for_a_signed_in_user(empty_registry):
    registry.register_nav(NavEntry("a", "甲", "a:list", order=10))
    request = RequestFactory().get("/")
    request.user = SimpleNamespace(is_authenticated=False)
    assert navigation(request) == {}

    request.user = SimpleNamespace(is_authenticated=True)
    assert [e.key for e in navigation(request)["nav_entries"]] == ["a"]
