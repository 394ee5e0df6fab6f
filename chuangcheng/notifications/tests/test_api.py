"""The inbox API: list, unread count, mark read, mark all read — on the caller's own messages only."""

from __future__ import annotations

import pytest

from chuangcheng.notifications.models import Notification

BASE = "/api/notifications"


@pytest.fixture
def inboxes(world):
    mine = [
        Notification.objects.create(recipient=world.admin_a, kind="case.escalated", title=t, url="/cases/7/")
        for t in ("一", "二")
    ]
    theirs = Notification.objects.create(recipient=world.admin_b, kind="case.escalated", title="别人的")
    return mine, theirs


def test_anonymous_is_refused(client, db):
    assert client.get(f"{BASE}/").status_code == 401


def test_the_list_holds_only_the_callers_messages(client, world, inboxes):
    client.force_login(world.admin_a)

    data = client.get(f"{BASE}/").json()

    assert data["count"] == 2
    assert {item["title"] for item in data["items"]} == {"一", "二"}
    assert all(item["unread"] and item["read_at"] is None for item in data["items"])
    assert data["items"][0]["url"] == "/cases/7/"


def test_unread_count(client, world, inboxes):
    client.force_login(world.admin_a)
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 2}


def test_mark_read_ignores_other_peoples_ids(client, world, inboxes):
    mine, theirs = inboxes
    client.force_login(world.admin_a)

    response = client.post(f"{BASE}/read", {"ids": [mine[0].pk, theirs.pk]}, content_type="application/json")

    assert response.json() == {"marked": 1, "unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    listed = client.get(f"{BASE}/", {"unread": "true"}).json()
    assert [item["id"] for item in listed["items"]] == [mine[1].pk]


def test_mark_all_read(client, world, inboxes):
    client.force_login(world.admin_a)

    assert client.post(f"{BASE}/read-all").json() == {"marked": 2, "unread": 0}
    assert client.get(f"{BASE}/unread-count").json() == {"unread": 0}
    assert Notification.objects.filter(recipient=world.admin_b, read_at__isnull=True).count() == 1


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {f"{BASE}/", f"{BASE}/unread-count", f"{BASE}/read", f"{BASE}/read-all"} <= set(paths)
