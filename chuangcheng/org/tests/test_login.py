from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chuangcheng.conftest import PASSWORD
from chuangcheng.org.models import LoginFailure, Person

LOGIN = reverse("org:login")
LOCKED = "登录失败次数过多"
WRONG = "用户名或密码错误"


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, ip: str = "10.1.1.1") -> None:
    for _ in range(times):
        login(client, username, "wrong-password", ip)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=False)
    return time_machine


def test_the_login_page_is_in_chinese(client, world):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert "登录" in response.text


def test_the_right_password_logs_in_and_goes_home(client, world):
    response = login(client, "office", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("home:home")
    assert logged_in(client)


def test_a_wrong_password_shows_a_chinese_error(client, world):
    response = login(client, "office", "not-the-password")

    assert response.status_code == 200
    assert WRONG in response.text
    assert not logged_in(client)


def test_an_unknown_user_gets_the_same_error_as_a_wrong_password(client, world):
    assert WRONG in login(client, "ghost", "whatever").text


def test_an_inactive_user_is_refused_and_told_the_account_is_disabled(client, world):
    Person.objects.filter(pk=world.office.pk).update(is_active=False)

    response = login(client, "office", PASSWORD)

    assert response.status_code == 200
    assert "该账号已停用" in response.text
    assert not logged_in(client)


def test_an_inactive_user_with_a_wrong_password_only_hears_the_password_is_wrong(client, world):
    Person.objects.filter(pk=world.office.pk).update(is_active=False)

    response = login(client, "office", "wrong-password")

    assert WRONG in response.text
    assert "停用" not in response.text


def test_deactivating_a_user_ends_their_open_session(client, world):
    client.force_login(world.office)
    Person.objects.filter(pk=world.office.pk).update(is_active=False)

    response = client.get(reverse("home:home"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_the_lockout_message_tells_the_minutes_really_left(client, world, frozen):
    fail(client, "office", settings.LOGIN_MAX_FAILURES)
    frozen.shift(timedelta(minutes=10))

    response = login(client, "office", PASSWORD)

    left = settings.LOGIN_LOCKOUT_SECONDS // 60 - 10
    assert f"{LOCKED}，请 {left} 分钟后再试" in response.text


def test_behind_the_proxy_each_client_address_is_throttled_on_its_own(client, world, settings):
    settings.BEHIND_PROXY = True
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(
            LOGIN,
            {"username": "office", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.9.9",
        )
    assert LoginFailure.objects.filter(ip="10.9.9.9").count() == settings.LOGIN_MAX_FAILURES

    response = client.post(
        LOGIN,
        {"username": "office", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.9.8",
    )

    assert response.status_code == 302


def test_repeated_failures_lock_the_username_even_for_the_right_password(client, world, frozen):
    fail(client, "office", settings.LOGIN_MAX_FAILURES - 1)
    assert LOCKED not in login(client, "office", "wrong-again").text  # the last allowed try

    response = login(client, "office", PASSWORD)

    assert response.status_code == 200
    assert f"{LOCKED}，请 {settings.LOGIN_LOCKOUT_SECONDS // 60} 分钟后再试" in response.text
    assert not logged_in(client)


def test_a_lock_covers_only_that_username_from_that_address(client, world, frozen):
    fail(client, "office", settings.LOGIN_MAX_FAILURES)

    other_user = Client()
    login(other_user, "supervisor", PASSWORD)
    other_address = Client()
    login(other_address, "office", PASSWORD, ip="10.9.9.9")

    assert logged_in(other_user)
    assert logged_in(other_address)


def test_the_lock_lifts_after_the_lockout_period(client, world, frozen):
    fail(client, "office", settings.LOGIN_MAX_FAILURES)
    assert LOCKED in login(client, "office", PASSWORD).text

    frozen.shift(timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS - 5))
    assert LOCKED in login(client, "office", PASSWORD).text
    frozen.shift(timedelta(seconds=10))
    login(client, "office", PASSWORD)

    assert logged_in(client)


def test_a_successful_login_clears_the_failures(client, world, frozen):
    fail(client, "office", settings.LOGIN_MAX_FAILURES - 1)
    login(client, "office", PASSWORD)
    assert logged_in(client)
    assert not LoginFailure.objects.filter(username="office").exists()
    client.post(reverse("org:logout"))

    fail(client, "office", settings.LOGIN_MAX_FAILURES - 1)
    login(client, "office", PASSWORD)

    assert logged_in(client)


def test_logout_needs_a_post_and_ends_the_session(client, world):
    client.force_login(world.office)

    assert client.get(reverse("org:logout")).status_code == 405
    assert logged_in(client)
    response = client.post(reverse("org:logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert not logged_in(client)


def test_the_session_cookie_is_http_only_and_same_site(client, world):
    login(client, "office", PASSWORD)

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_password_change_needs_login(client, world):
    response = client.get(reverse("org:password_change"))

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_password_change_with_the_right_old_password(client, world):
    client.force_login(world.office)
    new = "Xin#Mima-2026-03"

    page = client.get(reverse("org:password_change"))
    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert page.status_code == 200 and "修改密码" in page.text
    assert response.status_code == 302
    assert response.url == reverse("org:password_change_done")
    assert logged_in(client)  # the session survives its own password change
    assert Person.objects.get(pk=world.office.pk).check_password(new)


def test_password_change_refuses_a_wrong_old_password_in_chinese(client, world):
    client.force_login(world.office)

    response = client.post(
        reverse("org:password_change"),
        {"old_password": "wrong", "new_password1": "Xin#Mima-2026", "new_password2": "Xin#Mima-2026"},
    )

    assert response.status_code == 200
    assert "旧密码" in response.text
    assert Person.objects.get(pk=world.office.pk).check_password(PASSWORD)


def test_password_change_refuses_a_too_simple_password(client, world):
    client.force_login(world.office)

    response = client.post(
        reverse("org:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert Person.objects.get(pk=world.office.pk).check_password(PASSWORD)
