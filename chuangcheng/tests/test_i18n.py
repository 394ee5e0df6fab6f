"""The English locale keeps working: pages, choice labels, the language switch and the catalogue itself."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chuangcheng.org.choices import Role, UnitKind
from chuangcheng.places.choices import PledgeStatus, RoadClass

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "chuangcheng" / "locale" / "en" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"
LOGIN = reverse("org:login")
HOME = reverse("home:home")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (no header, no obsolete `#~` ones)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if fields.get("msgid"):
                strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
                entries.append(Entry(fields["msgid"], fields.get("msgid_plural"), strs, flags, fields.get("msgctxt")))
            fields, flags, key = {}, set(), ""
        elif line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            fields[key] = ast.literal_eval(value)
    return entries


@pytest.fixture(autouse=True)
def restore_language():
    """LocaleMiddleware leaves the request's language active in the thread; don't leak English."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


# --- pages ---------------------------------------------------------------------------------


def test_the_login_page_is_in_english_when_the_browser_asks_for_english(client: Client) -> None:
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Username" in page and "Password" in page
    assert "登录" not in page and "用户名" not in page


def test_the_login_page_is_in_chinese_by_default_and_for_a_chinese_browser(client: Client) -> None:
    for headers in ({}, {"Accept-Language": "zh-CN,zh;q=0.9"}):
        page = client.get(LOGIN, headers=headers).content.decode()

        assert '<html lang="zh-hans">' in page
        assert "登录" in page and "用户名" in page
        assert "Log in" not in page


@pytest.mark.django_db
def test_a_failed_login_is_explained_in_english(client: Client) -> None:
    page = client.post(LOGIN, {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Incorrect username or password." in page


def test_the_home_page_is_in_english_for_an_english_road_chief(client: Client, world) -> None:
    client.force_login(world.chief_a)

    page = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Hello, 孙路长" in page
    assert "My area" in page
    assert "Road/section chief" in page
    assert "Log out" in page and "Change password" in page
    assert "我的责任区" not in page and "退出" not in page


def test_the_home_page_is_in_chinese_for_a_chinese_road_chief(client: Client, world) -> None:
    client.force_login(world.chief_a)

    page = client.get(HOME, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "你好，孙路长" in page
    assert "我的责任区" in page and "路长/段长" in page
    assert "My area" not in page


# --- the language switch ---------------------------------------------------------------------


def test_every_page_offers_a_language_switch_with_both_languages(client: Client) -> None:
    page = client.get(LOGIN).content.decode()

    assert f'action="{reverse("set_language")}"' in page
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
    assert f'name="next" value="{LOGIN}"' in page


def test_choosing_english_sticks_until_chinese_is_chosen_again(client: Client, world) -> None:
    client.force_login(world.chief_a)

    switched = client.post(reverse("set_language"), {"language": "en", "next": HOME})

    assert switched.status_code == 302 and switched["Location"] == HOME
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(HOME).content.decode()
    assert "My area" in page
    assert '<option value="en" lang="en" selected>English</option>' in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": HOME})

    assert "我的责任区" in client.get(HOME).content.decode()


def test_the_language_switch_refuses_to_redirect_off_site(client: Client) -> None:
    switched = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})

    assert switched.status_code == 302
    assert not switched["Location"].startswith("https://evil.example")


# --- labels in Python ------------------------------------------------------------------------


def test_choice_labels_are_english_under_an_english_override() -> None:
    with translation.override("en"):
        assert Role.OFFICE.label == "Campaign office"
        assert Role.SUPERVISOR.label == "Supervision office"
        assert Role.ROAD_CHIEF.label == "Road/section chief"
        assert dict(Role.choices)[Role.LEADER] == "Leader"
        assert UnitKind.TOWN.label == "Town/subdistrict"
        assert RoadClass.BACK_STREET.label == "Back street"
        assert PledgeStatus.SIGNED.label == "Signed"
    with translation.override("zh-hans"):
        assert Role.OFFICE.label == "创建办"


# --- the catalogue ---------------------------------------------------------------------------


def test_every_message_in_the_english_catalogue_has_a_translation() -> None:
    entries = read_po(PO)
    untranslated = [e.msgid for e in entries if not e.msgstrs or not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert len(entries) > 200
    assert not untranslated, f"untranslated in {PO.name}: {untranslated}"
    assert not fuzzy, f"fuzzy (not compiled) in {PO.name}: {fuzzy}"


def test_every_translation_keeps_the_placeholders_of_its_source() -> None:
    wrong = []
    for entry in read_po(PO):
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for msgstr in entry.msgstrs:
            if set(PLACEHOLDER.findall(msgstr)) != wanted:
                wrong.append((entry.msgid, msgstr))

    assert not wrong


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    """The .mo is committed for machines without gettext; it must not lag behind the .po."""
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)

    stale = []
    for entry in read_po(PO):
        if entry.msgctxt is not None:
            got = [compiled.pgettext(entry.msgctxt, entry.msgid)]
        elif entry.msgid_plural is None:
            got = [compiled.gettext(entry.msgid)]
        else:
            got = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
        if got != entry.msgstrs:
            stale.append(entry.msgid)

    assert not stale, "run: manage.py compilemessages --ignore=.venv"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs the gettext tools")
def test_every_string_marked_for_translation_in_the_source_is_in_the_catalogue(tmp_path: Path) -> None:
    """Runs makemessages on a copy of the sources, so the real catalogue is left alone."""
    shutil.copy(ROOT / "manage.py", tmp_path)
    shutil.copytree(
        ROOT / "chuangcheng",
        tmp_path / "chuangcheng",
        ignore=shutil.ignore_patterns("static", "locale", "__pycache__", "*.pyc"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    known = {(e.msgctxt, e.msgid) for e in read_po(PO)}
    fresh = read_po(tmp_path / "chuangcheng" / "locale" / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)

    assert not missing, (
        "new strings: run `manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var`, "
        f"translate them, then compilemessages: {missing}"
    )
