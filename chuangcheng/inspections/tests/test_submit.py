"""Submitting an inspection: scored from its failures, failures open (or join) cases, retries count once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from chuangcheng.cases.choices import Source, Status
from chuangcheng.cases.models import Case
from chuangcheng.cases.services import seed_categories
from chuangcheng.conftest import photo
from chuangcheng.core.errors import DomainError
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import Checklist, ChecklistItem, Inspection, InspectionResult, Visit
from chuangcheng.inspections.selectors import active_items
from chuangcheng.inspections.services import Answer, checklist_item_save, checklists_seed, inspection_submit
from chuangcheng.places.models import Grid, Site, SiteType
from chuangcheng.places.services import grid_save, site_save

pytestmark = pytest.mark.django_db
LON, LAT = 114.305, 34.8


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def market(world) -> Site:
    seed_categories()
    checklists_seed()
    site = Site(code="P-01", name="城关农贸市场", site_type=SiteType.objects.get(code="market"), unit=world.town_a)
    return site_save(site=site, geometry={"type": "Point", "coordinates": [LON, LAT]})


def items(site: Site) -> list[ChecklistItem]:
    return list(active_items(Checklist.objects.get(site_type=site.site_type)))


def by_text(site: Site, words: str) -> ChecklistItem:
    return next(item for item in items(site) if words in item.text)


def answers(site: Site, failed: dict[str, str] | None = None, **overrides: str) -> list[Answer]:
    """All items passed, except the failed ones (text fragment → note), each failure with a photo."""
    failing = {by_text(site, words).pk: note for words, note in (failed or {}).items()}
    return [
        Answer(item.pk, Outcome.FAIL, failing[item.pk], (photo(),))
        if item.pk in failing
        else Answer(item.pk, overrides.get(item.text, Outcome.PASS))
        for item in items(site)
    ]


def test_a_clean_market_scores_full_marks_and_opens_nothing(world, market):
    inspection, created = inspection_submit(
        by=world.inspector, kind=InspectionKind.PATROL, site=market, answers=answers(market)
    )

    assert created and inspection.score == Decimal("100") and inspection.deductions == 0
    assert inspection.results.count() == len(items(market))
    assert not Case.objects.exists()


def test_two_failures_cost_their_deductions_and_the_street_one_opens_a_case_with_its_photo(world, market):
    scale, stalls = by_text(market, "公平秤"), by_text(market, "占道经营")

    inspection, _ = inspection_submit(
        by=world.supervisor,
        kind=InspectionKind.CHECK,
        site=market,
        answers=answers(market, {"公平秤": "入口未设", "占道经营": "东门外三处摊位"}),
    )

    assert inspection.deductions == scale.deduction + stalls.deduction
    assert inspection.score == Decimal("100") - scale.deduction - stalls.deduction
    [case] = Case.objects.all()  # 公平秤 has no case category: only the stalls open one
    assert (case.category, case.source, case.status) == (stalls.case_category, Source.INSPECTION, Status.REPORTED)
    assert "东门外三处摊位" in case.description and case.photos.count() == 1
    assert (case.lon, case.lat) == pytest.approx((LON, LAT))
    result = InspectionResult.objects.get(inspection=inspection, item_version__item=stalls)
    assert (result.case, result.case_opened, result.deduction) == (case, True, stalls.deduction)


def test_a_failure_next_to_an_open_case_of_its_category_joins_it_instead_of_opening_a_second(world, market):
    first, _ = inspection_submit(
        by=world.inspector, kind=InspectionKind.PATROL, site=market, answers=answers(market, {"占道经营": ""})
    )
    second, _ = inspection_submit(
        by=world.supervisor, kind=InspectionKind.CHECK, site=market, answers=answers(market, {"占道经营": ""})
    )

    [case] = Case.objects.all()
    joined = second.results.get(outcome=Outcome.FAIL)
    assert (joined.case, joined.case_opened) == (case, False)
    assert first.results.get(outcome=Outcome.FAIL).case == case


def test_a_retried_submission_counts_once(world, market):
    sent = answers(market, {"占道经营": "重发"})

    first, created = inspection_submit(
        by=world.inspector, kind="patrol", site=market, answers=sent, idempotency_key="k-1"
    )
    again, created_again = inspection_submit(
        by=world.inspector, kind="patrol", site=market, answers=sent, idempotency_key="k-1"
    )

    assert created and not created_again and again == first
    assert Inspection.objects.count() == 1 and Case.objects.count() == 1


def test_an_edit_after_the_inspection_does_not_change_what_it_was_checked_against(world, market):
    scale = by_text(market, "公平秤")
    inspection, _ = inspection_submit(
        by=world.inspector, kind="patrol", site=market, answers=answers(market, {"公平秤": ""})
    )
    old_text = scale.text

    scale.text, scale.deduction = "入口和交易区均设置公平秤", Decimal("3")
    checklist_item_save(item=scale, by=world.office)

    result = inspection.results.get(outcome=Outcome.FAIL)
    assert (result.item_version.text, result.item_version.number) == (old_text, 1)
    assert inspection.deductions == result.deduction != Decimal("3")


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("missing", "项未检查"),
        ("twice", "填写了两次"),
        ("no_photo", "须拍照"),
        ("bad_outcome", "结果无效"),
        ("foreign_item", "不属于本检查表"),
    ],
)
def test_a_malformed_inspection_is_refused_and_writes_nothing(world, market, broken, message):
    sent = answers(market)
    first = sent[0]
    if broken == "missing":
        sent = sent[1:]
    elif broken == "twice":
        sent = [*sent, first]
    elif broken == "no_photo":
        needs_photo = next(i for i in items(market) if i.photo_required)
        sent = [Answer(a.item_id, Outcome.FAIL) if a.item_id == needs_photo.pk else a for a in sent]
    elif broken == "bad_outcome":
        sent = [Answer(first.item_id, "maybe"), *sent[1:]]
    else:
        other = ChecklistItem.objects.exclude(checklist__site_type=market.site_type).first()
        sent = [*sent, Answer(other.pk, Outcome.PASS)]

    with pytest.raises(DomainError, match=message):
        inspection_submit(by=world.inspector, kind="patrol", site=market, answers=sent)

    assert not Inspection.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("who", ["leader", "admin_a", "handler_a", "volunteer"])
def test_roles_that_do_not_inspect_are_refused(world, market, who):
    with pytest.raises(DomainError, match="没有权限"):
        inspection_submit(by=getattr(world, who), kind="patrol", site=market, answers=answers(market))
    assert not Inspection.objects.exists()


def test_a_site_of_a_type_without_an_active_checklist_is_refused(world, market):
    Checklist.objects.filter(site_type=market.site_type).update(is_active=False)

    with pytest.raises(DomainError, match="还没有启用的检查表"):
        inspection_submit(by=world.inspector, kind="patrol", site=market, answers=[])


def test_an_inspection_keeps_the_responsible_unit_and_the_town_whose_grid_holds_the_site(world):
    """A department's market lying in 城南街道's grid counts for 城南街道 and for the department."""
    seed_categories()
    checklists_seed()
    square = [[LON - 0.01, LAT - 0.01], [LON + 0.01, LAT - 0.01], [LON + 0.01, LAT + 0.01], [LON - 0.01, LAT - 0.01]]
    grid_save(
        grid=Grid(code="410221002001001", name="城南一网格", street=world.town_b),
        geometry={"type": "Polygon", "coordinates": [square]},
    )
    site = Site(code="P-02", name="城南菜市场", site_type=SiteType.objects.get(code="market"), unit=world.housing)
    site = site_save(site=site, geometry={"type": "Point", "coordinates": [LON, LAT]})

    inspection, _ = inspection_submit(by=world.inspector, kind=InspectionKind.PATROL, site=site, answers=answers(site))

    assert (inspection.unit, inspection.town) == (world.housing, world.town_b)


def test_the_photos_of_a_failure_are_kept_with_its_result_even_without_a_case_category(world, market):
    inspection, _ = inspection_submit(
        by=world.inspector, kind=InspectionKind.PATROL, site=market, answers=answers(market, {"公平秤": "入口未设"})
    )

    [failed] = inspection.results.filter(outcome=Outcome.FAIL)
    [kept] = failed.photos.all()
    assert failed.case is None and kept.image.startswith("inspections/") and kept.width == 64


def test_an_inspection_of_a_planned_place_marks_the_visit_done_and_another_place_is_refused(world, market):
    today = timezone.localdate()
    visit = Visit.objects.create(
        kind=InspectionKind.PATROL, assignee=world.inspector, site=market, starts_on=today, due_on=today
    )
    other = site_save(
        site=Site(code="P-09", name="西关市场", site_type=market.site_type, unit=world.town_a),
        geometry={"type": "Point", "coordinates": [LON + 0.01, LAT]},
    )

    with pytest.raises(DomainError, match="计划点位与所检查的点位不一致"):
        inspection_submit(
            by=world.inspector, kind=InspectionKind.PATROL, site=other, answers=answers(other), visit=visit
        )
    inspection, _ = inspection_submit(
        by=world.inspector, kind=InspectionKind.PATROL, site=market, answers=answers(market), visit=visit
    )

    visit.refresh_from_db()
    assert visit.inspection == inspection and visit.done_at == inspection.submitted_at
