"""A planned visit's state: the query expression and the Python rule agree, and each state is reached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chuangcheng.inspections.choices import InspectionKind, PlanStatus, VisitState
from chuangcheng.inspections.models import Plan, Visit
from chuangcheng.inspections.selectors import visit_state, visits_with_state
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)


@pytest.fixture
def places(world) -> list[Site]:
    """Four sites to plan visits to."""
    kind = SiteType.objects.get(code="market")
    return [
        site_save(
            site=Site(code=f"P-0{i}", name=f"市场{i}", site_type=kind, unit=world.town_a),
            geometry={"type": "Point", "coordinates": [114.3 + i / 1000, 34.8]},
        )
        for i in range(4)
    ]


def test_each_state_by_its_rule(places):
    plan = Plan.objects.create(
        kind=InspectionKind.CHECK, name="周检查", status=PlanStatus.ACTIVE, starts_on=DAY, due_on=DAY, seed=1
    )
    done = Visit.objects.create(
        kind=InspectionKind.PATROL, site=places[0], starts_on=DAY, due_on=DAY, done_at=timezone.now()
    )
    missed = Visit.objects.create(kind=InspectionKind.PATROL, site=places[1], starts_on=DAY, due_on=DAY)
    overdue = Visit.objects.create(kind=InspectionKind.CHECK, plan=plan, site=places[2], starts_on=DAY, due_on=DAY)
    pending = Visit.objects.create(
        kind=InspectionKind.PATROL, site=places[3], starts_on=DAY, due_on=DAY + dt.timedelta(days=1)
    )
    tomorrow = DAY + dt.timedelta(days=1)
    expected = {
        done.pk: VisitState.DONE,
        missed.pk: VisitState.MISSED,
        overdue.pk: VisitState.OVERDUE,
        pending.pk: VisitState.PENDING,
    }
    annotated = {v.pk: v.state for v in visits_with_state(Visit.objects.all(), tomorrow)}
    assert annotated == expected
    assert {v.pk: visit_state(v, tomorrow) for v in Visit.objects.all()} == expected
    # On its own day nothing undone is late yet.
    assert visit_state(missed, DAY) == VisitState.PENDING
    assert visits_with_state(Visit.objects.filter(pk=overdue.pk), DAY).get().state == VisitState.PENDING
