"""Shared fixtures: a small county with one persona per role (healthchecks-style)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pytest_django.fixtures import Settings

from chuangcheng.core import workcalendar
from chuangcheng.core.photos import ProcessedPhoto, process_photo
from chuangcheng.org.choices import Role, UnitGroup, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import membership_grant, person_create, unit_create
from chuangcheng.places import routing
from chuangcheng.places.services import seed_reference_lists

PASSWORD = "Chuangcheng#2026"


@dataclass
class World:
    county: Unit
    office_unit: Unit
    supervision_unit: Unit
    housing: Unit
    town_a: Unit
    community_a1: Unit
    town_b: Unit
    office: Person
    supervisor: Person
    leader: Person
    admin_a: Person
    admin_b: Person
    handler_a: Person
    chief_a: Person
    chief_b: Person
    inspector: Person
    volunteer: Person


@pytest.fixture(autouse=True)
def fast_passwords(settings: Settings) -> None:
    """The world fixture hashes ten passwords; PBKDF2 would make that seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_routing_index() -> Iterator[None]:
    """Rolled-back tests reuse ids, so no test may see an index built from another's map."""
    routing.holder.mark_stale()
    yield
    routing.holder.mark_stale()


@pytest.fixture(autouse=True)
def fresh_working_calendar() -> Iterator[None]:
    """A rolled-back HolidayOverride fires no signal, so the calendar's cache must not outlive a test."""
    workcalendar.invalidate_cache()
    yield
    workcalendar.invalidate_cache()


def _person(username: str, name: str, unit: Unit, role: str) -> Person:
    person = person_create(username=username, real_name=name, unit=unit, password=PASSWORD)
    membership_grant(person=person, unit=unit, role=role)
    return person


@pytest.fixture
def world(db: None) -> World:
    seed_reference_lists()
    dept, town, community = UnitKind.DEPARTMENT, UnitKind.TOWN, UnitKind.COMMUNITY
    county = unit_create(name="示范县委县政府", code="410221000", kind=dept, group=UnitGroup.OTHER)
    office_unit = unit_create(name="县创建办", code="D01", kind=dept, group=UnitGroup.DEPARTMENT, parent=county)
    supervision_unit = unit_create(
        name="县政府督查室", code="D02", kind=dept, group=UnitGroup.DEPARTMENT, parent=county
    )
    housing = unit_create(name="县住建局", code="D03", kind=dept, group=UnitGroup.DEPARTMENT, parent=county)
    town_a = unit_create(name="城关街道", code="T01", kind=town, group=UnitGroup.TOWN, parent=county)
    community_a1 = unit_create(name="东关社区", code="T01C01", kind=community, group=UnitGroup.COMMUNITY, parent=town_a)
    town_b = unit_create(name="城南街道", code="T02", kind=town, group=UnitGroup.TOWN, parent=county)
    return World(
        county=county,
        office_unit=office_unit,
        supervision_unit=supervision_unit,
        housing=housing,
        town_a=town_a,
        community_a1=community_a1,
        town_b=town_b,
        office=_person("office", "王创建", office_unit, Role.OFFICE),
        supervisor=_person("supervisor", "李督查", supervision_unit, Role.SUPERVISOR),
        leader=_person("leader", "赵县长", county, Role.LEADER),
        admin_a=_person("admin_a", "陈联络", town_a, Role.UNIT_ADMIN),
        admin_b=_person("admin_b", "刘联络", town_b, Role.UNIT_ADMIN),
        handler_a=_person("handler_a", "周处置", community_a1, Role.HANDLER),
        chief_a=_person("chief_a", "孙路长", town_a, Role.ROAD_CHIEF),
        chief_b=_person("chief_b", "吴路长", town_b, Role.ROAD_CHIEF),
        inspector=_person("inspector", "郑巡查", supervision_unit, Role.INSPECTOR),
        volunteer=_person("volunteer", "冯大爷", community_a1, Role.VOLUNTEER),
    )


# A day late in 2026, when chinese-calendar does not know 2027 yet (the calendar says it is provisional).
LATE_2026 = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PROVISIONAL_2027 = "2027 年节假日按暂定安排计算"


@pytest.fixture
def late_2026() -> Iterator[None]:
    with time_machine.travel(LATE_2026, tick=False):
        yield


def jpeg_bytes(colour: str = "red", exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG", **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def photo(colour: str = "red", exif: Image.Exif | None = None) -> ProcessedPhoto:
    """A phone photo as the views hand it to the services: checked and re-encoded."""
    return process_photo(SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(colour, exif), content_type="image/jpeg"))
