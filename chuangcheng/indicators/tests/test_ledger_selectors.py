"""The ledger's indicator filter: one node's tasks and those of every node below it."""

from __future__ import annotations

from chuangcheng.indicators import selectors


def codes(user, **filters) -> list[str]:
    return list(selectors.task_list_for_user(user=user, filters=filters).values_list("code", flat=True))


def test_an_indicator_brings_its_own_and_its_subtree_tasks(world, framework, task_factory):
    clean, order = framework.indicators
    task_factory(code="T-CLEAN", indicator=clean)
    task_factory(code="T-SWEEP", indicator=framework.standards[0])
    task_factory(code="T-SORT", indicator=framework.standards[1])
    task_factory(code="T-STALLS", indicator=framework.standards[2])

    assert sorted(codes(world.office, indicator=clean)) == ["T-CLEAN", "T-SORT", "T-SWEEP"]
    assert sorted(codes(world.office, indicator=order.pk)) == ["T-STALLS"]
    assert len(codes(world.office, indicator=framework.project.pk)) == 4


def test_an_indicator_id_that_names_no_node_matches_nothing(world, framework, task_factory):
    task_factory(code="T-SWEEP", indicator=framework.standards[0])

    assert codes(world.office, indicator=999_999) == []
