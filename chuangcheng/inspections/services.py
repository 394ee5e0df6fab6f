"""Writes of the checklists: item edits are versioned and logged, the default content is seeded once."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from chuangcheng.cases.choices import Source
from chuangcheng.cases.models import Case
from chuangcheng.cases.selectors import open_cases_near, subcategories_by_name
from chuangcheng.cases.services import case_report
from chuangcheng.core import transitions
from chuangcheng.core.audit import changes, log_action, snapshot
from chuangcheng.core.errors import DomainError, require_text
from chuangcheng.core.photos import ProcessedPhoto, save_photo
from chuangcheng.indicators.choices import NodeLevel
from chuangcheng.org.access import require_role
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Membership
from chuangcheng.places.choices import RoadClass
from chuangcheng.places.models import RoadSegment, Site, SiteType
from chuangcheng.places.selectors import town_of

from . import access as plan_access
from . import checklist_seed, patrols, sampling
from .choices import InspectionKind, Outcome, PlanStatus
from .models import (
    Checklist,
    ChecklistItem,
    ChecklistItemVersion,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    PatrolRule,
    Plan,
    Team,
    Visit,
)
from .selectors import active_items, checklist_for_segment, checklist_for_site

LISTED_FIELDS = ("sort_order", "is_active")


@transaction.atomic
def checklist_item_save(*, item: ChecklistItem, by: Any) -> ChecklistItem:
    """Save an item edited as a whole. A change of its content starts a new version (inspections
    already done keep theirs); a change of order or of the active flag does not."""
    item.full_clean(exclude=["version"])
    if item.pk is None:
        item.version = 1
        item.save()
        item.current_version(by).save()
        log_action(item, "inspections.item.create", by=by, data=snapshot(item, ChecklistItem.CONTENT_FIELDS))
        return item
    stored = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    fields = (*ChecklistItem.CONTENT_FIELDS, *LISTED_FIELDS)
    diff = changes(snapshot(stored, fields), snapshot(item, fields))
    content_changed = any(name in diff for name in ChecklistItem.CONTENT_FIELDS)
    item.version = stored.version + 1 if content_changed else stored.version
    item.save()
    if content_changed:
        item.current_version(by).save()
    if diff:
        log_action(item, "inspections.item.change", by=by, data={**diff, "version": item.version})
    return item


@dataclass(frozen=True)
class SeedResult:
    checklists: int
    items: int


def _items_of(checklist: Checklist, rows: Iterable[checklist_seed.Item], categories: dict[str, Any]) -> list:
    return [
        ChecklistItem(
            checklist=checklist,
            sort_order=order,
            family=family,
            text=text,
            method=method,
            deduction=Decimal(str(deduction)),
            photo_required=photo,
            case_category=categories.get(category),
        )
        for order, (family, text, method, deduction, photo, category) in enumerate(rows)
    ]


def _targets() -> list[tuple[dict[str, Any], str, list[checklist_seed.Item]]]:
    """(checklist fields, name, items) of every default checklist whose target exists."""
    targets: list[tuple[dict[str, Any], str, list[checklist_seed.Item]]] = []
    for site_type in SiteType.objects.filter(code__in=checklist_seed.SITE_TYPE_ITEMS).order_by("sort_order"):
        rows = checklist_seed.SITE_TYPE_ITEMS[site_type.code]
        targets.append(({"site_type": site_type}, f"{site_type.name}检查表", rows))
    for road_class, label in RoadClass.choices:
        rows = checklist_seed.ROAD_CLASS_ITEMS.get(road_class, [])
        targets.append(({"road_class": road_class}, f"{label}路段检查表", rows))
    return targets


@transaction.atomic
def checklists_seed(*, by: Any = None) -> SeedResult:
    """Create the default checklist of every site type and road class that has none yet.

    Checklists already there (edited by the office or not) stay as they are; run it again after
    a new site type is added. Items name their case category by 小类 name; a name the office has
    renamed or removed leaves the item without one.
    """
    categories = subcategories_by_name()
    created = items = 0
    for target, name, rows in _targets():
        if not rows or Checklist.objects.filter(**target).exists():
            continue
        checklist = Checklist.objects.create(name=name, **target)
        new = ChecklistItem.objects.bulk_create(_items_of(checklist, rows, categories))
        ChecklistItemVersion.objects.bulk_create(item.current_version() for item in new)
        created, items = created + 1, items + len(new)
    if created:
        log_action(None, "inspections.checklist.seed", by=by, data={"checklists": created, "items": items})
    return SeedResult(checklists=created, items=items)


# ---- inspections ------------------------------------------------------------------------------

INSPECTOR_ROLES = (Role.INSPECTOR, Role.ROAD_CHIEF, Role.SUPERVISOR, Role.OFFICE)
FULL_SCORE = Decimal("100")


@dataclass(frozen=True)
class Answer:
    """The inspector's verdict on one item, with the photos taken of a failure."""

    item_id: int
    outcome: str
    note: str = ""
    photos: Sequence[ProcessedPhoto] = ()


