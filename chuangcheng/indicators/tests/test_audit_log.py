"""Campaign settings and ledger imports each leave one audit entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chuangcheng.core.models import AuditEntry
from chuangcheng.indicators import services
from chuangcheng.indicators.choices import MilestoneKind
from chuangcheng.indicators.exports import tasks_template
from chuangcheng.indicators.views_io import run_import

from .conftest import upload

pytestmark = pytest.mark.django_db


def test_a_campaign_change_is_logged_with_its_milestones(world, campaign):
    AuditEntry.objects.all().delete()
    campaign.pass_score = Decimal("900")
    milestone = services.MilestoneIn(kind=MilestoneKind.values[0], name="自查", date=dt.date(2027, 3, 1))
    services.campaign_save(campaign=campaign, by=world.office, milestones=[milestone])
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.by, entry.object_id) == ("indicators.campaign.change", world.office, str(campaign.pk))
    assert entry.data["pass_score"][1] == "900"
    assert entry.data["milestones"][1] == [f"{MilestoneKind.values[0]} 自查 2027-03-01"]


def test_a_tasks_import_is_logged_with_the_file(world, campaign):
    AuditEntry.objects.all().delete()
    body = tasks_template()
    result = run_import("tasks", campaign=campaign, upload=upload("任务.xlsx", body), by=world.office, partial=False)
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.by, entry.object_repr) == ("indicators.import.tasks", world.office, str(campaign))
    assert entry.data["file"] == "任务.xlsx" and entry.data["size"] == len(body)
    assert entry.data["errors"] == len(result.errors) and entry.data["created"] == result.created
