"""The demo orchestration: ``demo_county`` builds every app's demo in layer order, and wipes top down."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chuangcheng.cases.models import Case
from chuangcheng.core.models import AuditEntry
from chuangcheng.indicators.models import Campaign
from chuangcheng.indicators.readiness import compute_readiness
from chuangcheng.inspections.choices import InspectionKind
from chuangcheng.inspections.models import Plan, Visit
from chuangcheng.inspections.selectors import plan_prediction
from chuangcheng.org.models import Person, Unit
from chuangcheng.places.models import RoadSegment

pytestmark = pytest.mark.django_db


def test_it_refuses_to_build_over_existing_units(world) -> None:
    with pytest.raises(CommandError, match="--force"):
        call_command("demo_county", seed=7)


def test_force_replaces_the_county_with_every_apps_demo(world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()

    call_command("demo_county", seed=7, force=True, case_days=2, stdout=out)

    assert not Person.objects.filter(pk=world.office.pk).exists()
    assert Unit.objects.count() > 100 and RoadSegment.objects.exists()
    assert Case.objects.exists() and Campaign.objects.exists()
    text = out.getvalue()
    assert "演示县已生成" in text and "演示案卷已生成" in text and "创建项目演示数据已生成" in text
    assert "演示账号" in text and "日巡查已生成" in text
    # The demo 巡查员 has today's round to walk (inspections.demo).
    today = Visit.objects.filter(assignee__username="xuncha", due_on=timezone.localdate())
    assert today.exists() and not today.filter(done_at__isnull=False).exists()
    # Checklist items are linked to the 实地考察 nodes (inspections.demo): readiness has field
    # evidence for several nodes, and the 模拟测评 under way predicts their scores.
    civilised = Campaign.objects.get(code="WMCS")
    readiness = compute_readiness(civilised)
    assert len([n for n in readiness.nodes if n.checks is not None]) >= 10
    mock = Plan.objects.get(kind=InspectionKind.MOCK)
    predicted = [p for p in plan_prediction(mock).nodes if p.predicted is not None]
    assert len(predicted) >= 5
    # People arrive in one bulk write through org.services: one audit entry, not one per person.
    assert AuditEntry.objects.filter(action="org.person.bulk_create").count() == 1


def test_bootstrap_on_a_database_with_units_only_lists_the_logins(world) -> None:
    out = io.StringIO()

    call_command("bootstrap", stdout=out)

    assert "跳过演示县生成" in out.getvalue()