def _checklist_of(site: Site | None, segment: RoadSegment | None) -> Checklist:
    if site is not None and segment is None:
        checklist = checklist_for_site(site)
    elif segment is not None and site is None:
        checklist = checklist_for_segment(segment)
    else:
        raise DomainError(_("请选择一个点位或一个路段"))
    if checklist is None:
        raise DomainError(_("该点位或路段还没有启用的检查表"))
    return checklist


def _answers_by_item(answers: Sequence[Answer], items: dict[int, ChecklistItem]) -> dict[int, Answer]:
    """Every active item answered exactly once, with a known outcome and the photo a failure needs."""
    found: dict[int, Answer] = {}
    for answer in answers:
        item = items.get(answer.item_id)
        if item is None:
            raise DomainError(_("检查项已停用或不属于本检查表，请刷新后重新检查"))
        if answer.item_id in found:
            raise DomainError(_("“%(item)s”填写了两次") % {"item": item.text})
        if answer.outcome not in Outcome.values:
            raise DomainError(_("“%(item)s”的结果无效") % {"item": item.text})
        if answer.outcome == Outcome.FAIL and item.photo_required and not answer.photos:
            raise DomainError(_("“%(item)s”不合格，须拍照") % {"item": item.text})
        found[answer.item_id] = answer
    if missing := [item.text for pk, item in items.items() if pk not in found]:
        raise DomainError(
            _("还有 %(count)d 项未检查：%(items)s") % {"count": len(missing), "items": "、".join(missing[:3])}
        )
    return found


def _place_point(site: Site | None, segment: RoadSegment | None) -> tuple[float, float]:
    """Where a failure's case lies: the site's point, or the middle of the segment's bounding box."""
    if site is not None:
        return site.lon, site.lat
    assert segment is not None
    return (segment.min_lon + segment.max_lon) / 2, (segment.min_lat + segment.max_lat) / 2


def _case_for_failure(
    inspection: Inspection, item: ChecklistItem, answer: Answer, place: tuple[float, float]
) -> tuple[Case, bool]:
    """The open case of the item's category within the duplicate radius, or a new one (case, opened)."""
    category = item.case_category
    assert category is not None
    if near := open_cases_near(category=category, lon=place[0], lat=place[1]):
        return near[0][0], False
    source = Source.PATROL if inspection.kind == InspectionKind.PATROL else Source.INSPECTION
    text = f"{inspection.checklist.name}：{item.text}" + (f"（{answer.note}）" if answer.note else "")
    target = inspection.site or inspection.segment
    case, _created = case_report(
        by=inspection.inspector,
        source=source,
        category=category,
        description=text,
        lon=place[0],
        lat=place[1],
        photos=answer.photos,
        address=str(target),
    )
    return case, True


def _earlier(by: Any, key: str) -> Inspection | None:
    """The inspection this inspector already submitted with this key (a retry), if any."""
    return Inspection.objects.filter(inspector=by, idempotency_key=key).first() if key else None


