"""Sweep: every stored private file is refused to an anonymous visitor and to users of another unit,
through the access-checked views and through every spelling of its path under /media/.

The files are made the way users make them (case photos and after-photos through the case
services, evidence through a progress report and a notice reply), then every file found under
MEDIA_ROOT is requested: a test that fails when a new kind of private file is stored elsewhere
and served by a new route, since the walk covers the whole of MEDIA_ROOT.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from chuangcheng.cases.models import CasePhoto
from chuangcheng.core.evidence import check_evidence
from chuangcheng.core.tests.test_media import SPELLINGS
from chuangcheng.indicators import services as indicator_services
from chuangcheng.indicators.models import Evidence
from chuangcheng.indicators.tests.conftest import pdf_evidence, upload
from chuangcheng.indicators.tests.files import docx_bytes
from chuangcheng.inspections.models import InspectionPhoto

OUTSIDERS = ("admin_b", "chief_b")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _stored_files(world, make, task_factory) -> None:
    make.handled()  # a report photo and an after-photo, each with a thumbnail
    task = task_factory()
    indicator_services.report_progress(
        task=task, by=world.admin_a, percent=40, narrative="已完成", files=[pdf_evidence()]
    )
    notice = indicator_services.notice_issue(task=task, by=world.supervisor, reason="进度滞后")
    reply = check_evidence(upload("整改报告.docx", docx_bytes()))
    indicator_services.notice_reply(notice=notice, by=world.admin_a, reply="已整改", files=[reply])
    _inspection_photo(world)


def _inspection_photo(world) -> None:
    """An inspection of a town A market with one failure and its photo (and thumbnail)."""
    from chuangcheng.conftest import photo
    from chuangcheng.inspections.models import Checklist
    from chuangcheng.inspections.selectors import active_items
    from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit
    from chuangcheng.places.models import Site, SiteType
    from chuangcheng.places.services import site_save

    checklists_seed()
    site = site_save(
        site=Site(
            code="P-SWEEP", name="城关农贸市场", site_type=SiteType.objects.get(code="market"), unit=world.town_a
        ),
        geometry={"type": "Point", "coordinates": [114.3, 34.8]},
    )
    items = active_items(Checklist.objects.get(site_type=site.site_type))
    answers = [
        Answer(i.pk, "fail", "入口未设", (photo("blue"),)) if "公平秤" in i.text else Answer(i.pk, "pass")
        for i in items
    ]
    inspection_submit(by=world.inspector, kind="check", site=site, answers=answers)


def test_no_private_file_is_served_to_anyone_who_may_not_see_it(world, media, make, task_factory):
    _stored_files(world, make, task_factory)
    files = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert {path.split("/", 1)[0] for path in files} == {"cases", "evidence", "inspections"}
    assert len(files) == 8  # three photos and their thumbnails, two evidence files

    visitors = {"anonymous": Client()}
    for name in OUTSIDERS:
        visitors[name] = Client()
        visitors[name].force_login(getattr(world, name))
    views = [reverse(n, args=[p.pk]) for p in CasePhoto.objects.all() for n in ("cases:photo", "cases:photo_thumb")]
    views += [reverse("indicators:evidence", args=[e.pk]) for e in Evidence.objects.all()]
    views += [
        reverse(n, args=[p.pk])
        for p in InspectionPhoto.objects.all()
        for n in ("inspections:photo", "inspections:photo_thumb")
    ]
    served, requests = [], 0
    for who, client in visitors.items():
        for url in views:
            response = client.get(url)
            requests += 1
            if response.status_code == 200 or (who != "anonymous" and response.status_code != 404):
                served.append((who, url, response.status_code))
        for path, data in files.items():
            first, rest = path.split("/", 1)
            for spelling in SPELLINGS:
                url = spelling.format(path=path, upper=f"{first.upper()}/{rest}")
                response = client.get(url)
                requests += 1
                if response.status_code == 200 or data in _body(response):
                    served.append((who, url, response.status_code))

    assert served == []
    assert requests == len(visitors) * (len(views) + len(files) * len(SPELLINGS))


def test_the_owners_still_get_their_files_through_the_checked_views(client, world, media, make, task_factory):
    _stored_files(world, make, task_factory)
    client.force_login(world.admin_a)

    for photo in CasePhoto.objects.all():
        assert _body(client.get(reverse("cases:photo", args=[photo.pk]))) == (media / photo.image).read_bytes()
    for item in Evidence.objects.all():
        assert _body(client.get(reverse("indicators:evidence", args=[item.pk]))) == item.file.read()
    for shot in InspectionPhoto.objects.all():
        assert _body(client.get(reverse("inspections:photo", args=[shot.pk]))) == (media / shot.image).read_bytes()
        assert (
            _body(client.get(reverse("inspections:photo_thumb", args=[shot.pk])))
            == (media / shot.thumbnail).read_bytes()
        )
