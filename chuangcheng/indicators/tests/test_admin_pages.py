"""The admin's pages of the ledger open (they are read-only history, but must still render)."""

from __future__ import annotations

from django.urls import reverse

from chuangcheng.indicators import services
from chuangcheng.org.models import Person

from .conftest import pdf_evidence


def test_a_progress_report_with_evidence_opens_in_the_admin(client, world, task_factory):
    task = task_factory()
    report, _ = services.report_progress(
        task=task, by=world.admin_a, percent=30, narrative="已完成三成", files=[pdf_evidence()]
    )
    root = Person.objects.create_superuser(username="root", password="x", real_name="系统管理员")
    client.force_login(root)

    response = client.get(reverse("admin:indicators_progressreport_change", args=[report.pk]))

    assert response.status_code == 200
    assert "方案.pdf" in response.text