@transaction.atomic
def inspection_submit(
    *,
    by: Any,
    kind: str,
    answers: Sequence[Answer],
    site: Site | None = None,
    segment: RoadSegment | None = None,
    lon: float | None = None,
    lat: float | None = None,
    note: str = "",
    idempotency_key: str = "",
    visit: Visit | None = None,
) -> tuple[Inspection, bool]:
    """Submit a whole inspection: score it, and open (or join) a case for each failed item with a category.

    With an ``idempotency_key`` a retried submission (a phone that lost its signal) returns the
    first inspection instead of recording a second one.
    """
    require_role(by, *INSPECTOR_ROLES, action=pgettext("transition", "提交检查"))
    if existing := _earlier(by, idempotency_key):
        return existing, False
    if kind not in InspectionKind.values:
        raise DomainError(_("未知的检查类型"))
    if visit is not None and (visit.site_id, visit.segment_id) != (
        site.pk if site else None,
        segment.pk if segment else None,
    ):
        raise DomainError(_("计划点位与所检查的点位不一致，请刷新后重试"))
    checklist = _checklist_of(site, segment)
    place = site if site is not None else segment
    assert place is not None  # _checklist_of refuses neither or both
    items = {item.pk: item for item in active_items(checklist)}
    verdicts = _answers_by_item(answers, items)
    failed = [items[pk] for pk, answer in verdicts.items() if answer.outcome == Outcome.FAIL]
    deductions = sum((item.deduction for item in failed), Decimal("0"))
    inspection = Inspection(
        kind=kind,
        inspector=by,
        checklist=checklist,
        site=site,
        segment=segment,
        unit_id=place.unit_id,
        town_id=town_of(place),
        submitted_at=transitions.now(),
        lon=lon,
        lat=lat,
        note=note.strip(),
        deductions=deductions,
        score=max(Decimal("0"), FULL_SCORE - deductions),
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:
        if existing := _earlier(by, idempotency_key):
            return existing, False
        raise
    in_force = ChecklistItemVersion.objects.filter(item__in=items.values(), number=F("item__version"))
    versions = {version.item_id: version for version in in_force}
    point = _place_point(site, segment)
    results = []
    for pk, answer in verdicts.items():
        item = items[pk]
        result = InspectionResult(
            inspection=inspection, item_version=versions[pk], outcome=answer.outcome, note=answer.note.strip()
        )
        if answer.outcome == Outcome.FAIL:
            result.deduction = item.deduction
            if item.case_category is not None:
                result.case, result.case_opened = _case_for_failure(inspection, item, answer, point)
        results.append(result)
    InspectionResult.objects.bulk_create(results)
    _store_photos(results, verdicts)
    if visit is not None:
        _mark_visited(visit, inspection)
    return inspection, True


def _store_photos(results: Sequence[InspectionResult], verdicts: dict[int, Answer]) -> None:
    """Keep every failure's photos with its result (content-addressed files, as the cases' photos)."""
    rows = []
    for result in results:
        for photo in verdicts[result.item_version.item_id].photos:
            path, thumb = save_photo(photo, prefix="inspections")
            lon, lat = photo.gps if photo.gps else (None, None)
            rows.append(
                InspectionPhoto(
                    result=result,
                    image=path,
                    thumbnail=thumb,
                    sha256=photo.sha256,
                    width=photo.width,
                    height=photo.height,
                    taken_at=photo.taken_at,
                    lon=lon,
                    lat=lat,
                )
            )
    InspectionPhoto.objects.bulk_create(rows)


def _mark_visited(visit: Visit, inspection: Inspection) -> None:
    """The planned visit is done by this inspection, if it was not done already and its day has not passed."""
    Visit.objects.filter(
        pk=visit.pk, inspection__isnull=True, due_on__gte=timezone.localdate(inspection.submitted_at)
    ).update(inspection=inspection, done_at=inspection.submitted_at)


# ---- checklists: the office's edits (order, active flag, indicator links, new checklists) ---------

CHECKLIST_EDITOR_ROLES = (Role.OFFICE,)


def _require_checklist_editor(by: Any) -> None:
    require_role(by, *CHECKLIST_EDITOR_ROLES, action=_("修改检查表"))


@transaction.atomic
def checklist_create(*, by: Any, site_type: SiteType | None = None, road_class: str = "") -> Checklist:
    """The (empty) checklist of a site type or a road class that has none yet, named as the seeded ones."""
    _require_checklist_editor(by)
    if (site_type is None) == (not road_class):
        raise DomainError(_("检查表须对应一个点位类型或一个道路等级"))
    target: dict[str, Any] = {"site_type": site_type} if site_type is not None else {"road_class": road_class}
    if existing := Checklist.objects.filter(**target).first():
        return existing
    name = f"{site_type.name}检查表" if site_type is not None else f"{RoadClass(road_class).label}路段检查表"
    checklist = Checklist.objects.create(name=name, **target)
    log_action(checklist, "inspections.checklist.create", by=by, data={"name": name})
    return checklist


@transaction.atomic
def checklist_set_active(*, checklist: Checklist, active: bool, by: Any) -> Checklist:
    """停用 or 启用 a whole checklist: a site or segment without an active checklist cannot be inspected."""
    _require_checklist_editor(by)
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    if checklist.is_active != active:
        log_action(checklist, "inspections.checklist.change", by=by, data={"is_active": [checklist.is_active, active]})
        checklist.is_active = active
        checklist.save(update_fields=["is_active", "updated_at"])
    return checklist


@transaction.atomic
def checklist_item_set_active(*, item: ChecklistItem, active: bool, by: Any) -> ChecklistItem:
    """停用 or 启用 an item (no new version: inspections only skip it from now on)."""
    _require_checklist_editor(by)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    item.is_active = active
    return checklist_item_save(item=item, by=by)


@transaction.atomic
def checklist_item_move(*, item: ChecklistItem, offset: int, by: Any) -> list[int]:
    """Move an item ``offset`` places up (negative) or down among its family's items (as the page groups
    them); the checklist is renumbered 0, 1, 2…. Moving past either end stops there.

    Returns the checklist's item ids in their new order.
    """
    _require_checklist_editor(by)
    Checklist.objects.select_for_update().filter(pk=item.checklist_id).order_by("pk").first()
    rows = list(ChecklistItem.objects.filter(checklist_id=item.checklist_id).order_by("sort_order", "pk"))
    ids = [row.pk for row in rows]
    if item.pk not in ids:
        raise DomainError(_("检查项不存在"))
    family = [row.pk for row in rows if row.family == item.family]
    index = family.index(item.pk)
    neighbour = family[max(0, min(len(family) - 1, index + offset))]
    before = list(ids)
    if neighbour != item.pk:
        ids.remove(item.pk)
        at = ids.index(neighbour)
        ids.insert(at if offset < 0 else at + 1, item.pk)
    changed = [row for row in rows if row.sort_order != ids.index(row.pk)]
    for row in changed:
        row.sort_order = ids.index(row.pk)
    ChecklistItem.objects.bulk_update(changed, ["sort_order"])
    if ids != before:
        log_action(item, "inspections.item.move", by=by, data={"order": [before, ids]})
    return ids


@transaction.atomic
def checklist_item_link_indicators(*, item: ChecklistItem, campaign: Any, nodes: Iterable[Any], by: Any) -> list[Any]:
    """Set the 测评内容/测评标准 nodes of ``campaign`` that ``item`` evidences (other campaigns' links stay).

    Links are no part of an item's versioned content: they say where its results count from now on.
    """
    _require_checklist_editor(by)
    chosen = list({node.pk: node for node in nodes}.values())
    for node in chosen:
        if node.campaign_id != campaign.pk:
            raise DomainError(_("指标“%(node)s”不属于%(campaign)s") % {"node": node, "campaign": campaign.name})
        if node.level < NodeLevel.CONTENT:
            raise DomainError(_("只能关联测评内容或测评标准（“%(node)s”不是）") % {"node": node})
    current = list(item.indicators.filter(campaign=campaign).order_by("code"))
    old, new = sorted(n.code for n in current), sorted(n.code for n in chosen)
    if old == new:
        return chosen
    item.indicators.remove(*current)
    item.indicators.add(*chosen)
    log_action(item, "inspections.item.indicators", by=by, data={"campaign": campaign.code, "indicators": [old, new]})
    return chosen


# ---- end checklists ---------------------------------------------------------------------------------
# ---- 日巡查: patrol rules and the daily routes --------------------------------------------------

PATROL_RULE_FIELDS = ("site_type", "road_class", "town", "times_per_week", "is_active")


def _same_rule_exists(rule: PatrolRule) -> bool:
    """Another active rule for the same target and town (a second one would only confuse the routes)."""
    if not rule.is_active:
        return False
    same = PatrolRule.objects.filter(
        is_active=True, site_type_id=rule.site_type_id, road_class=rule.road_class, town_id=rule.town_id
    )
    return same.exclude(pk=rule.pk).exists()


@transaction.atomic
def patrol_rule_save(*, rule: PatrolRule, by: Any) -> PatrolRule:
    """Create or change a patrol rule (office only): one target (a site type or a road class), 1–7 times a week."""
    require_role(by, Role.OFFICE, action=pgettext("transition", "设置巡查规则"))
    if (rule.site_type_id is None) == (not rule.road_class):
        raise DomainError(_("请选择点位类型或道路等级（二选一）"))
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages)) from None
    if _same_rule_exists(rule):
        raise DomainError(_("该对象在该范围内已有启用的巡查规则，请编辑原规则"))
    if rule.pk is None:
        rule.save()
        log_action(rule, "inspections.patrol_rule.create", by=by, data=snapshot(rule, PATROL_RULE_FIELDS))
        return rule
    stored = PatrolRule.objects.select_for_update().get(pk=rule.pk)
    diff = changes(snapshot(stored, PATROL_RULE_FIELDS), snapshot(rule, PATROL_RULE_FIELDS))
    rule.save()
    if diff:
        log_action(rule, "inspections.patrol_rule.change", by=by, data=diff)
    return rule


