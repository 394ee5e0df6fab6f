"""The objects the endpoint × role matrix requests: one of each kind in each of two towns.

Everything is made through the apps' services, as the pages would make it. Unit A is
城关街道 (world.town_a: admin_a, chief_a, handler_a below it), unit B 城南街道 (admin_b,
chief_b). Kinds without a unit (a holiday, a category, a campaign) have one object only.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chuangcheng.cases import services as case_services
from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case, CasePhoto, Category
from chuangcheng.conftest import World
from chuangcheng.core.evidence import check_evidence
from chuangcheng.core.photos import process_photo
from chuangcheng.core.services import holiday_save
from chuangcheng.indicators import services as task_services
from chuangcheng.indicators.choices import CampaignKind, NodeLevel, TitleLevel
from chuangcheng.indicators.models import Campaign, Evidence, IndicatorNode, ProgressReport, SupervisionNotice, Task
from chuangcheng.inspections import services as inspection_services
from chuangcheng.inspections.choices import ItemFamily
from chuangcheng.inspections.models import ChecklistItem, Plan, Visit
from chuangcheng.inspections.services import checklists_seed
from chuangcheng.notifications.models import Notification
from chuangcheng.notifications.services import notify
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import unit_set_save
from chuangcheng.places.models import Grid, PledgeItem, RoadSegment, Shop, Site, SiteType
from chuangcheng.places.services import grid_save, segment_save, shop_save, site_save

LON, LAT = 114.30, 34.80
# Town B's objects lie 0.05° (~4.5 km) east, far outside any routing or duplicate radius.
TOWN_OFFSET = {"a": 0.0, "b": 0.05}


@dataclass
class Side:
    """One town's objects, by kind."""

    unit: Unit
    person: Person
    segment: RoadSegment
    grid: Grid
    site: Site
    shop: Shop
    case: Case
    photo: CasePhoto
    task: Task
    report: ProgressReport
    evidence: Evidence
    notice: SupervisionNotice
    notification: Notification
    # inspections (results area): an inspection of the side's site with a failure's photo
    inspection: Any = None
    inspection_photo: Any = None
    plan: Plan | None = None  # a started 周检查 whose team is this side's (see _plan)

    def get(self, kind: str) -> Any:
        return getattr(self, kind)


@dataclass
class Objects:
    a: Side
    b: Side
    category: Category
    campaign: Campaign
    holiday: Any
    # Inspections' reference data (no unit): one checklist and one of its items.
    checklist: Any = None
    checklist_item: Any = None
    patrol_rule: Any = None  # inspections: a 日巡查 rule (county-wide, no unit)
    unit_set: Any = None  # org: a 单位分组 (county-wide, the office's)
    appraisal: Any = None  # the month's appraisal: a scheme, a published run and its correction draft
    # ---- appraisal: year-end: a 表彰 list of this year and one of its entries (county-wide) ----
    yearend_list: Any = None
    yearend_entry: Any = None
    # ---- end of year-end ----


