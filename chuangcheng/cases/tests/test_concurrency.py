"""Concurrency: two dispatchers at once, twenty retried intakes at once.

The threaded tests run for real on both databases: each thread has its own connection to
the test database, which is a file for SQLite (WAL, BEGIN IMMEDIATE, busy timeout — the
production mode; see the TEST NAME in settings) and the PostgreSQL test database when
DATABASE_URL points there. The stale-page tests pin down the same guarantee without threads:
a transition applies only to the version of the case it was read at.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from chuangcheng.cases import services
from chuangcheng.cases.choices import Action, Source, Status
from chuangcheng.cases.models import Case, CaseEvent
from chuangcheng.core.errors import DomainError

from .conftest import SPOT, photo, snapshot

threaded = pytest.mark.django_db(transaction=True)
TAKEN = "刚刚已被他人处理"


def at_once(count: int, work: Callable[[int], Any]) -> list[tuple[str, Any]]:
    """Run ``work(i)`` in ``count`` threads released together; each uses its own connection."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads need a file database: shared-cache in-memory SQLite fails instead of waiting")
    barrier = threading.Barrier(count)
    results: list[tuple[str, Any]] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(("ok", work(i)))
        except DomainError as exc:
            results.append(("refused", exc.message))
        except Exception as exc:  # any other failure is reported to the test, which fails on it
            results.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == count, "a thread did not finish"
    return results


# ---- real concurrency -------------------------------------------------------------------------


def intake(by, category, key: str) -> tuple[int, bool]:
    case, created = services.case_report(
        by=by,
        source=Source.PATROL,
        category=category,
        description="路边有一堆暴露垃圾",
        lon=SPOT[0],
        lat=SPOT[1],
        idempotency_key=key,
    )
    return case.pk, created


@threaded
def test_twenty_simultaneous_intakes_with_one_key_make_one_case(world, garbage, grid):
    results = at_once(20, lambda i: intake(world.inspector, garbage, "a-phone-on-a-bad-network"))

    assert [kind for kind, _ in results] == ["ok"] * 20, results
    assert len({pk for _, (pk, _) in results}) == 1
    assert sum(created for _, (_, created) in results) == 1
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


@threaded
def test_simultaneous_intakes_with_one_key_make_one_case_per_reporter(world, garbage, grid):
    """The key is scoped to its reporter; anonymous reports (no reporter) share one scope."""
    reporters = [world.inspector, world.volunteer, None]

    results = at_once(21, lambda i: intake(reporters[i % 3], garbage, "same-key"))

    assert [kind for kind, _ in results] == ["ok"] * 21, results
    assert sum(created for _, (_, created) in results) == 3
    assert len({pk for _, (pk, _) in results}) == 3
    reporters_of_cases = Case.objects.values_list("reporter", flat=True)
    assert sorted(reporters_of_cases, key=str) == sorted([world.inspector.pk, world.volunteer.pk, None], key=str)


@threaded
def test_two_dispatchers_at_once_exactly_one_succeeds_and_the_other_is_told(make, world):
    case = make.accepted()
    units = [world.town_a, world.town_b]
    pages = [Case.objects.get(pk=case.pk) for _ in units]  # both loaded the intake page first

    def dispatch(i: int) -> str:
        services.case_dispatch(case=pages[i], by=world.office, unit=units[i])
        return units[i].name

    results = at_once(2, dispatch)

    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    winner = next(value for kind, value in results if kind == "ok")
    message = next(value for kind, value in results if kind == "refused")
    assert TAKEN in message and "已派遣" in message
    case.refresh_from_db()
    assert (case.status, case.unit.name, case.version) == (Status.DISPATCHED, winner, 2)
    assert case.events.filter(action=Action.DISPATCH).count() == 1


@threaded
def test_a_unit_handling_while_the_office_suspends_leaves_one_of_them(make, world):
    case = make.dispatched()
    unit_page, office_page = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    after = photo("green")
    calls = [
        lambda: services.case_handle(case=unit_page, by=world.admin_a, note="已清运", photos=[after]),
        lambda: services.case_suspend(case=office_page, by=world.office, project="人民路改造", reason="需立项"),
    ]

    results = at_once(2, lambda i: calls[i]())

    assert sorted(kind for kind, _ in results) == ["ok", "refused"], results
    case.refresh_from_db()
    assert case.status in {Status.HANDLED, Status.SUSPENDED}
    assert case.events.filter(action__in=[Action.HANDLE, Action.SUSPEND]).count() == 1


# ---- the same guarantee, deterministically: a stale page ----------------------------------------------


@pytest.mark.django_db
def test_a_dispatcher_on_a_stale_page_gets_a_clear_message(make, world):
    case = make.accepted()
    mine, theirs = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.case_dispatch(case=theirs, by=world.office, unit=world.town_b)
    before = snapshot(case)

    with pytest.raises(DomainError, match=r"刚刚已被他人处理（当前状态：已派遣），请刷新后再试") as refused:
        services.case_dispatch(case=mine, by=world.office, unit=world.town_a)

    assert refused.value.code == "conflict"
    assert snapshot(case) == before
    assert Case.objects.get(pk=case.pk).unit == world.town_b


@pytest.mark.django_db
def test_a_stale_page_is_refused_even_when_the_case_came_back_to_the_same_state(make, world):
    """Returned and re-dispatched meanwhile: same status, but not the dispatch the page showed."""
    case = make.dispatched()
    stale = Case.objects.get(pk=case.pk)
    services.case_return(case=case, by=world.admin_a, reason="不属于本街道")
    services.case_dispatch(case=case, by=world.office, unit=world.town_a)
    before = snapshot(case)

    with pytest.raises(DomainError, match=TAKEN):
        services.case_handle(case=stale, by=world.admin_a, note="已清运", photos=[photo()])

    assert snapshot(case) == before
    assert not case.photos.filter(kind="after").exists()


@pytest.mark.django_db
def test_a_second_verifier_on_a_stale_page_is_refused(make, world):
    case = make.handled()
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    services.case_verify(case=first, by=world.supervisor, passed=True)

    with pytest.raises(DomainError, match=TAKEN):
        services.case_verify(case=second, by=world.office, passed=False, note="仍有残留")

    case.refresh_from_db()
    assert (case.status, case.rework_count) == (Status.CLOSED, 0)