@transaction.atomic
def patrol_rule_deactivate(*, rule: PatrolRule, by: Any) -> PatrolRule:
    """Stop a rule: the next generation no longer plans its places (visits already done stay)."""
    require_role(by, Role.OFFICE, action=pgettext("transition", "停用巡查规则"))
    if not rule.is_active:
        raise DomainError(_("该巡查规则已停用"))
    rule.is_active = False
    rule.save(update_fields=["is_active", "updated_at"])
    log_action(rule, "inspections.patrol_rule.deactivate", by=by)
    return rule


# Sensible defaults: (site type code or road class, times a week).
DEFAULT_PATROL_RULES: tuple[tuple[str, int], ...] = (
    (RoadClass.MAIN, 7),
    (RoadClass.COMMERCIAL, 7),
    (RoadClass.SECONDARY, 3),
    (RoadClass.BACK_STREET, 1),
    ("market", 2),
    ("public_toilet", 2),
    ("square", 2),
    ("bus_stop", 1),
    ("residential", 1),
    ("school", 1),
    ("hospital", 1),
    ("intersection", 2),
    ("construction", 1),
)


@transaction.atomic
def patrol_rules_seed(*, by: Any = None) -> int:
    """Create the default county-wide rules whose target has no rule yet; returns how many."""
    types = dict(SiteType.objects.values_list("code", "pk"))
    created = 0
    for target, times in DEFAULT_PATROL_RULES:
        fields: dict[str, Any] = (
            {"road_class": target} if target in RoadClass.values else {"site_type_id": types.get(target)}
        )
        if fields.get("site_type_id", 0) is None or PatrolRule.objects.filter(town=None, **fields).exists():
            continue
        PatrolRule.objects.create(times_per_week=times, **fields)
        created += 1
    if created:
        log_action(None, "inspections.patrol_rule.seed", by=by, data={"rules": created})
    return created


