"""Builders shared by the API and escalation tests: a category, a photo, a case at each stage."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chuangcheng.cases import services
from chuangcheng.cases.choices import CategoryKind, Source, TimeUnit
from chuangcheng.cases.models import Case, Category
from chuangcheng.org.models import Person, Unit

LON, LAT = 114.305, 34.8001


def make_category(*, limit: str = "2", unit: str = TimeUnit.WORK_HOURS, name: str = "暴露垃圾") -> Category:
    parent, _ = Category.objects.get_or_create(code="S01", defaults={"kind": CategoryKind.EVENT, "name": "市容环境"})
    return Category.objects.create(
        kind=CategoryKind.EVENT,
        code=f"S01{Category.objects.count():02d}",
        name=name,
        parent=parent,
        time_limit=Decimal(limit),
        time_unit=unit,
    )


def jpeg_upload(name: str = "photo.jpg", colour: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def reported_case(by: Person, category: Category, *, lon: float = LON, lat: float = LAT) -> Case:
    case, _ = services.case_report(
        by=by, source=Source.PATROL, category=category, description="路边有暴露垃圾", lon=lon, lat=lat
    )
    return case


def dispatched_case(world, category: Category, unit: Unit | None = None) -> Case:
    case = reported_case(world.inspector, category)
    services.case_accept(case=case, by=world.office)
    services.case_dispatch(case=case, by=world.office, unit=unit or world.town_a)
    return case
