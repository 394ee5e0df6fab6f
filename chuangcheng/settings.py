"""Settings for chuangcheng, read from environment variables.

One file, no per-environment modules: every knob is an environment variable with a
safe development default, and a malformed value stops start-up with a clear message.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_time_ranges(name: str, default: str) -> list[tuple[time, time]]:
    """Parse "08:30-12:00,14:30-18:00": same-day ranges, each non-empty, in order, not overlapping."""
    raw = os.environ.get(name, default)
    ranges: list[tuple[time, time]] = []
    for part in raw.split(","):
        try:
            start_raw, end_raw = part.strip().split("-")
            start = datetime.strptime(start_raw.strip(), "%H:%M").time()
            end = datetime.strptime(end_raw.strip(), "%H:%M").time()
        except ValueError:
            raise ImproperlyConfigured(f"{name} must look like 08:30-12:00,14:30-18:00, got {raw!r}") from None
        if start >= end:
            raise ImproperlyConfigured(f"{name}: range {part.strip()!r} must end after it starts")
        if ranges and start < ranges[-1][1]:
            raise ImproperlyConfigured(f"{name}: range {part.strip()!r} overlaps or precedes the one before it")
        ranges.append((start, end))
    return ranges


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
if not DEBUG and SECRET_KEY.startswith("dev-only") and env_bool("REQUIRE_SECRET_KEY", False):
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = env_str("SITE_NAME", "三城同创工作平台")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    # Ours, bottom to top (docs/architecture.md): each imports only the ones listed before it.
    "chuangcheng.core",
    "chuangcheng.org",
    "chuangcheng.places",
    "chuangcheng.notifications",
    "chuangcheng.cases",
    "chuangcheng.indicators",
    "chuangcheng.inspections",
    "chuangcheng.appraisal",
    "chuangcheng.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After WhiteNoise returned static files: CSP and Cache-Control for everything else.
    "chuangcheng.core.security.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "chuangcheng.urls"
WSGI_APPLICATION = "chuangcheng.wsgi.application"
ASGI_APPLICATION = "chuangcheng.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chuangcheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chuangcheng.core.context_processors.site",
                "chuangcheng.core.context_processors.navigation",
                "chuangcheng.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
                # busy timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests run on a file too, not Django's default shared-cache in-memory database:
            # that one locks whole tables and fails at once instead of waiting, so concurrency
            # tests would test a mode production never runs in. One file per test process
            # (pytest-xdist adds _gw0, _gw1…), so simultaneous runs in one checkout don't collide.
            "TEST": {
                "NAME": env_str(
                    "SQLITE_TEST_PATH", os.path.join(tempfile.gettempdir(), f"chuangcheng-test-{os.getpid()}.sqlite3")
                )
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"
AUTHENTICATION_BACKENDS = ["chuangcheng.org.backends.LoginBackend"]
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "org:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (chuangcheng.org.throttle, enforced by LoginBackend for every way in):
# failures per username+IP inside the window lock that pair out; failures from one IP across
# all usernames (password spraying) lock that IP out. An office behind one NAT address shares
# the per-IP count, hence the higher limit; 0 switches the per-IP lock off.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 30)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
# Intranet deployments are never submitted to the browsers' HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind our own nginx: trust its X-Forwarded-Proto and the address it appends to X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "chuangcheng" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "chuangcheng" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if env_bool("COMPRESS_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# What an upload may cost a web worker once unpacked, checked before anything is parsed (see
# core/uploads.py, core/xlsx.py): a 1 MB .xlsx can unzip to 500 MB, a 200 000-row sheet holds a
# worker for most of a minute. Bigger imports belong in a background job, which may raise these.
UPLOAD_MAX_UNZIPPED_BYTES = env_int("UPLOAD_MAX_UNZIPPED_BYTES", 50 * 1024 * 1024)
UPLOAD_MAX_ZIP_MEMBERS = env_int("UPLOAD_MAX_ZIP_MEMBERS", 2000)
# Sheet XML compresses 5–20×; runs of zeros 1000×. Only members over 1 MB unpacked are compared.
UPLOAD_MAX_ZIP_RATIO = env_int("UPLOAD_MAX_ZIP_RATIO", 100)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 1_000_000)
GEOJSON_MAX_BYTES = env_int("GEOJSON_MAX_BYTES", 20 * 1024 * 1024)
_upload_limits = {
    "UPLOAD_MAX_UNZIPPED_BYTES": UPLOAD_MAX_UNZIPPED_BYTES,
    "UPLOAD_MAX_ZIP_MEMBERS": UPLOAD_MAX_ZIP_MEMBERS,
    "UPLOAD_MAX_ZIP_RATIO": UPLOAD_MAX_ZIP_RATIO,
    "IMPORT_MAX_ROWS": IMPORT_MAX_ROWS,
    "IMPORT_MAX_COLUMNS": IMPORT_MAX_COLUMNS,
    "IMPORT_MAX_CELLS": IMPORT_MAX_CELLS,
    "GEOJSON_MAX_BYTES": GEOJSON_MAX_BYTES,
}
if any(value <= 0 for value in _upload_limits.values()):
    raise ImproperlyConfigured(f"Upload limits must be positive, got {_upload_limits}")
# Photos (report and after-photos, see core/photos.py). The size is checked before anything is
# decoded, the pixel count before the pixels are: a 50 KB PNG can claim 100 000 × 100 000 pixels.
# 60 MP lets through the 50 MP main cameras of current phones (8192 × 6144).
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
if PHOTO_MAX_BYTES <= 0:
    raise ImproperlyConfigured(f"PHOTO_MAX_BYTES must be positive, got {PHOTO_MAX_BYTES}")
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 60_000_000)
if PHOTO_MAX_PIXELS <= 0:
    raise ImproperlyConfigured(f"PHOTO_MAX_PIXELS must be positive, got {PHOTO_MAX_PIXELS}")
# Images among the evidence files: the same pixel limit, checked from the header.
EVIDENCE_MAX_PIXELS = env_int("EVIDENCE_MAX_PIXELS", PHOTO_MAX_PIXELS)
if EVIDENCE_MAX_PIXELS <= 0:
    raise ImproperlyConfigured(f"EVIDENCE_MAX_PIXELS must be positive, got {EVIDENCE_MAX_PIXELS}")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Notifications: every message lands in the in-app inbox; these channels (dotted paths,
# comma-separated) deliver a copy from the background worker. Email, SMS and WeCom live in
# chuangcheng.notifications.channels; SMS and WeCom only log while their webhook URL is empty.
NOTIFICATION_CHANNELS = [
    c.strip()
    for c in env_str("NOTIFICATION_CHANNELS", "chuangcheng.notifications.channels.LogChannel").split(",")
    if c.strip()
]
SMS_WEBHOOK_URL = env_str("SMS_WEBHOOK_URL", "")
WECOM_WEBHOOK_URL = env_str("WECOM_WEBHOOK_URL", "")
NOTIFICATION_WEBHOOK_TIMEOUT = env_float("NOTIFICATION_WEBHOOK_TIMEOUT", 5.0)
if NOTIFICATION_WEBHOOK_TIMEOUT <= 0:
    raise ImproperlyConfigured(f"NOTIFICATION_WEBHOOK_TIMEOUT must be positive, got {NOTIFICATION_WEBHOOK_TIMEOUT}")
for _name, _url in (("SMS_WEBHOOK_URL", SMS_WEBHOOK_URL), ("WECOM_WEBHOOK_URL", WECOM_WEBHOOK_URL)):
    if _url and not _url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{_name} must be an http(s) URL, got {_url!r}")
# The site's public address ("https://cc.example.gov.cn"), to turn in-app links into absolute
# ones in e-mail, SMS and WeCom messages; empty leaves them relative.
SITE_URL = env_str("SITE_URL", "")

# Map base layer, first that applies: the county's own raster MBTiles file (served at /tiles/),
# a tile URL (XYZ/WMTS), else our own road network with its names (places:roads_geojson).
MAP_TILES_FILE = env_str("MAP_TILES_FILE", "")
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
# Values for "{s}" in the tile URL; 天地图 uses t0…t7, i.e. MAP_TILE_SUBDOMAINS=01234567.
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "abc")
# County centre for the default map view and the local metric projection.
MAP_CENTER_LON = env_float("MAP_CENTER_LON", 114.30)
MAP_CENTER_LAT = env_float("MAP_CENTER_LAT", 34.80)
ROUTING_RADIUS_METERS = env_float("ROUTING_RADIUS_METERS", 50.0)
if ROUTING_RADIUS_METERS <= 0:
    raise ImproperlyConfigured(f"ROUTING_RADIUS_METERS must be positive, got {ROUTING_RADIUS_METERS}")
# How often an app process checks whether another process changed the map.
ROUTING_INDEX_CHECK_SECONDS = env_float("ROUTING_INDEX_CHECK_SECONDS", 2.0)
COUNTY_CODE = env_str("COUNTY_CODE", "410221")
if not (len(COUNTY_CODE) == 6 and COUNTY_CODE.isdigit()):
    raise ImproperlyConfigured(f"COUNTY_CODE must be 6 digits, got {COUNTY_CODE!r}")

# Working calendar: the office's working periods of a working day, in TIME_ZONE. Deadlines in
# 工作时/工作日 are counted only inside them (see chuangcheng/core/workcalendar.py).
WORKING_HOURS = env_time_ranges("WORKING_HOURS", "08:30-12:00,14:30-18:00")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Case loop: open cases of the same category this close are offered as duplicates;
# a closed case may be reopened by the office within this many days.
CASE_DUPLICATE_RADIUS_METERS = env_float("CASE_DUPLICATE_RADIUS_METERS", 50.0)
CASE_REOPEN_DAYS = env_int("CASE_REOPEN_DAYS", 30)
if CASE_DUPLICATE_RADIUS_METERS <= 0 or CASE_REOPEN_DAYS < 0:
    raise ImproperlyConfigured("CASE_DUPLICATE_RADIUS_METERS must be positive and CASE_REOPEN_DAYS not negative")

# Benchmark-only endpoints (`make bench`: the bare write floor beside the real intake). Never
# enable in production: they write rows without any of the checks.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# indicators
# Evidence files (佐证材料) of progress reports and 督办单 replies: the size limit of one file;
# the 催办 reminder this many calendar days before a task's deadline; a 督办单's reply deadline
# in working days.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
TASK_REMIND_DAYS = env_int("TASK_REMIND_DAYS", 3)
NOTICE_REPLY_WORKDAYS = env_int("NOTICE_REPLY_WORKDAYS", 3)
if EVIDENCE_MAX_BYTES <= 0 or TASK_REMIND_DAYS < 0 or NOTICE_REPLY_WORKDAYS <= 0:
    raise ImproperlyConfigured(
        "EVIDENCE_MAX_BYTES and NOTICE_REPLY_WORKDAYS must be positive and TASK_REMIND_DAYS not negative"
    )