@transaction.atomic
def patrol_routes_generate(*, day: dt.date, by: Any = None) -> patrols.Generated:
    """(Re)generate the 日巡查 visits of ``day`` from the active rules (see ``patrols``).

    Idempotent: visits already done stay, undone ones no longer due are removed, none is doubled.
    ``by`` None is the nightly ``tick``; a person must be the office.
    """
    if by is not None:
        require_role(by, Role.OFFICE, action=pgettext("transition", "生成巡查路线"))
        if day < timezone.localdate():
            raise DomainError(_("已过去的日期不能重新生成巡查路线（其漏巡记录须保留）"))
    generated = patrols.write_routes(patrols.routes_for(day))
    if by is not None:
        data = {"day": day.isoformat(), "created": generated.created, "removed": generated.removed}
        log_action(None, "inspections.patrol.generate", by=by, data=data)
    return generated


def patrol_routes_nightly(now: dt.datetime) -> int:
    """The ``tick`` job: tomorrow's routes, and today's if none were generated (how many visits changed)."""
    today = timezone.localdate(now)
    changed = 0
    if not Visit.objects.filter(kind=InspectionKind.PATROL, due_on=today).exists():
        changed += patrol_routes_generate(day=today).total
    return changed + patrol_routes_generate(day=today + dt.timedelta(days=1)).total


