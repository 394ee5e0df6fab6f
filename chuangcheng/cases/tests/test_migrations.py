"""Data migrations of the case loop, run forward on rows made through the services."""

from __future__ import annotations

import importlib

from django.apps import apps

from chuangcheng.cases.models import Case

from .conftest import at

clock_migration = importlib.import_module("chuangcheng.cases.migrations.0004_case_clock_snapshot_reporter_key")
CLOCK = ("time_limit", "time_unit", "yellow_at")


def test_the_clock_snapshot_is_filled_in_for_cases_whose_clock_runs_or_is_paused(make, world):
    running, suspended, closed = make.dispatched(), make.suspended(), make.closed()
    expected = {case.pk: tuple(Case.objects.values_list(*CLOCK).get(pk=case.pk)) for case in (running, suspended)}
    Case.objects.update(time_limit=None, time_unit="", yellow_at=None)  # as 0003 left them

    clock_migration.fill_clocks(apps, None)

    filled = {pk: tuple(rest) for pk, *rest in Case.objects.values_list("pk", *CLOCK)}
    assert {pk: filled[pk] for pk in expected} == expected
    assert expected[running.pk][2] == at(2026, 11, 24, 10, 36)
    assert filled[closed.pk] == (None, "", None)  # a finished case needs no light
