"""Year-end pages, API and document: who may read, who may write, what the office sees and downloads.

A light county: no published runs, a scheme whose rules praise every 巡查员 and 义务管理员 (zero
reports needed), so the list has entries without a year of runs (the rules are tested in
``test_yearend``).
"""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chuangcheng.appraisal import services
from chuangcheng.appraisal import services_yearend as yearend_services
from chuangcheng.appraisal.choices import YearEndKind, YearEndStatus
from chuangcheng.appraisal.models import Scheme, YearEndList, default_year_end_rules
from chuangcheng.conftest import World
from chuangcheng.org.models import Person


@pytest.fixture
def scheme(world: World) -> Scheme:
    scheme = services.scheme_create_default(by=world.office, year=timezone.localdate().year)
    scheme.year_end_rules = {**default_year_end_rules(), "person_min_reports": 0}
    scheme.save()
    return scheme


@pytest.fixture
def praise(world: World, scheme: Scheme) -> YearEndList:
    year = timezone.localdate().year
    return yearend_services.year_end_build(scheme=scheme, year=year, kind=YearEndKind.PRAISE, by=world.office)


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_office_builds_a_list_from_the_page(world: World, scheme: Scheme) -> None:
    client = client_for(world.office)
    year = timezone.localdate().year

    page = client.get(reverse("appraisal:yearend"))
    assert page.status_code == 200 and "yearend-build" in page.text
    answer = client.post(
        reverse("appraisal:yearend_build"), {"scheme": scheme.pk, "year": year, "kind": YearEndKind.PRAISE}
    )

    year_list = YearEndList.objects.get(scheme=scheme, year=year, kind=YearEndKind.PRAISE)
    assert answer.status_code == 302 and answer["Location"] == reverse("appraisal:yearend_list", args=[year_list.pk])
    detail = client.get(answer["Location"])
    assert "郑巡查" in detail.text and "冯大爷" in detail.text
    assert "全年有效上报 0 件，无巡查任务" in detail.text
    assert f"关于{year}年度创建工作先进单位和先进个人的表彰决定（建议名单）" in detail.text


def test_the_office_leaves_an_entry_out_and_confirms(world: World, praise: YearEndList) -> None:
    client = client_for(world.office)
    entry = praise.entries.get(person=world.volunteer)

    client.post(reverse("appraisal:yearend_entry_toggle", args=[entry.pk]), {"note": "已调离"})
    client.post(reverse("appraisal:yearend_confirm", args=[praise.pk]))

    entry.refresh_from_db()
    praise.refresh_from_db()
    assert (entry.included, entry.note) == (False, "已调离")
    assert praise.status == YearEndStatus.CONFIRMED and praise.doc_number.startswith("县创建办〔")
    page = client.get(reverse("appraisal:yearend_list", args=[praise.pk]))
    assert praise.doc_number in page.text
    assert "yearend-confirm" not in page.text and "yearend-toggle" not in page.text


def test_a_leader_and_the_supervision_office_read_only(world: World, praise: YearEndList) -> None:
    entry = praise.entries.first()
    assert entry is not None
    for person in (world.leader, world.supervisor):
        client = client_for(person)
        page = client.get(reverse("appraisal:yearend_list", args=[praise.pk]))
        assert page.status_code == 200 and "郑巡查" in page.text
        assert "yearend-toggle" not in page.text and "yearend-build" not in client.get("/appraisal/year-end/").text
        toggle = client.post(reverse("appraisal:yearend_entry_toggle", args=[entry.pk]), {"note": "x"})
        confirm = client.post(reverse("appraisal:yearend_confirm", args=[praise.pk]))
        assert (toggle.status_code, confirm.status_code) == (403, 403)
    entry.refresh_from_db()
    praise.refresh_from_db()
    assert entry.included and praise.status == YearEndStatus.DRAFT


