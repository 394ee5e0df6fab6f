"""The office reads the audit log at /accounts/audit/, filtered; nobody else may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chuangcheng.core.audit import log_action
from chuangcheng.core.models import AuditEntry

pytestmark = pytest.mark.django_db
URL = "/accounts/audit/"


@pytest.fixture
def entries(world):
    AuditEntry.objects.all().delete()
    log_action(world.town_a, "org.unit.rename", by=world.office, data={"name": ["旧名", "新名"]})
    log_action(world.handler_a, "org.membership.grant", by=world.supervisor, data={"role": "handler"})
    old = log_action(world.town_b, "org.unit.move", by=None)
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))


def rows(client, query: str = "") -> list[str]:
    response = client.get(URL + query)
    assert response.status_code == 200
    return [e.action for e in response.context["page"]]


def test_the_office_reads_every_entry_newest_first(client, world, entries):
    client.force_login(world.office)
    assert rows(client) == ["org.membership.grant", "org.unit.rename", "org.unit.move"]
    assert "旧名 → 新名" in client.get(URL).content.decode()


def test_filters_by_person_action_object_and_time(client, world, entries):
    client.force_login(world.office)
    assert rows(client, f"?person={world.supervisor.pk}") == ["org.membership.grant"]
    assert rows(client, "?action=org.unit") == ["org.unit.rename", "org.unit.move"]
    assert rows(client, f"?type=org.unit&object={world.town_b.pk}") == ["org.unit.move"]
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert rows(client, f"?since={since}") == ["org.membership.grant", "org.unit.rename"]
    assert rows(client, "?until=2000-01-01&since=2026-02-30") == []


@pytest.mark.parametrize("who", ["supervisor", "leader", "admin_a", "handler_a", "volunteer"])
def test_others_are_refused(client, world, entries, who):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 403


def test_the_api_reads_the_same_entries_for_the_office_only(client, world, entries):
    client.force_login(world.office)
    body = client.get(f"/api/org/audit?person={world.office.pk}").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert (item["action"], item["object_type"], item["data"]) == (
        "org.unit.rename",
        "org.unit",
        {"name": ["旧名", "新名"]},
    )
    assert item["by"] == {"id": world.office.pk, "name": str(world.office)}
    client.force_login(world.handler_a)
    assert client.get("/api/org/audit").status_code == 403


def test_the_system_choice_finds_the_entries_written_without_a_person(client, world, entries):
    client.force_login(world.office)
    page = client.get(URL).content.decode()
    assert '<option value="system">系统（无操作人）</option>' in page

    assert rows(client, "?person=system") == ["org.unit.move"]
    body = client.get("/api/org/audit?system=true").json()
    assert [item["action"] for item in body["items"]] == ["org.unit.move"]
    assert body["items"][0]["by"] is None
