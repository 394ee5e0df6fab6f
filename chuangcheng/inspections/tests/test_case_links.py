"""A case opened (or joined) by an inspection's failure links back to it, and the inspection to the case."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chuangcheng.cases.models import Case
from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import photo
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import Checklist
from chuangcheng.inspections.selectors import active_items
from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit
from chuangcheng.places.models import Site, SiteType
from chuangcheng.places.services import site_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _submit(world, site, by):
    items = active_items(Checklist.objects.get(site_type=site.site_type))
    answers = [
        Answer(i.pk, Outcome.FAIL, "东门外三处摊位", (photo(),)) if "占道经营" in i.text else Answer(i.pk, Outcome.PASS)
        for i in items
    ]
    inspection, _ = inspection_submit(by=by, kind=InspectionKind.CHECK, site=site, answers=answers)
    return inspection


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_case_page_links_to_the_inspections_that_found_it(world):
    seed_categories()
    checklists_seed()
    site = site_save(
        site=Site(code="P-01", name="城关农贸市场", site_type=SiteType.objects.get(code="market"), unit=world.town_a),
        geometry={"type": "Point", "coordinates": [114.305, 34.8]},
    )
    first = _submit(world, site, world.inspector)  # opens the case (he reports it)
    second = _submit(world, site, world.supervisor)  # joins the open case within 50 m
    [case] = Case.objects.all()

    page = _client(world.office).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="case-links"' in page and page.count("来自检查：城关农贸市场 周检查") == 2
    assert reverse("inspections:detail", args=[first.pk]) in page
    assert reverse("inspections:detail", args=[second.pk]) in page

    # The inspector reported the case, but sees only his own inspection among the links.
    mine = _client(world.inspector).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("inspections:detail", args=[first.pk]) in mine
    assert reverse("inspections:detail", args=[second.pk]) not in mine

    detail = _client(world.office).get(reverse("inspections:detail", args=[first.pk])).content.decode()
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in detail and case.code in detail
    assert "新立案" in detail
