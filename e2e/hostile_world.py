"""A county whose every user- or import-settable text field holds a hostile string (the XSS sweep).

Each field gets its own number N and a payload that would, if any page or script put it into
the DOM as HTML, create an element with id="xssN" (and an <img src=x> whose onerror opens a
dialog, and an inline <script>); escaped, it shows as text containing "id=xssN". The values are
written the way real ones arrive: places through the .xlsx importers, the framework and the
任务分解表 through theirs, everything else through the services. Fields with no service (site
types and pledge items, kept in the admin) are created as the admin would, with the ORM.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from chuangcheng.appraisal import services as appraisal
from chuangcheng.appraisal.choices import AdjustmentKind, YearEndKind
from chuangcheng.appraisal.models import Scheme, default_year_end_rules
from chuangcheng.appraisal.services_yearend import year_end_build, year_end_entry_toggle
from chuangcheng.cases import services as cases
from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case, Category
from chuangcheng.conftest import World
from chuangcheng.core.audit import log_action
from chuangcheng.core.evidence import check_evidence
from chuangcheng.core.photos import process_photo
from chuangcheng.core.services import holiday_save
from chuangcheng.indicators import services as indicators
from chuangcheng.indicators.choices import CampaignKind, MilestoneKind, TitleLevel
from chuangcheng.indicators.framework_seed import FRAMEWORK_HEADERS, TASK_HEADERS
from chuangcheng.indicators.imports import import_framework, import_tasks
from chuangcheng.indicators.models import Campaign, ProgressReport, SupervisionNotice, Task
from chuangcheng.inspections import services as inspections
from chuangcheng.inspections.checklist_io import import_checklists
from chuangcheng.inspections.choices import InspectionKind, Outcome
from chuangcheng.inspections.models import Checklist, ChecklistItem, Plan, Visit
from chuangcheng.inspections.services import Answer, checklists_seed, inspection_submit
from chuangcheng.notifications.services import notify
from chuangcheng.org.choices import Role, UnitGroup, UnitKind
from chuangcheng.org.models import Person, Unit
from chuangcheng.org.services import membership_grant, person_create, unit_alias_add, unit_create, unit_set_save
from chuangcheng.places.imports import import_file
from chuangcheng.places.models import Grid, PledgeItem, RoadSegment, Shop, Site, SiteType
from chuangcheng.places.services import shop_save

from .helpers import xlsx_bytes

CAMPAIGN = "XSS-2027"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SEGMENT_LINE = "LINESTRING (114.3000 34.8000, 114.3040 34.8000)"
GRID_AREA = "POLYGON ((114.2990 34.7990, 114.3050 34.7990, 114.3050 34.8010, 114.2990 34.8010, 114.2990 34.7990))"
SPOT = (114.3020, 34.80003)  # on the hostile segment, inside the hostile grid


@dataclass
class Hostile:
    """The payloads handed out so far: field label → its number."""

    fields: dict[str, int] = field(default_factory=dict)

    def __call__(self, label: str, max_length: int = 200, *, file_name: bool = False) -> str:
        n = self.fields.setdefault(label, len(self.fields) + 1)
        full = f'"><img src=x id=xss{n} onerror=alert({n})><script>alert({n})</script>{{{{7*7}}}}xss{n}'
        mid = f'"><img src=x id=xss{n} onerror=alert({n})>{{{{7*7}}}}'
        short = f"<b/id=xss{n}>"  # "/" separates attributes, as a space would
        # A file name loses everything up to its last "/" on upload.
        for payload in (mid,) if file_name else (full, mid, short):
            if len(payload) <= max_length:
                return payload
        raise ValueError(f"{label}: {max_length} characters hold no payload")


@dataclass
class HostileWorld:
    world: World
    h: Hostile
    unit: Unit
    person: Person
    segment: RoadSegment
    grid: Grid
    site: Site
    shop: Shop
    category: Category
    cases: list[Case]
    campaign: Campaign
    tasks: list[Task]
    notices: list[SupervisionNotice]
    report: ProgressReport
    checklist: Checklist | None = None
    checklist_item: ChecklistItem | None = None
    inspections: list = field(default_factory=list)  # inspections (results area)
    plan: Plan | None = None  # a started 周检查 of the hostile site and segment, its team led by chief_a
    appraisal: dict = field(default_factory=dict)  # 月度考核: ids of the scheme, runs and the hostile town


def _import_places(kind: str, row: dict[str, object]) -> None:
    result = import_file(
        kind=kind, file=io.BytesIO(xlsx_bytes(list(row), [tuple(row.values())])), filename=f"{kind}.xlsx"
    )
    assert result.ok, (kind, result.errors)


def _org(w: World, h: Hostile) -> tuple[Unit, Person]:
    unit = unit_create(
        name=h("unit name", 100),
        short_name=h("unit short name", 50),
        code="T01C09",
        kind=UnitKind.COMMUNITY,
        group=UnitGroup.COMMUNITY,
        parent=w.town_a,
    )
    person = person_create(
        username="xss_person", real_name=h("person real name", 50), unit=unit, title=h("person title", 50)
    )
    membership_grant(person=person, unit=unit, role=Role.HANDLER)
    unit_alias_add(unit=unit, name=h("unit alias", 100), by=w.office)
    unit_set_save(
        name=h("unit set name", 50), units=[unit], name_endings=h("unit set endings", 100), note=h("unit set note")
    )
    return unit, person


def _places(w: World, h: Hostile) -> tuple[RoadSegment, Grid, Site, Shop]:
    codes = {kind: h(f"{kind} code", 32) for kind in ("segment", "site", "shop")}
    _import_places(
        "grid",
        {
            "网格编码": "410221001001009",
            "名称": h("grid name", 100),
            "所属街道/乡镇": "T01",
            "所属社区/村": "T01C09",
            "几何(WKT)": GRID_AREA,
        },
    )
    _import_places(
        "segment",
        {
            "路段编码": codes["segment"],
            "名称": h("segment name", 100),
            "道路名称": h("segment road name", 100),
            "起点": h("segment from", 100),
            "终点": h("segment to", 100),
            "包保单位": "T01",
            "路长": w.chief_a.username,
            "几何(WKT)": SEGMENT_LINE,
        },
    )
    site_type = SiteType.objects.create(code="xss", name=h("site type name", 50))
    _import_places(
        "site",
        {
            "点位编码": codes["site"],
            "名称": h("site name", 100),
            "点位类型": site_type.name,
            "地址": h("site address", 200),
            "责任单位": "T01",
            "经度": 114.3010,
            "纬度": 34.8005,
        },
    )
    pledge = PledgeItem.objects.create(
        code="xss", name=h("pledge item name", 20), description=h("pledge item text", 200)
    )
    _import_places(
        "shop",
        {
            "门店编码": codes["shop"],
            "店名": h("shop name", 100),
            "地址": h("shop address", 200),
            "经营者": h("shop operator name", 50),
            "所在路段": codes["segment"],
            "经度": 114.3030,
            "纬度": 34.8001,
        },
    )
    # The import splits 承诺事项 on separators the payload contains; the shop form sets them whole.
    shop = shop_save(shop=Shop.objects.get(code=codes["shop"]), pledge_items=[pledge])
    return (
        RoadSegment.objects.get(code=codes["segment"]),
        Grid.objects.get(code="410221001001009"),
        Site.objects.get(code=codes["site"]),
        shop,
    )


def _photo():  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buffer, "JPEG")
    return process_photo(SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg"))


def _evidence(name: str):  # type: ignore[no-untyped-def]
    return check_evidence(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


def _category(w: World, h: Hostile) -> Category:
    cases.seed_categories()
    parent = Category.objects.filter(parent__isnull=True).order_by("sort_order", "code").first()
    category = Category(
        parent=parent,
        code="XSS01",
        name=h("category name", 50),
        accept_condition=h("category accept condition", 2000),
        close_condition=h("category close condition", 2000),
        time_limit=Decimal(5),
    )
    return cases.category_save(category=category, by=w.office)


def _cases(w: World, h: Hostile, category: Category, handler: Person) -> list[Case]:
    lon, lat = SPOT

    def report(n: int) -> Case:
        case, _ = cases.case_report(
            by=w.inspector,
            source=Source.PATROL,
            category=category,
            lon=lon,
            lat=lat,
            photos=[_photo()],
            description=h(f"case description {n}", 2000),
            address=h(f"case address {n}", 200),
            reporter_name=h(f"case reporter name {n}", 50),
        )
        return case

    def dispatched(n: int) -> Case:
        case = cases.case_accept(case=report(n), by=w.office, note=h(f"case accept note {n}"))
        return cases.case_dispatch(
            case=case, by=w.office, unit=w.town_a, handler=handler, note=h(f"case dispatch note {n}")
        )

    rework = dispatched(1)
    request = cases.extension_request(
        case=rework, by=w.admin_a, amount=Decimal(2), time_unit=rework.time_unit, reason=h("extension reason")
    )
    cases.extension_decide(request=request, by=w.office, approve=True, note=h("extension decision note"))
    rework.refresh_from_db()
    cases.case_handle(case=rework, by=w.admin_a, note=h("case handle note"), photos=[_photo()])
    cases.case_verify(case=rework, by=w.supervisor, passed=False, note=h("case verify note"))
    rejected = cases.case_reject(case=report(2), by=w.office, reason=h("case reject reason"))
    returned = cases.case_return(case=dispatched(3), by=w.admin_a, reason=h("case return reason"))
    suspended = cases.case_suspend(
        case=dispatched(4), by=w.office, project=h("case suspend project"), reason=h("case suspend reason")
    )
    cases.case_resume(case=suspended, by=w.office, note=h("case resume note"))
    reopened = dispatched(5)
    cases.case_handle(case=reopened, by=w.admin_a, note="已处理", photos=[_photo()])
    cases.case_verify(case=reopened, by=w.supervisor, passed=True, note="通过")
    cases.case_reopen(case=reopened, by=w.office, reason=h("case reopen reason"))
    merged = cases.case_merge(case=report(6), by=w.office, into=rework, note=h("case merge note"))
    return [Case.objects.get(pk=c.pk) for c in (rework, rejected, returned, suspended, reopened, merged)]


def _framework_rows(h: Hostile) -> tuple[list[tuple], list[tuple]]:
    project, content = h("indicator project name", 100), h("indicator content name", 100)
    standard, other = h("indicator standard name", 100), h("indicator standard name 2", 100)
    today = timezone.localdate()
    nodes = [
        ("S1", "", "测评项目", project, h("indicator project text", 2000), 40, 1, "", ""),
        ("S1.1", "S1", "测评内容", content, "", 20, 1, "实地考察", ""),
        ("S1.1.1", "S1.1", "测评标准", standard, h("indicator standard text", 2000), 10, 1, "实地考察", "SJ0102"),
        ("S1.1.2", "S1.1", "测评标准", other, "", 10, 1, "实地考察", ""),
    ]
    tasks = [
        (
            h("task code", 40),
            project,
            content,
            standard,
            h("task title", 200),
            "城关街道",
            "县创建办",
            today + dt.timedelta(days=30),
            h("task target", 500),
        ),
        ("RW002", project, content, other, "开展专项整治", "城关街道", "", today + dt.timedelta(days=60), "整改率100%"),
    ]
    return nodes, tasks


def _indicators(
    w: World, h: Hostile, unit: Unit
) -> tuple[Campaign, list[Task], list[SupervisionNotice], ProgressReport]:
    campaign = Campaign(
        code=CAMPAIGN,
        name=h("campaign name", 100),
        kind=CampaignKind.CIVILIZED,
        title_level=TitleLevel.PROVINCIAL,
        framework_edition=h("campaign framework edition", 100),
        pass_score=Decimal("68.00"),
    )
    milestone = indicators.MilestoneIn(
        kind=MilestoneKind.PROVINCIAL_CHECK,
        name=h("milestone name", 100),
        date=timezone.localdate() + dt.timedelta(days=90),
        note=h("milestone note"),
    )
    campaign = indicators.campaign_save(campaign=campaign, by=w.office, milestones=[milestone])
    nodes, task_rows = _framework_rows(h)
    for importer, headers, rows in (
        (import_framework, FRAMEWORK_HEADERS, nodes),
        (import_tasks, TASK_HEADERS, task_rows),
    ):
        result = importer(campaign=campaign, data=xlsx_bytes(headers, rows), by=w.office)
        assert result.ok, result.errors
    first, second = Task.objects.filter(campaign=campaign).order_by("code")
    first = indicators.task_update(
        task=first, by=w.office, description=h("task description", 2000), cooperating_units=[unit]
    )
    report, _ = indicators.report_progress(
        task=first,
        by=w.admin_a,
        percent=40,
        narrative=h("report narrative", 2000),
        files=[_evidence(h("evidence file name", 100, file_name=True) + ".pdf")],
    )
    report = indicators.review_report(report=report, by=w.office, accept=False, comment=h("report review comment"))
    indicators.report_progress(task=first, by=w.admin_a, percent=50, narrative=h("report narrative 2", 2000))
    open_notice = indicators.notice_issue(task=first, by=w.office, reason=h("notice reason", 2000))
    closed = indicators.notice_issue(task=second, by=w.supervisor, reason=h("notice reason 2", 2000))
    closed = indicators.notice_reply(
        notice=closed,
        by=w.admin_a,
        reply=h("notice reply", 2000),
        files=[_evidence(h("notice evidence file name", 100, file_name=True) + ".pdf")],
    )
    closed = indicators.notice_close(notice=closed, by=w.office, note=h("notice close note"))
    return campaign, [first, second], [open_notice, closed], report


def _checklists(w: World, h: Hostile, site: Site, category: Category) -> tuple[Checklist, ChecklistItem]:
    """A checklist item of the hostile site type, imported from .xlsx as the office would, linked to a standard."""
    row = {
        "检查表": site.site_type.name,
        "类别": "环境卫生",
        "检查内容": h("checklist item text", 200),
        "检查方法": h("checklist item method", 300),
        "扣分": 1,
        "失分需拍照": "是",
        "案件小类": category.code,
        "关联指标": f"{CAMPAIGN}:S1.1.1",
    }
    result = import_checklists(data=xlsx_bytes(list(row), [tuple(row.values())]), by=w.office)
    assert result.ok, result.errors
    checklist = Checklist.objects.get(site_type=site.site_type)
    return checklist, checklist.items.get()


def _inspections(w: World, h: Hostile, site: Site, item: ChecklistItem) -> list:
    """The road chief's inspection of the hostile site failing the hostile (imported, linked) item, with a
    photo: the results pages and readiness."""
    from chuangcheng.inspections.choices import InspectionKind, Outcome
    from chuangcheng.inspections.services import Answer, inspection_submit

    answer = Answer(item.pk, Outcome.FAIL, h("inspection result note", 300), (_photo(),))
    inspection, _ = inspection_submit(
        by=w.chief_a, kind=InspectionKind.CHECK, site=site, answers=[answer], note=h("inspection note", 500)
    )
    return [inspection]


# ---- inspections: field (the phone pages) ----
FIELD_KEY = "xss-field-0001"


def _field(w: World, h: Hostile, site: Site, segment: RoadSegment, item: ChecklistItem) -> None:
    """Today's visits of chief_a to the hostile places (taking them over from the generated routes), and
    the office's inspection of the site failing the hostile item with a hostile note (its done page)."""
    today = timezone.localdate()
    checklists_seed()  # the hostile segment's road class
    for place in ({"site": site}, {"segment": segment}):
        Visit.objects.update_or_create(
            kind=InspectionKind.PATROL,
            due_on=today,
            **place,
            defaults={"assignee": w.chief_a, "starts_on": today},
        )
    inspection_submit(
        by=w.office,
        kind=InspectionKind.PATROL,
        site=site,
        answers=[Answer(item.pk, Outcome.FAIL, h("field failure note", 300), (_photo(),))],
        idempotency_key=FIELD_KEY,
    )