# ---- 周检查 and 模拟测评 plans ----------------------------------------------------------------------
#
# A plan is drafted (its sample drawn, redrawn at will, its teams staffed and the sample shared
# among them), started (its teams see their visits on the phone) and closed. Status changes go
# through ``core.transitions.apply_transition``; every write is in the audit log.

PLAN = pgettext_lazy("transition", "检查计划")
MAX_SEED = 2**53  # a seed the page and the JSON API both carry exactly


def _plan_manager(by: Any, kind: str) -> None:
    roles = plan_access.PLAN_MANAGERS.get(kind)
    if roles is None:
        raise DomainError(_("检查计划只能是周检查或模拟测评"))
    label = InspectionKind(kind).label
    require_role(by, *roles, action=_("管理%(kind)s") % {"kind": label})


def _plan_fields(*, kind: str, name: str, starts_on: dt.date, due_on: dt.date, campaign: Any, seed: int) -> str:
    name = require_text(name, _("名称"))
    if len(name) > Plan._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(_("名称不能超过 100 个字"))
    if due_on < starts_on:
        raise DomainError(_("截止日期不能早于开始日期"))
    if kind == InspectionKind.MOCK and campaign is None:
        raise DomainError(_("模拟测评须选择创建项目（按其测评体系预测得分）"))
    if not 0 <= seed < MAX_SEED:
        raise DomainError(_("抽样种子应为 0 到 %(max)d 之间的整数") % {"max": MAX_SEED - 1})
    return name


def new_seed() -> int:
    """A random seed for a new plan (shown on the form, so that the draw can be repeated)."""
    return secrets.randbelow(10**9)


@transaction.atomic
def plan_create(
    *,
    by: Any,
    kind: str,
    name: str,
    starts_on: dt.date,
    due_on: dt.date,
    campaign: Any = None,
    seed: int | None = None,
    sample: dict[str, Any] | None = None,
) -> Plan:
    """Draft a 周检查 or 模拟测评 and draw its sample (``sample`` None: the kind's defaults)."""
    _plan_manager(by, kind)
    seed = new_seed() if seed is None else seed
    name = _plan_fields(kind=kind, name=name, starts_on=starts_on, due_on=due_on, campaign=campaign, seed=seed)
    rules = sampling.normalise(kind, sample)
    plan = Plan.objects.create(
        kind=kind,
        name=name,
        campaign=campaign,
        starts_on=starts_on,
        due_on=due_on,
        seed=seed,
        sample=rules,
        created_by=by if getattr(by, "pk", None) else None,
    )
    count = _draw_visits(plan)
    log_action(
        plan,
        "inspections.plan.create",
        by=by,
        data={**snapshot(plan, ("kind", "name", "campaign", "starts_on", "due_on", "seed")), "visits": count},
    )
    return plan


def _draw_visits(plan: Plan) -> int:
    """Replace the plan's visits by a fresh draw of its sample; shared among its teams if it has any."""
    plan.visits.all().delete()
    draws = sampling.draw(kind=plan.kind, seed=plan.seed, sample=plan.sample)
    Visit.objects.bulk_create(
        Visit(
            kind=plan.kind,
            plan=plan,
            site_id=d.site_id,
            segment_id=d.segment_id,
            town_id=d.town_id,
            starts_on=plan.starts_on,
            due_on=plan.due_on,
        )
        for d in draws
    )
    if plan.teams.exists():
        _assign_balanced(plan)
    return len(draws)


