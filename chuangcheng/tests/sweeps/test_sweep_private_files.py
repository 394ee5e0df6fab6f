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


def test_no_private_file_is_served_to_anyone_who_may_not_see_it(world, media, make, task_factory):
    _stored_files(world, make, task_factory)
    files = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    assert {path.split("/", 1)[0] for path in files} == {"cases", "evidence"}
    assert len(files) == 6  # two photos and their thumbnails, two evidence files

    visitors = {"anonymous": Client()}
    for name in OUTSIDERS:
        visitors[name] = Client()
        visitors[name].force_login(getattr(world, name))
    views = [reverse(n, args=[p.pk]) for p in CasePhoto.objects.all() for n in ("cases:photo", "cases:photo_thumb")]
    views += [reverse("indicators:evidence", args=[e.pk]) for e in Evidence.objects.all()]
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
