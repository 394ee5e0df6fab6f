"""Checklists: the default content is seeded once per site type and road class; item edits are versioned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from chuangcheng.cases.services import seed_categories
from chuangcheng.core.models import AuditEntry
from chuangcheng.inspections.choices import ItemFamily
from chuangcheng.inspections.models import Checklist, ChecklistItem, ChecklistItemVersion
from chuangcheng.inspections.selectors import active_items, checklist_for_segment, checklist_for_site
from chuangcheng.inspections.services import checklist_item_save, checklists_seed
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site, SiteType

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(world):
    seed_categories()
    return checklists_seed(by=world.office)


def test_every_site_type_and_road_class_gets_a_checklist_of_at_least_eight_items(seeded):
    site_types = SiteType.objects.count()
    assert seeded.checklists == site_types + len(RoadClass.choices)
    assert seeded.items >= 250
    for checklist in Checklist.objects.all():
        assert active_items(checklist).count() >= 8, checklist.name
    assert ChecklistItemVersion.objects.count() == seeded.items  # every item starts at version 1


def test_the_market_checklist_reads_as_the_field_check_does(seeded):
    market = Checklist.objects.get(site_type__code="market")
    texts = " ".join(active_items(market).values_list("text", flat=True))

    for words in ("公平秤", "公益广告", "诚信", "占道经营"):
        assert words in texts
    # A failure that is a street problem opens a case of the seeded category.
    street = active_items(market).filter(text__contains="占道经营").first()
    assert street is not None and street.case_category is not None
    assert street.case_category.name == "占道经营"


def test_seeding_again_adds_nothing_and_keeps_the_offices_edits(seeded, world):
    item = ChecklistItem.objects.filter(checklist__site_type__code="market").first()
    item.text = "入口处设置公平秤（本县要求）"
    checklist_item_save(item=item, by=world.office)

    again = checklists_seed(by=world.office)

    assert (again.checklists, again.items) == (0, 0)
    item.refresh_from_db()
    assert item.text == "入口处设置公平秤（本县要求）"
    assert AuditEntry.objects.filter(action="inspections.checklist.seed").count() == 1


def test_a_content_change_starts_a_new_version_and_the_old_one_stays_as_it_was(seeded, world):
    item = ChecklistItem.objects.filter(checklist__road_class=RoadClass.MAIN).first()
    first_text = item.text
    item.text, item.deduction = "每 200 米不少于 1 处公益广告", Decimal("2.0")

    checklist_item_save(item=item, by=world.office)

    item.refresh_from_db()
    assert item.version == 2
    old, new = item.versions.order_by("number")
    assert (old.number, old.text) == (1, first_text)
    assert (new.number, new.text, new.deduction, new.created_by) == (2, item.text, Decimal("2.0"), world.office)
    entry = AuditEntry.objects.get(action="inspections.item.change")
    assert entry.data["text"] == [first_text, item.text] and entry.data["version"] == 2


def test_reordering_or_switching_off_an_item_is_no_new_version(seeded, world):
    item = ChecklistItem.objects.filter(checklist__road_class=RoadClass.MAIN).first()
    item.sort_order, item.is_active = 99, False

    checklist_item_save(item=item, by=world.office)

    item.refresh_from_db()
    assert item.version == 1 and item.versions.count() == 1
    assert item not in active_items(item.checklist)
    assert AuditEntry.objects.get(action="inspections.item.change").data["is_active"] == [True, False]


def test_a_saved_item_with_nothing_changed_writes_nothing(seeded, world):
    item = ChecklistItem.objects.first()

    checklist_item_save(item=item, by=world.office)

    assert item.versions.count() == 1
    assert not AuditEntry.objects.filter(action="inspections.item.change").exists()


def test_a_new_item_starts_at_version_one(seeded, world):
    checklist = Checklist.objects.get(site_type__code="park")
    item = ChecklistItem(
        checklist=checklist, family=ItemFamily.ORDER, text="无游商摊贩", deduction=Decimal("1"), photo_required=True
    )

    checklist_item_save(item=item, by=world.office)

    assert item.version == 1 and item.versions.get().text == "无游商摊贩"
    assert AuditEntry.objects.filter(action="inspections.item.create", object_id=str(item.pk)).exists()


def test_a_site_and_a_segment_find_their_checklists(seeded, world):
    market = SiteType.objects.get(code="market")
    site = Site(code="P1", name="城关农贸市场", site_type=market, lon=114.3, lat=34.8, unit=world.town_a)
    segment = RoadSegment(code="R1", name="人民路", road_class=RoadClass.BACK_STREET, unit=world.town_a)

    assert checklist_for_site(site) == Checklist.objects.get(site_type=market)
    assert checklist_for_segment(segment) == Checklist.objects.get(road_class=RoadClass.BACK_STREET)

    Checklist.objects.filter(site_type=market).update(is_active=False)
    assert checklist_for_site(site) is None


def test_a_checklist_has_exactly_one_target(world):
    market = SiteType.objects.get(code="market")
    with pytest.raises(IntegrityError), transaction.atomic():
        Checklist.objects.create(name="两者皆有", site_type=market, road_class=RoadClass.MAIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Checklist.objects.create(name="两者皆无")