def _locked_draft(plan: Plan, action: str) -> Plan:
    """The plan's row, locked, refused unless it is still a draft."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    transitions.require_status(locked, allowed_from=PlanStatus.DRAFT, noun=PLAN, action_label=action)
    return locked


@transaction.atomic
def plan_sample(
    *,
    plan: Plan,
    by: Any,
    seed: int | None = None,
    sample: dict[str, Any] | None = None,
    name: str | None = None,
    starts_on: dt.date | None = None,
    due_on: dt.date | None = None,
) -> Plan:
    """(Re)draw a draft plan's sample, with a new seed, new counts or new dates (None: keep)."""
    _plan_manager(by, plan.kind)
    locked = _locked_draft(plan, pgettext("transition", "重新抽样"))
    before = snapshot(locked, ("name", "starts_on", "due_on", "seed", "sample"))
    locked.seed = locked.seed if seed is None else seed
    locked.starts_on = starts_on or locked.starts_on
    locked.due_on = due_on or locked.due_on
    locked.name = _plan_fields(
        kind=locked.kind,
        name=locked.name if name is None else name,
        starts_on=locked.starts_on,
        due_on=locked.due_on,
        campaign=locked.campaign,
        seed=locked.seed,
    )
    if sample is not None:
        locked.sample = sampling.normalise(locked.kind, sample)
    locked.save()
    count = _draw_visits(locked)
    diff = changes(before, snapshot(locked, ("name", "starts_on", "due_on", "seed", "sample")))
    log_action(locked, "inspections.plan.sample", by=by, data={**diff, "visits": count})
    plan.refresh_from_db()
    return plan


def _team_people(leader: Any, members: Sequence[Any]) -> list[Any]:
    people = [p for p in [leader, *members] if p is not None]
    roles = dict(
        Membership.objects.filter(person__in=people, role__in=plan_access.TEAM_ROLES).values_list("person_id", "role")
    )
    if strangers := [str(p) for p in people if p.pk not in roles and not p.is_superuser]:
        raise DomainError(
            _("检查组成员须是巡查员、路长/段长、督查室或创建办人员：%(names)s") % {"names": "、".join(strangers)}
        )
    return people


@transaction.atomic
def team_save(
    *,
    plan: Plan,
    by: Any,
    name: str,
    leader: Any = None,
    members: Sequence[Any] = (),
    team: Team | None = None,
) -> Team:
    """Create a team of a plan, or rename and restaff one (not once the plan is closed)."""
    _plan_manager(by, plan.kind)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    transitions.require_status(
        locked,
        allowed_from=[PlanStatus.DRAFT, PlanStatus.ACTIVE],
        noun=PLAN,
        action_label=pgettext("transition", "调整检查组"),
    )
    name = require_text(name, _("检查组名称"))
    if len(name) > Team._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(_("检查组名称不能超过 50 个字"))
    if team is not None and team.plan_id != plan.pk:
        raise DomainError(_("检查组不属于该计划"))
    others = Team.objects.filter(plan=plan, name=name)
    if (others.exclude(pk=team.pk) if team else others).exists():
        raise DomainError(_("本计划已有名为“%(name)s”的检查组") % {"name": name})
    _team_people(leader, members)
    created = team is None
    team = team or Team(plan=plan)
    before: dict[str, Any] = {"name": team.name, "leader": str(team.leader) if team.leader_id else None}
    if not created:
        before["members"] = sorted(str(p) for p in team.members.all())
    team.name, team.leader = name, leader
    team.save()
    team.members.set(members)
    after = {
        "name": name,
        "leader": str(leader) if leader else None,
        "members": sorted(str(p) for p in members),
    }
    action = "inspections.team.create" if created else "inspections.team.change"
    log_action(plan, action, by=by, data={"team": team.pk, **(after if created else changes(before, after))})
    return team


