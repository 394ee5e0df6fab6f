"""One login throttle for every way in: the login page, the admin login, authenticate() itself."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from chuangcheng.conftest import PASSWORD
from chuangcheng.org.models import LoginFailure, Person

LOGIN = reverse("org:login")
ADMIN_LOGIN = reverse("admin:login")
LOCKED = "登录失败次数过多"
IP = "10.1.1.1"


def post_login(client: Client, url: str, username: str, password: str, ip: str = IP, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(url: str, username: str, times: int, ip: str = IP) -> None:
    client = Client()
    for _ in range(times):
        post_login(client, url, username, "wrong-password", ip)


def direct(username: str, password: str, ip: str = IP) -> Person | None:
    request = RequestFactory().post("/any/way/in", REMOTE_ADDR=ip)
    return authenticate(request, username=username, password=password)  # type: ignore[return-value]


@pytest.fixture
def root(world) -> Person:
    return Person.objects.create_superuser(username="root", password=PASSWORD, real_name="系统管理员")


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=False)
    return time_machine


def test_failures_at_the_admin_login_are_counted(client, root, frozen):
    fail(ADMIN_LOGIN, "root", settings.LOGIN_MAX_FAILURES)

    response = post_login(client, LOGIN, "root", PASSWORD)

    assert LoginFailure.objects.filter(username="root").count() == settings.LOGIN_MAX_FAILURES
    assert LOCKED in response.text
    assert not logged_in(client)


def test_a_username_locked_at_the_login_page_is_locked_at_the_admin_login_with_the_same_message(client, root, frozen):
    fail(LOGIN, "root", settings.LOGIN_MAX_FAILURES)

    response = post_login(client, ADMIN_LOGIN, "root", PASSWORD)

    assert response.status_code == 200
    assert f"{LOCKED}，请 {settings.LOGIN_LOCKOUT_SECONDS // 60} 分钟后再试" in response.text
    assert not logged_in(client)


def test_the_admin_login_still_lets_staff_in_when_not_locked(client, root):
    response = post_login(client, ADMIN_LOGIN, "root", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_authenticate_itself_counts_failures_and_refuses_the_right_password_while_locked(world, frozen):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert direct("office", "wrong-password") is None

    assert direct("office", PASSWORD) is None
    assert direct("office", PASSWORD, ip="10.9.9.9") == world.office  # another address is not locked


def test_failures_through_authenticate_lock_the_login_page(client, world, frozen):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        direct("office", "wrong-password")

    assert LOCKED in post_login(client, LOGIN, "office", PASSWORD).text
    assert not logged_in(client)


def test_refused_tries_during_a_lock_do_not_prolong_it(client, world, frozen):
    fail(LOGIN, "office", settings.LOGIN_MAX_FAILURES)
    fail(ADMIN_LOGIN, "office", 3)

    assert LoginFailure.objects.filter(username="office").count() == settings.LOGIN_MAX_FAILURES


def test_an_address_spraying_many_usernames_is_locked_for_every_username(client, world, frozen):
    per_ip = settings.LOGIN_MAX_FAILURES_PER_IP
    for n in range(per_ip):
        fail(LOGIN, f"guess{n}", 1)

    response = post_login(client, LOGIN, "office", PASSWORD)
    elsewhere = Client()
    post_login(elsewhere, LOGIN, "office", PASSWORD, ip="10.9.9.9")

    assert LOCKED in response.text
    assert not logged_in(client)
    assert logged_in(elsewhere)


def test_a_forged_forwarded_for_header_is_ignored_when_not_behind_a_proxy(client, world, frozen, settings):
    settings.BEHIND_PROXY = False
    for n in range(settings.LOGIN_MAX_FAILURES):
        post_login(client, LOGIN, "office", "wrong", HTTP_X_FORWARDED_FOR=f"172.16.0.{n}")

    response = post_login(client, LOGIN, "office", PASSWORD, HTTP_X_FORWARDED_FOR="172.16.1.1")

    assert LOCKED in response.text
    assert not logged_in(client)


@pytest.mark.parametrize("page", ["org:password_change", "admin:password_change"])
def test_wrong_old_passwords_at_a_password_change_are_throttled_too(client, root, frozen, page):
    client.force_login(root)
    url = reverse(page)
    new = "Xin#Mima-2026-03"
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(url, {"old_password": "wrong", "new_password1": new, "new_password2": new}, REMOTE_ADDR=IP)

    response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, REMOTE_ADDR=IP)

    assert response.status_code == 200
    assert LOCKED in response.text
    assert Person.objects.get(pk=root.pk).check_password(PASSWORD)


def test_the_admin_password_change_still_changes_the_password(client, root):
    client.force_login(root)
    new = "Xin#Mima-2026-03"

    response = client.post(
        reverse("admin:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:password_change_done")
    assert Person.objects.get(pk=root.pk).check_password(new)