def _plan(w: World, h: Hostile) -> Plan:
    """A 周检查 with a hostile name sampling the hostile site type and the segment's class; a hostile team."""
    plan = inspections.plan_create(
        by=w.supervisor,
        kind="check",
        name=h("plan name", 100),
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=4),
        seed=1,
        sample={"site_types": {"xss": 1}, "road_classes": {"secondary": 1}},
    )
    inspections.team_save(plan=plan, by=w.supervisor, name=h("team name", 50), leader=w.chief_a)
    inspections.visits_assign(plan=plan, by=w.supervisor)
    return inspections.plan_activate(plan=plan, by=w.supervisor)


def build(w: World) -> HostileWorld:
    """Seed the hostile values (about 70 fields) into ``w``."""
    h = Hostile()
    unit, person = _org(w, h)
    segment, grid, site, shop = _places(w, h)
    category = _category(w, h)
    case_list = _cases(w, h, category, person)
    holiday_save(
        day=timezone.localdate() + dt.timedelta(days=20),
        is_workday=False,
        by=w.office,
        name=h("holiday name", 50),
        note=h("holiday note"),
    )
    campaign, tasks, notices, report = _indicators(w, h, unit)
    audit_data = {h("audit data key"): [h("audit old value"), h("audit new value")], "note": h("audit note")}
    log_action(unit, h("audit action", 64), by=person, data=audit_data)
    everyone = [w.office, w.leader, w.admin_a, w.chief_a, w.supervisor, w.handler_a]
    notify(recipients=everyone, kind="system", title=h("notification title", 200), body=h("notification body", 2000))
    plan = _plan(w, h)
    hostile = HostileWorld(
        w, h, unit, person, segment, grid, site, shop, category, case_list, campaign, tasks, notices, report, plan=plan
    )
    hostile.checklist, hostile.checklist_item = _checklists(w, h, site, category)
    hostile.inspections = _inspections(w, h, site, hostile.checklist_item)
    _patrols(segment, site, person)
    _field(w, h, site, segment, hostile.checklist_item)
    hostile.appraisal = _appraisal(w, h, case_list[0], person)
    return hostile