@pytest.mark.parametrize("persona", ["admin_a", "handler_a", "chief_a", "inspector", "volunteer"])
def test_units_and_street_roles_are_refused(world: World, praise: YearEndList, persona: str) -> None:
    client = client_for(getattr(world, persona))
    entry = praise.entries.first()
    assert entry is not None

    assert client.get(reverse("appraisal:yearend")).status_code == 403
    assert client.get(reverse("appraisal:yearend_list", args=[praise.pk])).status_code == 403
    assert client.get(reverse("appraisal:yearend_docx", args=[praise.pk])).status_code == 403
    assert client.post(reverse("appraisal:yearend_entry_toggle", args=[entry.pk])).status_code == 403
    assert client.get("/api/appraisal/year-end").status_code == 403
    assert client.get(f"/api/appraisal/year-end/{praise.pk}").status_code == 403


def test_a_missing_list_is_a_404(world: World) -> None:
    client = client_for(world.office)
    assert client.get(reverse("appraisal:yearend_list", args=[999999])).status_code == 404
    assert client.get("/api/appraisal/year-end/999999").status_code == 404


# ---- API --------------------------------------------------------------------------------------------


def post_json(client: Client, url: str, body: dict) -> tuple[int, dict]:
    answer = client.post(url, json.dumps(body), content_type="application/json")
    return answer.status_code, answer.json()


def test_the_api_builds_toggles_and_confirms(world: World, scheme: Scheme) -> None:
    client = client_for(world.office)
    year = timezone.localdate().year

    status, built = post_json(client, "/api/appraisal/year-end", {"year": year, "kind": "praise"})
    assert status == 201 and built["status"] == "draft"
    names = {e["name"]: e for e in built["entries"]}
    assert names["郑巡查"]["basis"] == "全年有效上报 0 件，无巡查任务"
    entry_id = names["冯大爷"]["id"]
    status, refused = post_json(client, f"/api/appraisal/year-end/entries/{entry_id}/toggle", {"included": False})
    assert status == 400 and "审核意见" in refused["detail"]
    status, toggled = post_json(
        client, f"/api/appraisal/year-end/entries/{entry_id}/toggle", {"included": False, "note": "已调离"}
    )
    assert status == 200 and toggled["included"] is False
    status, confirmed = post_json(client, f"/api/appraisal/year-end/{built['id']}/confirm", {})
    assert status == 200 and confirmed["status"] == "confirmed" and confirmed["included_count"] == 1
    status, _again = post_json(client, f"/api/appraisal/year-end/entries/{entry_id}/toggle", {"included": True})
    assert status == 409

    listed = client.get("/api/appraisal/year-end").json()
    assert [(i["id"], i["kind"], i["status"]) for i in listed] == [(built["id"], "praise", "confirmed")]


def test_the_api_is_read_only_for_a_leader(world: World, praise: YearEndList) -> None:
    client = client_for(world.leader)
    year = timezone.localdate().year

    assert client.get(f"/api/appraisal/year-end/{praise.pk}").json()["entries"][0]["name"]
    status, _body = post_json(client, "/api/appraisal/year-end", {"year": year, "kind": "praise"})
    assert status == 403
    status, _body = post_json(client, f"/api/appraisal/year-end/{praise.pk}/confirm", {})
    assert status == 403


# ---- the document -------------------------------------------------------------------------------------


def test_the_docx_lists_the_included_names(world: World, praise: YearEndList) -> None:
    import docx

    entry = praise.entries.get(person=world.volunteer)
    yearend_services.year_end_entry_toggle(entry=entry, included=False, note="已调离", by=world.office)
    confirmed = yearend_services.year_end_confirm(year_list=praise, by=world.office)

    answer = client_for(world.leader).get(reverse("appraisal:yearend_docx", args=[praise.pk]))

    assert answer.status_code == 200
    document = docx.Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert f"{praise.year}年度创建工作先进单位和先进个人的表彰决定" in text
    assert confirmed.doc_number in text
    assert "郑巡查" in cells and "全年有效上报 0 件，无巡查任务" in cells
    assert "冯大爷" not in cells
    # The 版记 ends with the 印发机关 and the 印发日期, like the monthly 通报.
    printed = document.tables[-1].rows[-1].cells[0].text
    assert printed.startswith(praise.scheme.issuer) and printed.endswith("印发")