def _assign_balanced(plan: Plan) -> dict[int, int]:
    """Give each town's visits to one team, the biggest towns first to the least loaded team.

    Keeps a team's visits together (one town, one trip) while evening out the counts; towns and
    teams are taken in a fixed order, so the same plan always shares out the same way.
    """
    teams = list(plan.teams.order_by("pk").values_list("pk", flat=True))
    if not teams:
        raise DomainError(_("请先建立检查组"))
    per_town: dict[int, list[int]] = defaultdict(list)
    for pk, town in plan.visits.order_by("pk").values_list("pk", "town_id"):
        per_town[town or 0].append(pk)
    load = dict.fromkeys(teams, 0)
    given: dict[int, int] = {}
    for town, visits in sorted(per_town.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        team = min(teams, key=lambda t: (load[t], teams.index(t)))
        load[team] += len(visits)
        Visit.objects.filter(pk__in=visits).update(team_id=team)
        given[town] = team
    return load


@transaction.atomic
def visits_assign(*, plan: Plan, by: Any, assignments: dict[int, int] | None = None) -> dict[int, int]:
    """Share the plan's visits among its teams: balanced by town (None), or by hand ({visit id: team id}).

    Returns the number of visits per team id afterwards. Refused once the plan is closed.
    """
    _plan_manager(by, plan.kind)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    transitions.require_status(
        locked,
        allowed_from=[PlanStatus.DRAFT, PlanStatus.ACTIVE],
        noun=PLAN,
        action_label=pgettext("transition", "分配点位"),
    )
    if assignments is None:
        _assign_balanced(locked)
        log_action(locked, "inspections.plan.assign", by=by, data={"mode": "balanced"})
    else:
        teams = set(locked.teams.values_list("pk", flat=True))
        visits = set(locked.visits.filter(pk__in=list(assignments)).values_list("pk", flat=True))
        if unknown := sorted(set(assignments) - visits):
            raise DomainError(_("点位不属于该计划：%(ids)s") % {"ids": ", ".join(map(str, unknown[:5]))})
        if sorted(set(assignments.values()) - teams):
            raise DomainError(_("检查组不属于该计划"))
        by_team: dict[int, list[int]] = defaultdict(list)
        for visit, team in assignments.items():
            by_team[team].append(visit)
        for team, pks in by_team.items():
            Visit.objects.filter(pk__in=pks).update(team_id=team)
        log_action(locked, "inspections.plan.assign", by=by, data={"mode": "hand", "visits": len(assignments)})
    counts = locked.visits.values("team_id").annotate(n=Count("pk")).order_by()
    return {row["team_id"]: row["n"] for row in counts if row["team_id"] is not None}


@transaction.atomic
def plan_activate(*, plan: Plan, by: Any) -> Plan:
    """Start a drafted plan: its teams find their visits on the phone. Every visit must have a staffed team."""
    _plan_manager(by, plan.kind)
    label = pgettext("transition", "启动")
    transitions.require_status(plan, allowed_from=PlanStatus.DRAFT, noun=PLAN, action_label=label)
    if not plan.visits.exists():
        raise DomainError(_("样本为空：没有符合抽样规则的点位或路段，请调整抽样数量"))
    if not plan.teams.exists():
        raise DomainError(_("请先建立检查组并分配点位"))
    if unassigned := plan.visits.filter(team__isnull=True).count():
        raise DomainError(_("还有 %(n)d 个点位未分配检查组") % {"n": unassigned})
    if empty := [t.name for t in plan.teams.filter(leader__isnull=True, members__isnull=True)]:
        raise DomainError(_("检查组“%(names)s”没有组长和组员") % {"names": "、".join(empty)})
    transitions.apply_transition(
        plan, allowed_from=PlanStatus.DRAFT, noun=PLAN, action_label=label, status=PlanStatus.ACTIVE
    )
    log_action(plan, "inspections.plan.activate", by=by, data={"visits": plan.visits.count()})
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, by: Any) -> Plan:
    """Close a plan: what was not inspected stays 逾期未检 or pending, and nothing more is assigned."""
    _plan_manager(by, plan.kind)
    transitions.apply_transition(
        plan,
        allowed_from=PlanStatus.ACTIVE,
        noun=PLAN,
        action_label=pgettext("transition", "结束"),
        status=PlanStatus.CLOSED,
    )
    done = plan.visits.filter(done_at__isnull=False).count()
    log_action(plan, "inspections.plan.close", by=by, data={"visits": plan.visits.count(), "done": done})
    return plan