def _jpeg(colour: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


def _pdf(tag: str) -> Any:
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return check_evidence(SimpleUploadedFile(f"方案{tag}.pdf", pdf, content_type="application/pdf"))


def _square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _places(tag: str, unit: Unit, chief: Person, lon: float) -> tuple[RoadSegment, Grid, Site, Shop]:
    grid = grid_save(
        grid=Grid(code=f"41022100100100{ord(tag) - 96}", name=f"网格{tag}", street=unit),
        geometry=_square(lon - 0.001, LAT - 0.001, 0.01),
    )
    segment = segment_save(
        segment=RoadSegment(code=f"SEG-{tag}", name=f"路段{tag}", unit=unit, chief=chief, grid=grid),
        geometry={"type": "LineString", "coordinates": [[lon, LAT], [lon + 0.002, LAT]]},
    )
    site = site_save(
        site=Site(code=f"SITE-{tag}", name=f"点位{tag}", site_type=SiteType.objects.get(code="market"), unit=unit),
        geometry={"type": "Point", "coordinates": [lon + 0.001, LAT + 0.0005]},
    )
    shop = shop_save(
        shop=Shop(
            code=f"SHOP-{tag}",
            name=f"门店{tag}",
            lon=lon + 0.0005,
            lat=LAT + 0.0001,
            segment=segment,
            operator_name="张老板",
            operator_mobile="13800138000",
        ),
        pledge_items=list(PledgeItem.objects.all()[:2]),
    )
    return segment, grid, site, shop


def _case(world: World, category: Category, unit: Unit, handler: Person | None, lon: float) -> Case:
    case, _ = case_services.case_report(
        by=world.inspector,
        source=Source.PATROL,
        category=category,
        description="路边有一堆暴露垃圾",
        lon=lon + 0.001,
        lat=LAT + 0.00005,
        photos=[process_photo(_jpeg("gray"))],
    )
    case_services.case_accept(case=case, by=world.office)
    case = case_services.case_dispatch(case=case, by=world.office, unit=unit, handler=handler)
    # A pending extension, so that deciding it meets the role check rather than "nothing to decide".
    holder = handler or unit.memberships.get(role="unit_admin").person
    case_services.extension_request(
        case=case, by=holder, amount=Decimal("1"), time_unit=category.time_unit, reason="雨天"
    )
    return case


def _campaign() -> tuple[Campaign, IndicatorNode]:
    campaign = Campaign.objects.create(
        code="WMXC-2027",
        name="省级文明县城",
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition="省级文明县城测评体系（2024年版）",
        pass_score=Decimal("85.00"),
    )
    parent = None
    for code, level in (("P1", NodeLevel.PROJECT), ("P1.1", NodeLevel.INDICATOR), ("P1.1.1", NodeLevel.CONTENT)):
        node = IndicatorNode.objects.create(
            campaign=campaign, parent=parent, code=code, name=f"指标{code}", level=level, max_score=Decimal("3")
        )
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
        node.save(update_fields=["path"])
        parent = node
    assert parent is not None
    return campaign, parent


def _ledger(world: World, campaign: Campaign, leaf: IndicatorNode, tag: str, unit: Unit, admin: Person) -> tuple:
    task = task_services.task_create(
        by=world.office,
        campaign=campaign,
        indicator=leaf,
        code=f"RW-{tag}",
        title=f"主次干道保洁提升{tag}",
        target="机扫率达到90%以上",
        lead_unit=unit,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    report, _ = task_services.report_progress(
        task=task, by=admin, percent=30, narrative=f"已完成三成{tag}", files=[_pdf(tag)]
    )
    notice = task_services.notice_issue(task=task, by=world.office, reason="进度滞后")
    return task, report, report.evidence.get(), notice


def _notification(person: Person, tag: str) -> Notification:
    return notify(recipients=[person], kind="matrix.test", title=f"测试消息{tag}")[0]


def _inspection(world: World, site: Site) -> tuple[Any, Any]:
    """The inspector's check of the site: every item passed but 公平秤 (no case category), with a photo."""
    from chuangcheng.inspections.choices import InspectionKind, Outcome
    from chuangcheng.inspections.models import Checklist, InspectionPhoto
    from chuangcheng.inspections.selectors import active_items
    from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit

    checklists_seed()
    items = active_items(Checklist.objects.get(site_type=site.site_type))
    answers = [
        Answer(i.pk, Outcome.FAIL, "入口未设", (process_photo(_jpeg("gray")),))
        if "公平秤" in i.text
        else Answer(i.pk, Outcome.PASS)
        for i in items
    ]
    inspection, _ = inspection_submit(by=world.inspector, kind=InspectionKind.CHECK, site=site, answers=answers)
    return inspection, InspectionPhoto.objects.get(result__inspection=inspection)


def _plan(world: World, tag: str, member: Person, town: Unit) -> Plan:
    """A started 周检查 of ``town``'s market whose one team is ``member`` (the inspector for A, B's road chief).

    Both towns' markets are drawn; the other town's visit is dropped, so a side's team is sent only to
    its own town (a visit lets its team open the place on the phone form)."""
    plan = inspection_services.plan_create(
        by=world.supervisor,
        kind="check",
        name=f"周检查{tag}",
        starts_on=dt.date(2026, 6, 8),
        due_on=dt.date(2026, 6, 12),
        seed=1,
        sample={"site_types": {"market": 2}, "per_town": False},
    )
    Visit.objects.filter(plan=plan).exclude(site__unit__path__startswith=town.path).delete()
    inspection_services.team_save(plan=plan, by=world.supervisor, name=f"检查组{tag}", leader=member)
    inspection_services.visits_assign(plan=plan, by=world.supervisor)
    return inspection_services.plan_activate(plan=plan, by=world.supervisor)


def build(world: World) -> Objects:
    case_services.seed_categories()
    checklists_seed()  # the phone form's checklist of each town's 农贸市场 and segment
    category = Category.objects.get(name="暴露垃圾")
    category.auto_dispatch = False
    category.save(update_fields=["auto_dispatch"])
    campaign, leaf = _campaign()
    sides = {}
    for tag, unit, admin, chief, handler in (
        ("a", world.town_a, world.admin_a, world.chief_a, world.handler_a),
        ("b", world.town_b, world.admin_b, world.chief_b, None),
    ):
        lon = LON + TOWN_OFFSET[tag]
        segment, grid, site, shop = _places(tag, unit, chief, lon)
        case = _case(world, category, unit, handler, lon)
        task, report, evidence, notice = _ledger(world, campaign, leaf, tag, unit, admin)
        sides[tag] = Side(
            unit=unit,
            person=admin,
            segment=segment,
            grid=grid,
            site=site,
            shop=shop,
            case=case,
            photo=case.photos.first(),  # type: ignore[attr-defined]
            task=task,
            report=report,
            evidence=evidence,
            notice=notice,
            notification=_notification(admin, tag),
        )
        sides[tag].inspection, sides[tag].inspection_photo = _inspection(world, site)
    sides["a"].plan = _plan(world, "a", world.inspector, world.town_a)
    sides["b"].plan = _plan(world, "b", world.chief_b, world.town_b)
    holiday, _ = holiday_save(day=dt.date(2026, 10, 10), is_workday=True, by=world.office, name="调休")
    objects = Objects(a=sides["a"], b=sides["b"], category=category, campaign=campaign, holiday=holiday)
    objects.checklist, objects.checklist_item = _checklist(world, category)
    objects.patrol_rule = _patrols(world)
    objects.unit_set = unit_set_save(name="各街道", kinds=["town"], name_endings="街道", by=world.office)
    objects.appraisal = _appraisal(world, sides["a"])
    # ---- appraisal: year-end ----
    objects.yearend_list, objects.yearend_entry = _year_end(world)
    # ---- end of year-end ----
    return objects


def _checklist(world: World, category: Category) -> tuple[Any, Any]:
    """Inspections: the 公园 checklist with one item (reference data every reader sees)."""
    checklist = inspection_services.checklist_create(by=world.office, site_type=SiteType.objects.get(code="park"))
    item = ChecklistItem(
        checklist=checklist,
        family=ItemFamily.SANITATION,
        text="园内无暴露垃圾",
        deduction=Decimal("1"),
        case_category=category,
    )
    return checklist, inspection_services.checklist_item_save(item=item, by=world.office)


def _patrols(world: World) -> Any:
    """A 日巡查 rule (every 主干道 daily) and the routes of 2026-06-10 it plans."""
    from chuangcheng.inspections.models import PatrolRule
    from chuangcheng.inspections.services import patrol_routes_generate
    from chuangcheng.places.choices import RoadClass

    rule = PatrolRule.objects.create(road_class=RoadClass.MAIN, times_per_week=7)
    patrol_routes_generate(day=dt.date(2026, 6, 10))
    return rule


@dataclass
class Appraisal:
    """The appraisal's objects: every reader sees the published run, the office and 督查室 its draft."""

    scheme: Any
    component: Any
    run: Any  # published, with an item (and evidence) for town A
    adjustment: Any
    draft: Any  # the run's correction, with its own copy of the item and a 典型问题
    draft_adjustment: Any
    typical: Any

    def ids(self) -> dict[str, int]:
        return {name: getattr(self, name).pk for name in self.__dataclass_fields__}


def _appraisal(world: World, side: Side) -> Appraisal:
    """This month's run with town A's 加分 item, published, then corrected into a draft."""
    import importlib.util

    from chuangcheng.appraisal import services as appraisal_services
    from chuangcheng.appraisal.choices import AdjustmentKind, RunStatus
    from chuangcheng.appraisal.models import Run

    scheme = appraisal_services.scheme_create_default(by=world.office)
    today = timezone.localdate()
    run = appraisal_services.month_run_create(scheme=scheme, by=world.office, year=today.year, month=today.month)
    adjustment = appraisal_services.adjustment_add(
        run=run,
        unit=side.unit,
        kind=AdjustmentKind.PRAISE,
        points=Decimal("2"),
        reason="领导批示表扬",
        by=world.office,
        evidence=ContentFile(_pdf("appraisal").data),
        evidence_name="表扬.pdf",
    )
    if importlib.util.find_spec("chuangcheng.appraisal.bulletin") is not None:
        run = appraisal_services.run_publish(run=run, by=world.office)
    else:  # until the bulletin module lands: the state publishing leaves, with stand-in bytes
        Run.objects.filter(pk=run.pk).update(
            status=RunStatus.PUBLISHED, doc_number="县创建办〔2026〕1号", bulletin_docx=b"PK\x03\x04matrix"
        )
        run.refresh_from_db()
    draft = appraisal_services.run_correct(run=run, by=world.office, reason="矩阵测试更正")
    typical = appraisal_services.typical_case_add(run=draft, case=side.case, by=world.office)
    return Appraisal(
        scheme=scheme,
        component=scheme.components.order_by("pk").first(),
        run=run,
        adjustment=adjustment,
        draft=draft,
        draft_adjustment=draft.adjustments.get(),
        typical=typical,
    )


# ---- appraisal: year-end ------------------------------------------------------------------------------


def _year_end(world: World) -> tuple[Any, Any]:
    """A 表彰 list of this year, built without published runs: a scheme whose rules praise every
    巡查员 and 义务管理员 (no reports needed) gives it entries to toggle."""
    from chuangcheng.appraisal.choices import YearEndKind
    from chuangcheng.appraisal.models import default_year_end_rules
    from chuangcheng.appraisal.services import scheme_create_default
    from chuangcheng.appraisal.services_yearend import year_end_build

    scheme = scheme_create_default(by=world.office, name="年终评定矩阵方案")
    scheme.year_end_rules = {**default_year_end_rules(), "person_min_reports": 0}
    scheme.save(update_fields=["year_end_rules"])
    year = timezone.localdate().year
    year_list = year_end_build(scheme=scheme, year=year, kind=YearEndKind.PRAISE, by=world.office)
    return year_list, year_list.entries.order_by("pk").first()


# ---- end of year-end ----
