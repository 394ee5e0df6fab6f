"""Settings fail loudly on a malformed value, and SQLite really runs in WAL + IMMEDIATE mode."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction

from chuangcheng import settings as project_settings
from chuangcheng.settings import env_bool, env_float, env_int

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("raw", ["five", "5.0", "", " "])
def test_env_int_refuses_a_malformed_value(monkeypatch, raw):
    monkeypatch.setenv("LOGIN_MAX_FAILURES", raw)

    with pytest.raises(ImproperlyConfigured, match="LOGIN_MAX_FAILURES must be an integer"):
        env_int("LOGIN_MAX_FAILURES", 5)


@pytest.mark.parametrize("raw", ["maybe", "2", "ja"])
def test_env_bool_refuses_a_malformed_value(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)

    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG", False)


def test_env_float_refuses_a_malformed_value(monkeypatch):
    monkeypatch.setenv("ROUTING_RADIUS_METERS", "fifty")

    with pytest.raises(ImproperlyConfigured, match="ROUTING_RADIUS_METERS"):
        env_float("ROUTING_RADIUS_METERS", 50.0)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), (" on ", True), ("false", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)

    assert env_bool("DEBUG", not expected) is expected


def test_unset_variables_take_their_defaults(monkeypatch):
    monkeypatch.delenv("LOGIN_MAX_FAILURES", raising=False)

    assert env_int("LOGIN_MAX_FAILURES", 5) == 5
    assert env_float("NOT_SET_ANYWHERE", 2.5) == 2.5


def start_up(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as `manage.py` or gunicorn would."""
    return subprocess.run(
        [sys.executable, "-c", "import chuangcheng.settings"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOGIN_MAX_FAILURES", "many"),
        ("SECURE_COOKIES", "sometimes"),
        ("COUNTY_CODE", "4102"),
        ("DATABASE_URL", "nope"),
    ],
)
def test_start_up_stops_with_a_clear_message_on_a_bad_value(name, value):
    result = start_up(**{name: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_start_up_with_the_defaults_works():
    assert start_up().returncode == 0


def test_sqlite_is_configured_for_wal_and_immediate_transactions():
    options = project_settings.DATABASES["default"].get("OPTIONS", {})
    if project_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("running against PostgreSQL")

    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


@pytest.fixture
def file_db(tmp_path, django_db_blocker):
    """A second database alias on a real SQLite file, with the project's options."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = tmp_path / "wal.sqlite3"
    connections.settings["wal_test"] = {
        **connection.settings_dict,
        "NAME": str(path),
        "OPTIONS": project_settings.DATABASES["default"]["OPTIONS"],
    }
    with django_db_blocker.unblock():
        yield path
        connections["wal_test"].close()
    del connections.settings["wal_test"]
    del connections["wal_test"]


def test_a_file_database_runs_in_wal_mode(file_db):
    with connections["wal_test"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_a_transaction_takes_the_write_lock_at_begin(file_db):
    other = sqlite3.connect(file_db, timeout=0, isolation_level=None)
    try:
        with transaction.atomic(using="wal_test"):
            connections["wal_test"].cursor().execute("SELECT 1")
            # Nothing written yet: only BEGIN IMMEDIATE would already hold the write lock.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ends
        other.execute("ROLLBACK")
    finally:
        other.close()