def _appraisal(w: World, h: Hostile, case: Case, person: Person) -> dict:
    """This month's 月度考核 with a hostile town, scheme and component name, a 加减分 reason, the
    bulletin's texts and a 典型问题 note; published, then corrected (with a hostile reason) into a
    draft that carries a hostile comment. The charts draw the unit and component names."""
    town = unit_create(
        name=h("appraisal town name", 100), code="T09", kind=UnitKind.TOWN, group=UnitGroup.TOWN, parent=w.county
    )
    scheme = appraisal.scheme_create_default(by=w.office, name=h("appraisal scheme name", 100))
    component = scheme.components.get(kind="on_time_handle")
    component.name = h("appraisal component name", 50)
    appraisal.component_save(component=component, by=w.office)
    today = timezone.localdate()
    run = appraisal.month_run_create(scheme=scheme, by=w.office, year=today.year, month=today.month)
    appraisal.adjustment_add(
        run=run, unit=town, kind=AdjustmentKind.MEDIA, points=Decimal("-5"), reason=h("adjustment reason"), by=w.office
    )
    texts = {key: h(f"bulletin {key}") for key in ("summary", "typical_intro", "requirements")}
    appraisal.bulletin_text_save(run=run, by=w.office, texts=texts)
    appraisal.typical_case_add(run=run, case=case, by=w.office, note=h("typical case note", 300))
    run = appraisal.run_publish(run=run, by=w.office)
    draft = appraisal.run_correct(run=run, by=w.office, reason=h("correction reason"))
    appraisal.comment_add(run=draft, by=w.office, text=h("appraisal comment"), unit=town)
    return {
        "scheme": scheme.pk,
        "run": run.pk,
        "draft": draft.pk,
        "unit": town.pk,
        "year_end": _year_end(w, h, scheme, person),
    }


