"""The inbox pages and the nav badge: each person sees only their own messages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chuangcheng.notifications.models import Notification

INBOX = reverse("notifications:inbox")
READ_ALL = reverse("notifications:read_all")


def message(person, title, *, url="/cases/7/", read=False, age=0):
    return Notification.objects.create(
        recipient=person,
        kind="case.escalated",
        title=title,
        url=url,
        created_at=timezone.now() - timedelta(minutes=age),
        read_at=timezone.now() if read else None,
    )


def titles(response) -> list[str]:
    return [n.title for n in response.context["page"]]


def badge(page: str) -> str:
    found = re.search(r'<span id="nav-unread"[^>]*>([^<]*)</span>', page)
    assert found, "no unread badge in the nav"
    return found.group(1)


@pytest.mark.parametrize("url", [INBOX, reverse("notifications:open", args=[1])])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("org:login"))


def test_the_inbox_lists_the_users_titles_unread_first(client, world):
    message(world.admin_a, "旧的未读", age=30)
    message(world.admin_a, "新的已读", read=True, age=1)
    message(world.admin_a, "新的未读", age=5)
    message(world.admin_b, "别人的消息")
    client.force_login(world.admin_a)

    response = client.get(INBOX)

    assert response.status_code == 200
    assert titles(response) == ["新的未读", "旧的未读", "新的已读"]
    page = response.content.decode()
    assert "别人的消息" not in page
    assert page.count('class="card unread"') == 2
    assert "全部标为已读" in page


def test_the_nav_shows_the_unread_count_on_every_page(client, world):
    for n in range(3):
        message(world.admin_a, f"消息{n}")
    message(world.admin_a, "已读", read=True)
    message(world.admin_b, "别人的")
    client.force_login(world.admin_a)

    page = client.get(reverse("home:home")).content.decode()

    assert f'href="{INBOX}" id="nav-inbox"' in page
    assert badge(page) == "3"


def test_the_nav_badge_is_hidden_when_all_is_read(client, world):
    message(world.admin_a, "已读", read=True)
    client.force_login(world.admin_a)

    page = client.get(INBOX).content.decode()

    assert re.search(r'<span id="nav-unread"[^>]* hidden>', page)
    assert "全部标为已读" not in page


def test_the_unread_filter(client, world):
    message(world.admin_a, "未读")
    message(world.admin_a, "已读", read=True)
    client.force_login(world.admin_a)

    assert titles(client.get(INBOX, {"unread": "1"})) == ["未读"]


def test_opening_a_message_marks_it_read_and_follows_its_link(client, world):
    mine = message(world.admin_a, "去看看", url="/cases/7/")
    client.force_login(world.admin_a)

    response = client.get(reverse("notifications:open", args=[mine.pk]))

    assert response.status_code == 302 and response.url == "/cases/7/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_message_without_a_local_link_opens_the_inbox(client, world):
    offsite = message(world.admin_a, "外链", url="https://evil.example/")
    client.force_login(world.admin_a)

    response = client.get(reverse("notifications:open", args=[offsite.pk]))

    assert response.url == INBOX


def test_another_persons_message_is_a_404_and_stays_unread(client, world):
    theirs = message(world.admin_b, "别人的")
    client.force_login(world.admin_a)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_leaves_others_alone(client, world):
    message(world.admin_a, "一")
    message(world.admin_a, "二")
    theirs = message(world.admin_b, "别人的")
    client.force_login(world.admin_a)

    response = client.post(READ_ALL)

    assert response.status_code == 302 and response.url == INBOX
    assert not Notification.objects.filter(recipient=world.admin_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_needs_post(client, world):
    client.force_login(world.admin_a)
    assert client.get(READ_ALL).status_code == 405


def test_htmx_mark_all_read_returns_the_list_and_zeroes_the_badges(client, world):
    message(world.admin_a, "一")
    client.force_login(world.admin_a)

    response = client.post(READ_ALL, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="inbox">')
    assert "<html" not in body
    assert 'class="card unread"' not in body
    assert re.search(r'<span id="nav-unread"[^>]*hx-swap-oob="true" hidden>', body)
    assert re.search(r'<span id="nav-toggle-unread"[^>]*hx-swap-oob="true" hidden>', body)


def test_htmx_filter_returns_only_the_list(client, world):
    message(world.admin_a, "未读")
    client.force_login(world.admin_a)

    response = client.get(INBOX, {"unread": "1"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="inbox">')
    assert "未读" in body and "<h1>" not in body


def test_the_inbox_is_paginated(client, world, monkeypatch):
    from chuangcheng.notifications import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for n in range(5):
        message(world.admin_a, f"消息{n}", age=n)
    client.force_login(world.admin_a)

    response = client.get(INBOX, {"page": "3"})

    assert titles(response) == ["消息4"]
    assert 'rel="prev"' in response.content.decode()