def _year_end(w: World, h: Hostile, scheme: Scheme, person: Person) -> int:
    """This year's 表彰 list: rules that praise every 巡查员 and 义务管理员 put the hostile person (an
    inspector of the hostile street) on it; its entry is left out with a hostile note."""
    scheme.year_end_rules = {**default_year_end_rules(), "person_min_reports": 0, "person_min_patrol_rate": 0}
    scheme.save(update_fields=["year_end_rules"])
    year_list = year_end_build(scheme=scheme, year=timezone.localdate().year, kind=YearEndKind.PRAISE, by=w.office)
    entry = year_list.entries.get(person=person)
    year_end_entry_toggle(entry=entry, included=False, note=h("year-end note", 300), by=w.office)
    return year_list.pk


def _patrols(segment: RoadSegment, site: Site, person: Person) -> None:
    """Today's 日巡查 routes: the hostile segment to its road chief, the hostile site to the hostile
    person (an inspector of its street too), so the plan calendar and the day page name them."""
    from chuangcheng.inspections.models import PatrolRule
    from chuangcheng.inspections.services import patrol_routes_generate

    assert person.unit is not None
    membership_grant(person=person, unit=person.unit, role=Role.INSPECTOR)
    PatrolRule.objects.create(road_class=segment.road_class, times_per_week=7)
    PatrolRule.objects.create(site_type=site.site_type, times_per_week=7)
    patrol_routes_generate(day=timezone.localdate())
