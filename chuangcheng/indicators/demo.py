"""Demo campaigns on the demo county: frameworks, the 任务分解表 and months of 推进台帐.

Three campaigns (文明城市, 卫生县城, 园林县城) from ``framework_seed``, their tasks decomposed to
the county's real departments and streets, and a ledger history simulated from the day the
tasks were handed out: progress reports with evidence files, the office's reviews (most
accepted, some returned with a comment, the latest ones waiting), 催办 reminders, overdue
tasks with their 督办单 (some answered, some closed). Each step writes the rows and the
``TaskEvent`` its service would, at a plausible past moment; rows go in with ``bulk_create``
(a second, not a minute of service calls). The same seed and day give the same ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from chuangcheng.cases.choices import TimeUnit
from chuangcheng.cases.models import Category
from chuangcheng.cases.services import seed_categories
from chuangcheng.core.evidence import PREFIX as EVIDENCE_PREFIX
from chuangcheng.core.workcalendar import add_working_time
from chuangcheng.org.choices import Role
from chuangcheng.org.models import Membership, Person, Unit

from .choices import CityTier, NoticeStatus, ReportStatus, TaskAction, TaskStatus
from .framework_seed import FRAMEWORKS, FlatNode, FrameworkSeed, TaskSeed, tasks_of, walk
from .models import (
    Campaign,
    Evidence,
    IndicatorNode,
    Milestone,
    ProgressReport,
    ReadinessSnapshot,
    SupervisionNotice,
    Task,
    TaskEvent,
)

# The civilized-city tasks were handed out this many days ago, the other two a little later.
KICKOFF_DAYS_AGO = {"WMCS": 110, "WSXC": 95, "YLXC": 80}
DEADLINE_SPAN = (-60, 180)  # deadlines from two months ago to six months ahead
WH, WD = TimeUnit.WORK_HOURS, TimeUnit.WORK_DAYS
FOCUS_UNITS = {"城关街道", "县城市管理综合执法局"}
FILE_POOL = 12  # distinct files per type: every evidence row points at one of them
KEEPS_STATUS = {TaskAction.REMIND, TaskAction.OVERDUE, TaskAction.NOTICE, TaskAction.REPLY, TaskAction.CLOSE_NOTICE}
BUMPS_VERSION = {TaskAction.REPORT, TaskAction.ACCEPT, TaskAction.RETURN}

EARLY = (
    "已制定《{title}》工作方案，召开专题部署会，明确分管领导和责任科室，建立工作台账。",
    "已成立工作专班，完成现状摸底排查，形成问题清单{n}条，正在逐项推进。",
    "已印发实施方案并分解到各责任股室，前期准备工作基本完成，进入集中实施阶段。",
)
MIDDLE = (
    "对照目标“{target}”，目前已完成约{pct}%，累计投入人员{people}人次，剩余工作正在加快推进。",
    "本阶段完成主要工作量的{pct}%，已整改问题{n}处，发现的新问题已纳入台账跟踪。",
    "按照时间节点推进，完成进度{pct}%；下一步将集中力量攻坚剩余难点，确保按期完成。",
    "已组织专项行动{k}次，完成进度{pct}%，相关照片和台账已同步整理。",
)
FULL = (
    "已全面完成：{target}。工作方案、实施台账和现场照片已整理归档。",
    "各项工作已按目标完成并通过本单位自查验收，佐证材料齐全，申请审核。",
)
RESUBMIT = "已按审核意见补充完善：{fix}。"
RETURN_COMMENTS = (
    ("佐证材料不足，请补充现场照片和工作台账后重新报送。", "补充了现场照片和工作台账"),
    ("进展情况描述笼统，请对照目标量化说明已完成的工作量。", "对照目标逐项量化说明了完成情况"),
    ("经现场核查仍有问题未整改到位，报送进度与实际不符，请核实后重新报送。", "对核查发现的问题完成整改并重新核实进度"),
    ("缺少会议记录和印发的文件，请补充后重新报送。", "补充了会议记录和正式印发的文件"),
)
ACCEPT_COMMENTS = ("", "", "同意。", "材料齐全，审核通过。", "进度属实，请继续推进。")
LAGGING = (
    "经督查，任务“{code} {title}”推进缓慢，当前审核通过进度仅{pct}%，明显滞后于时间进度，请加快推进并书面说明原因。"
)
OVERDUE = "任务“{code} {title}”已超过完成时限（{deadline}），当前审核通过进度 {pct}%，请说明原因并限期完成。"
REPLIES = (
    "收到督办单后，单位主要负责同志专题研究，已制定整改计划，增派人员集中攻坚，预计{date}前全部完成。",
    "逾期原因：前期资金未及时到位、施工受天气影响。现已落实资金，倒排工期，{date}前完成并报送佐证材料。",
    "已落实专人负责，每日调度进度，剩余工作预计{date}前完成，届时报送完成情况。",
)
CLOSE_NOTES = ("整改措施可行，予以办结，请按承诺时间完成。", "已核实整改进展，办结。", "")
FILE_LABELS = {
    "document": "工作方案",
    "photo": "现场照片",
    "ledger": "工作台账",
    "minutes": "会议记录",
    "report": "总结报告",
    "other": "其他材料",
}


@dataclass
class DemoIndicatorsSummary:
    campaigns: int = 0
    nodes: int = 0
    tasks: int = 0
    reports: int = 0
    notices: int = 0
    evidence: int = 0
    events: int = 0
    snapshots: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass
class Story:
    """One task being simulated: its row, and the reports, notices, files and events so far."""

    task: Task
    seed: TaskSeed
    reports: list[ProgressReport] = field(default_factory=list)
    notices: list[SupervisionNotice] = field(default_factory=list)
    files: list[Evidence] = field(default_factory=list)
    events: list[TaskEvent] = field(default_factory=list)

    def event(self, action: str, at: dt.datetime, actor: Person | None, to: str | None = None, **extra: Any) -> None:
        status = self.task.status
        self.task.status = to or status
        self.events.append(
            TaskEvent(
                task=self.task,
                action=action,
                actor=actor,
                at=at,
                from_status=status,
                to_status=self.task.status,
                **extra,
            )
        )
        self.task.updated_at = at


class DemoIndicatorsBuilder:
    """Builds every campaign of ``framework_seed`` on the units of the demo county."""

    def __init__(
        self, *, seed: int = 1, now: dt.datetime | None = None, log: Callable[[str], None] | None = None
    ) -> None:
        self.seed = seed
        self.now = timezone.localtime(now or timezone.now())
        self.today = self.now.date()
        self.log = log or (lambda message: None)
        self.summary = DemoIndicatorsSummary()
        self.pool: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.notice_serials: dict[dt.date, int] = {}

    # --- set-up --------------------------------------------------------------------------------

    def load(self) -> None:
        units = list(Unit.objects.all())
        self.units = {u.name: u for u in units} | {u.short_name: u for u in units if u.short_name}
        wanted = {
            name for fw in FRAMEWORKS for node in walk(fw) for t in tasks_of(node.seed) for name in (t.lead, *t.coop)
        }
        missing = sorted(wanted - set(self.units))
        if missing:
            raise ValueError(f"units missing: {'、'.join(missing)}")
        seed_categories()
        self.categories = dict(Category.objects.values_list("code", "pk"))
        people = {p.pk: p for p in Person.objects.filter(is_active=True)}
        self.by_role: dict[str, list[Person]] = {}
        self.staff: dict[int, list[Person]] = {}
        for person_id, unit_id, role in Membership.objects.order_by("pk").values_list("person_id", "unit_id", "role"):
            person = people.get(person_id)
            if person is None:
                continue
            self.by_role.setdefault(role, []).append(person)
            if role in (Role.UNIT_ADMIN, Role.HANDLER):
                self.staff.setdefault(unit_id, []).append(person)
        if not self.by_role.get(Role.OFFICE):
            raise ValueError("no office staff")

    def _one(self, rng: random.Random, role: str) -> Person | None:
        people = self.by_role.get(role)
        return rng.choice(people) if people else None

    def _staff_of(self, rng: random.Random, unit: Unit) -> Person | None:
        people = self.staff.get(unit.pk)
        return rng.choice(people) if people else None

    # --- the run ---------------------------------------------------------------------------------

    def build(self) -> DemoIndicatorsSummary:
        with transaction.atomic():
            self.load()
            campaigns = [self._campaign(order, fw) for order, fw in enumerate(FRAMEWORKS)]
            self._backfill(campaigns)
        return self.summary

    def _campaign(self, order: int, fw: FrameworkSeed) -> Campaign:
        rng = random.Random(f"indicators-{self.seed}-{fw.code}")
        campaign = Campaign.objects.create(
            code=fw.code,
            name=fw.name,
            kind=fw.kind,
            city_tier=CityTier.COUNTY,
            title_level=fw.title_level,
            framework_edition=fw.edition,
            pass_score=fw.pass_score,
            sort_order=order,
        )
        Milestone.objects.bulk_create(
            Milestone(
                campaign=campaign,
                kind=m.kind,
                name=m.name,
                date=self.today + dt.timedelta(days=m.days_from_today),
                note=m.note,
            )
            for m in fw.milestones
        )
        nodes = self._nodes(campaign, fw)
        kickoff = self._at(self.today - dt.timedelta(days=KICKOFF_DAYS_AGO.get(fw.code, 90)), 10, 0)
        stories = self._tasks(campaign, fw, nodes, kickoff, rng)
        for story in stories:
            self._simulate(story, kickoff, rng)
        self._write(stories, kickoff)
        Campaign.objects.filter(pk=campaign.pk).update(created_at=kickoff - dt.timedelta(days=7))
        self.summary.campaigns += 1
        self.log(f"  {campaign.name}：指标 {len(nodes)} 个，任务 {len(stories)} 条")
        return campaign

    # --- the framework -----------------------------------------------------------------------

    def _nodes(self, campaign: Campaign, fw: FrameworkSeed) -> dict[str, tuple[IndicatorNode, FlatNode]]:
        """Depth by depth, so parents have ids (and paths) before their children are written."""
        flat = list(walk(fw))
        by_code = {f.code: f for f in flat}
        made: dict[str, tuple[IndicatorNode, FlatNode]] = {}
        for depth in range(len(fw.levels)):
            rows = [
                IndicatorNode(
                    campaign=campaign,
                    parent=made[f.parent_code][0] if f.parent_code else None,
                    code=f.code,
                    level=fw.levels[depth],
                    name=f.seed.name,
                    text=f.seed.text,
                    max_score=f.seed.max_score,
                    weight=Decimal("1.00"),
                    method=f.seed.method,
                    sort_order=f.order,
                )
                for f in flat
                if f.depth == depth
            ]
            IndicatorNode.objects.bulk_create(rows)
            for node in rows:
                node.path = f"{node.parent.path if node.parent else '/'}{node.pk}/"
            IndicatorNode.objects.bulk_update(rows, ["path"])
            for node in rows:
                made[node.code] = (node, by_code[node.code])
        through = IndicatorNode.categories.through
        through.objects.bulk_create(
            through(indicatornode_id=node.pk, category_id=self.categories[code])
            for node, f in made.values()
            for code in f.seed.categories
        )
        self.summary.nodes += len(made)
        return made

    # --- the 任务分解表 ------------------------------------------------------------------------

    def _tasks(
        self,
        campaign: Campaign,
        fw: FrameworkSeed,
        nodes: dict[str, tuple[IndicatorNode, FlatNode]],
        kickoff: dt.datetime,
        rng: random.Random,
    ) -> list[Story]:
        prefix = fw.code[:2]
        stories: list[Story] = []
        for node, flat in nodes.values():
            for seed in tasks_of(flat.seed):
                serial = len(stories) + 1
                deadline = self.today + dt.timedelta(days=rng.randint(*DEADLINE_SPAN))
                # Month-ends and quarter-ends, as a county's 任务分解表 usually sets them.
                if rng.random() < 0.4:
                    deadline = _month_end(deadline)
                task = Task(
                    campaign=campaign,
                    indicator=node,
                    code=f"{prefix}{serial:03d}",
                    title=seed.title,
                    description=f"对照测评体系“{flat.seed.name}”：{flat.seed.text}",
                    target=seed.target,
                    lead_unit=self.units[seed.lead],
                    deadline=deadline,
                    evidence_types=list(seed.evidence),
                    status=TaskStatus.NOT_STARTED,
                    sort_order=serial,
                    created_at=kickoff,
                    updated_at=kickoff,
                )
                stories.append(Story(task=task, seed=seed))
        return stories

    # --- the ledger, step by step --------------------------------------------------------------

    def _simulate(self, story: Story, kickoff: dt.datetime, rng: random.Random) -> None:
        task = story.task
        office = self.by_role[Role.OFFICE][0]
        action = TaskAction.IMPORT if task.campaign.code != "YLXC" else TaskAction.CREATE
        story.event(action, kickoff, office, TaskStatus.NOT_STARTED, unit=task.lead_unit, note="")
        deadline_end = self._at(task.deadline, 18, 0)
        first = kickoff + dt.timedelta(days=rng.uniform(4, 25), hours=rng.uniform(-1, 6))
        if task.deadline < self.today:
            # The demo logins' units (城关街道, 城管局) get their share of 督办单 to answer.
            done_share = 0.45 if task.lead_unit.name in FOCUS_UNITS else 0.68
            fate = "done" if rng.random() < done_share else "overdue"
            window_end = deadline_end - dt.timedelta(days=2 if fate == "done" else 6)
        else:
            elapsed = (self.now - kickoff) / (deadline_end - kickoff)
            roll = rng.random()
            fate = (
                "idle" if roll < 0.1 + 0.2 * (1 - elapsed) else "done" if elapsed > 0.6 and roll > 0.8 else "progress"
            )
            window_end = self.now - dt.timedelta(hours=2)
        if fate != "idle" and first < window_end:
            self._reports(story, fate, first, window_end, rng)
        self._remind(story, rng)
        if task.deadline < self.today and task.status != TaskStatus.DONE:
            self._overdue(story, rng)
        elif self._lagging(story, fate) and rng.random() < 0.5:
            # Lagging well before the deadline: 督查室 sends a 督办单 by hand, half the time.
            self._lagging_notice(story, rng)
        _chain(story)

    def _lagging(self, story: Story, fate: str) -> bool:
        task = story.task
        return fate == "progress" and task.percent < 30 and task.deadline < self.today + dt.timedelta(days=40)

    def _plan(self, fate: str, story: Story, rng: random.Random) -> list[int]:
        """The percentages the unit will report, rising."""
        if fate == "done":
            steps = sorted(rng.sample(range(2, 10), rng.randint(1, 3)))
            return [s * 10 for s in steps] + [100]
        if fate == "overdue":
            return [s * 10 for s in sorted(rng.sample(range(2, 9), rng.randint(1, 3)))]
        task = story.task
        kickoff = task.created_at
        elapsed = (self.now - kickoff) / (self._at(task.deadline, 18, 0) - kickoff)
        goal = max(10, min(90, round(elapsed * 100 * rng.uniform(0.6, 1.1) / 5) * 5))
        count = rng.randint(1, 3)
        return sorted({max(5, round(goal * (k + 1) / count / 5) * 5) for k in range(count)})

    def _reports(self, story: Story, fate: str, first: dt.datetime, end: dt.datetime, rng: random.Random) -> None:
        plan = self._plan(fate, story, rng)
        span = (end - first) / max(len(plan), 1)
        at = first
        # The latest report of a task in progress is often still waiting for the office.
        leave_pending = fate == "progress" and rng.random() < 0.35
        index = 0
        returned_fix = ""
        while index < len(plan):
            last = index == len(plan) - 1
            if leave_pending and last:
                at = max(at, self.now - dt.timedelta(hours=rng.uniform(2, 96)))
            at = self._office_hours(at)
            if at >= self.now or (fate != "progress" and at > end):
                return
            percent = plan[index]
            report = self._report(story, at, percent, returned_fix, rng)
            if leave_pending and last:
                return
            review_at = add_working_time(at, rng.uniform(1.5, 20), WH)
            if review_at >= self.now:
                return
            if rng.random() < (0.22 if percent < 100 else 0.15) and not returned_fix:
                comment, returned_fix = rng.choice(RETURN_COMMENTS)
                self._review(story, report, review_at, accept=False, comment=comment, rng=rng)
                at = review_at + dt.timedelta(days=rng.uniform(1, 6))
                continue
            returned_fix = ""
            self._review(story, report, review_at, accept=True, comment=rng.choice(ACCEPT_COMMENTS), rng=rng)
            index += 1
            at = max(review_at + dt.timedelta(days=1), first + span * index + dt.timedelta(days=rng.uniform(-3, 3)))

    def _report(self, story: Story, at: dt.datetime, percent: int, fix: str, rng: random.Random) -> ProgressReport:
        task = story.task
        unit = task.lead_unit
        coop = [self.units[name] for name in story.seed.coop]
        if coop and percent < 100 and rng.random() < 0.15:
            unit = rng.choice(coop)
        person = self._staff_of(rng, unit)
        narrative = self._narrative(task, percent, rng)
        if fix:
            narrative = RESUBMIT.format(fix=fix) + narrative
        report = ProgressReport(
            task=task,
            unit=unit,
            reported_by=person,
            reported_at=at,
            percent=percent,
            narrative=narrative,
            status=ReportStatus.PENDING,
        )
        story.reports.append(report)
        files = self._files_for(story, percent, at, person, rng, bool(fix))
        for f in files:
            f.report = report
        story.event(
            TaskAction.REPORT,
            at,
            person,
            TaskStatus.PENDING_REVIEW,
            unit=unit,
            report=report,
            note=narrative,
            data={"percent": percent, "files": len(files)},
        )
        task.reported_percent, task.last_reported_at = percent, at
        return report

    def _narrative(self, task: Task, percent: int, rng: random.Random) -> str:
        values = {
            "title": task.title,
            "target": task.target,
            "pct": percent,
            "n": rng.randint(6, 60),
            "k": rng.randint(2, 9),
            "people": rng.randint(20, 400),
        }
        pool = FULL if percent == 100 else EARLY if percent <= 30 else MIDDLE
        return rng.choice(pool).format(**values)

    def _review(
        self, story: Story, report: ProgressReport, at: dt.datetime, *, accept: bool, comment: str, rng: random.Random
    ) -> None:
        task = story.task
        reviewer = self._one(rng, Role.OFFICE)
        report.reviewed_by, report.reviewed_at, report.review_comment = reviewer, at, comment
        if accept:
            report.status = ReportStatus.ACCEPTED
            task.percent = report.percent
            done = report.percent == 100
            if done:
                task.done_at = at
            to = TaskStatus.DONE if done else TaskStatus.IN_PROGRESS
            story.event(TaskAction.ACCEPT, at, reviewer, to, unit=report.unit, report=report, note=comment)
        else:
            report.status = ReportStatus.RETURNED
            ever = any(r.status == ReportStatus.ACCEPTED for r in story.reports)
            to = TaskStatus.IN_PROGRESS if ever or task.percent else TaskStatus.NOT_STARTED
            story.event(TaskAction.RETURN, at, reviewer, to, unit=report.unit, report=report, note=comment)

    def _remind(self, story: Story, rng: random.Random) -> None:
        """The deadline scan's 催办, once, ``TASK_REMIND_DAYS`` before the deadline."""
        task = story.task
        day = task.deadline - dt.timedelta(days=settings.TASK_REMIND_DAYS)
        at = self._at(day, 8, 30) + dt.timedelta(seconds=rng.randrange(60))
        if at >= self.now or at <= task.created_at or (task.done_at and task.done_at <= at):
            return
        left = (task.deadline - day).days
        task.reminded_on = day
        story.event(
            TaskAction.REMIND, at, None, unit=task.lead_unit, note=f"距完成时限还有 {left} 天", data={"days_left": left}
        )

    def _overdue(self, story: Story, rng: random.Random) -> None:
        task = story.task
        at = self._at(task.deadline + dt.timedelta(days=1), 8, 30) + dt.timedelta(seconds=rng.randrange(60))
        if at >= self.now or task.status == TaskStatus.DONE:
            return
        task.overdue_at = at
        story.event(TaskAction.OVERDUE, at, None, unit=task.lead_unit, data={"deadline": task.deadline.isoformat()})
        reason = OVERDUE.format(
            code=task.code, title=task.title, deadline=f"{task.deadline:%Y-%m-%d}", pct=task.percent
        )
        self._notice(story, at, None, reason, "overdue", rng)

    def _lagging_notice(self, story: Story, rng: random.Random) -> None:
        task = story.task
        at = self._office_hours(self.now - dt.timedelta(days=rng.uniform(3, 12)))
        if at <= (task.last_reported_at or task.created_at) or at >= self.now:
            return
        reason = LAGGING.format(code=task.code, title=task.title, pct=task.percent)
        self._notice(story, at, self._one(rng, Role.SUPERVISOR), reason, None, rng)

    def _notice(
        self, story: Story, at: dt.datetime, by: Person | None, reason: str, dedupe: str | None, rng: random.Random
    ) -> None:
        task = story.task
        days = settings.NOTICE_REPLY_WORKDAYS
        notice = SupervisionNotice(
            task=task,
            unit=task.lead_unit,
            issued_by=by,
            issued_at=at,
            reason=reason,
            reply_deadline=add_working_time(at, days, WD),
            status=NoticeStatus.ISSUED,
            dedupe_key=dedupe,
            created_at=at,
            updated_at=at,
        )
        story.notices.append(notice)
        story.event(
            TaskAction.NOTICE, at, by, unit=task.lead_unit, notice=notice, note=reason, data={"reply_days": days}
        )
        if rng.random() < 0.25:
            return  # still waiting for the unit's answer
        replied = add_working_time(at, rng.uniform(2, 30), WH)
        if replied >= self.now:
            return
        person = self._staff_of(rng, task.lead_unit)
        promise = self.today + dt.timedelta(days=rng.randint(7, 30))
        notice.reply = rng.choice(REPLIES).format(date=f"{promise.month}月{promise.day}日")
        notice.status, notice.replied_by, notice.replied_at, notice.updated_at = (
            NoticeStatus.REPLIED,
            person,
            replied,
            replied,
        )
        files = self._files_for(story, 0, replied, person, rng, False, kinds=("report",)) if rng.random() < 0.6 else []
        for f in files:
            f.notice = notice
        story.event(
            TaskAction.REPLY,
            replied,
            person,
            unit=task.lead_unit,
            notice=notice,
            note=notice.reply,
            data={"files": len(files)},
        )
        if rng.random() < 0.4:
            return
        closed = add_working_time(replied, rng.uniform(2, 16), WH)
        if closed >= self.now:
            return
        note = rng.choice(CLOSE_NOTES)
        notice.status, notice.closed_at, notice.updated_at = NoticeStatus.CLOSED, closed, closed
        story.event(
            TaskAction.CLOSE_NOTICE,
            closed,
            self._one(rng, Role.SUPERVISOR),
            unit=task.lead_unit,
            notice=notice,
            note=note,
        )

    # --- evidence files ----------------------------------------------------------------------

    def _files_for(
        self,
        story: Story,
        percent: int,
        at: dt.datetime,
        person: Person | None,
        rng: random.Random,
        resubmitted: bool,
        kinds: tuple[str, ...] | None = None,
    ) -> list[Evidence]:
        """Completion always comes with proof (a photo when the task asks for one); else often."""
        types = list(story.seed.evidence)
        if kinds is None:
            if percent == 100:
                kinds = tuple(dict.fromkeys([types[0], *(["photo"] if "photo" in types else [])]))
            elif resubmitted or rng.random() < 0.7:
                kinds = tuple(rng.sample(types, min(len(types), rng.randint(1, 2))))
            else:
                kinds = ()
        files = [self._file(story, kind, n, at, person) for n, kind in enumerate(kinds, start=1)]
        story.files.extend(files)
        return files

    def _file(self, story: Story, kind: str, n: int, at: dt.datetime, person: Person | None) -> Evidence:
        """A row pointing at one of a few stored files: storage is content-addressed, like the service's."""
        ext = "png" if kind == "photo" else "pdf"
        name, sha, size = self._stored(ext, (len(story.files) + story.task.sort_order) % FILE_POOL)
        return Evidence(
            file=name,
            original_name=f"{story.task.code}{FILE_LABELS.get(kind, '材料')}{n}.{ext}",
            file_type=ext,
            size=size,
            sha256=sha,
            uploaded_by=person,
            uploaded_at=at,
        )

    def _stored(self, ext: str, k: int) -> tuple[str, str, int]:
        key = (ext, k)
        if key not in self.pool:
            lines = [f"Demo evidence {ext.upper()} #{k + 1}", f"seed {self.seed}"]
            data = _tiny_png(lines, k) if ext == "png" else _tiny_pdf(lines)
            sha = hashlib.sha256(data).hexdigest()
            name = f"{EVIDENCE_PREFIX}/{self.today:%Y/%m}/{sha[:2]}/{sha}.{ext}"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
            self.pool[key] = (name, sha, len(data))
        return self.pool[key]

    # --- writing -------------------------------------------------------------------------------

    def _write(self, stories: list[Story], kickoff: dt.datetime) -> None:
        tasks = [s.task for s in stories]
        Task.objects.bulk_create(tasks)
        # auto_now/auto_now_add fields were stamped "now" by bulk_create: put the story's times back.
        for story in stories:
            story.task.created_at = kickoff
            story.task.updated_at = story.events[-1].at
        Task.objects.bulk_update(tasks, ["created_at", "updated_at"])
        through = Task.cooperating_units.through
        through.objects.bulk_create(
            through(task_id=s.task.pk, unit_id=self.units[name].pk) for s in stories for name in s.seed.coop
        )
        reports = [r for s in stories for r in s.reports]
        ProgressReport.objects.bulk_create(reports)
        notices = [n for s in stories for n in s.notices]
        for notice in notices:
            notice.code = self._notice_code(notice.issued_at)
            if notice.dedupe_key == "overdue":
                notice.dedupe_key = f"overdue:{notice.task.pk}:{notice.task.deadline:%Y%m%d}"
        stamps = [(n.created_at, n.updated_at) for n in notices]
        SupervisionNotice.objects.bulk_create(notices)
        for notice, (created, updated) in zip(notices, stamps, strict=True):
            notice.created_at, notice.updated_at = created, updated
        SupervisionNotice.objects.bulk_update(notices, ["created_at", "updated_at"])
        files = [f for s in stories for f in s.files]
        uploaded = [f.uploaded_at for f in files]
        for f in files:
            f.report_id = f.report.pk if f.report else None
            f.notice_id = f.notice.pk if f.notice else None
        Evidence.objects.bulk_create(files)
        for f, at in zip(files, uploaded, strict=True):
            f.uploaded_at = at
        Evidence.objects.bulk_update(files, ["uploaded_at"])
        events = [e for s in stories for e in s.events]
        for event in events:
            event.task_id = event.task.pk
            event.report_id = event.report.pk if event.report else None
            event.notice_id = event.notice.pk if event.notice else None
        TaskEvent.objects.bulk_create(events)
        s = self.summary
        s.tasks += len(tasks)
        s.reports += len(reports)
        s.notices += len(notices)
        s.evidence += len(files)
        s.events += len(events)
        for task in tasks:
            late = task.status != TaskStatus.DONE and task.deadline < self.today
            shown = TaskStatus.OVERDUE if late else task.status
            s.by_status[shown] = s.by_status.get(shown, 0) + 1

    def _notice_code(self, at: dt.datetime) -> str:
        """DB + date + a per-day serial, as ``services._next_notice_code`` numbers them."""
        day = timezone.localtime(at).date()
        counters = self.notice_serials
        if day not in counters:
            prefix = f"DB{day:%Y%m%d}"
            counters[day] = SupervisionNotice.objects.filter(code__startswith=prefix).count()
        counters[day] += 1
        return f"DB{day:%Y%m%d}{counters[day]:03d}"

    def _backfill(self, campaigns: list[Campaign]) -> None:
        """Eight weeks of readiness snapshots for the trend chart, if the readiness module has them."""
        try:
            from .readiness import backfill_snapshots
        except ImportError:  # pragma: no cover - the readiness module ships with this app
            return
        for campaign in campaigns:
            self.summary.snapshots += backfill_snapshots(campaign, weeks=8, today=self.today)

    # --- time helpers ----------------------------------------------------------------------------

    def _at(self, day: dt.date, hour: int, minute: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), self.now.tzinfo)

    def _office_hours(self, at: dt.datetime) -> dt.datetime:
        """Move a moment forward into a weekday's office hours (9:00–17:59), keeping its minutes."""
        at = timezone.localtime(at, self.now.tzinfo)
        if at.hour >= 18:
            at = (at + dt.timedelta(days=1)).replace(hour=9 + at.minute % 3)
        elif at.hour < 9:
            at = at.replace(hour=9 + at.minute % 3)
        while at.weekday() >= 5:
            at += dt.timedelta(days=1)
        return at


def _chain(story: Story) -> None:
    """A reminder is decided after the reports: put every event in its place, then link the statuses."""
    story.events.sort(key=lambda e: e.at)
    status = ""
    for event in story.events:
        event.from_status = status
        if event.action in KEEPS_STATUS:
            event.to_status = status
        status = event.to_status
    story.task.version = sum(1 for e in story.events if e.action in BUMPS_VERSION)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (ASCII text in Helvetica), a few hundred bytes."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 40 100 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 150] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


PHOTO_COLOURS = ((96, 140, 90), (120, 120, 128), (150, 130, 100), (90, 120, 160), (170, 160, 140))


def _tiny_png(lines: list[str], serial: int) -> bytes:
    """A small 'site photo': sky, a street, a building block and a caption strip."""
    image = Image.new("RGB", (200, 150), (170, 200, 230))
    draw = ImageDraw.Draw(image)
    colour = PHOTO_COLOURS[serial % len(PHOTO_COLOURS)]
    draw.rectangle((0, 90, 200, 150), fill=(110, 110, 110))
    draw.rectangle((20 + serial % 30, 30, 110 + serial % 30, 90), fill=colour)
    draw.line((0, 120, 200, 120), fill=(240, 240, 240), width=2)
    draw.rectangle((0, 0, 200, 28), fill=(0, 0, 0))
    for n, line in enumerate(lines):
        draw.text((4, 2 + 12 * n), line, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def wipe_indicators() -> None:
    """Delete every campaign with its framework, tasks, ledger and evidence files (``--force``)."""
    names = list(Evidence.objects.values_list("file", flat=True).distinct())
    with transaction.atomic():
        Evidence.objects.all().delete()
        TaskEvent.objects.all().delete()
        SupervisionNotice.objects.all().delete()
        ProgressReport.objects.all().delete()
        Task.objects.all().delete()
        IndicatorNode.objects.update(parent=None)
        IndicatorNode.objects.all().delete()
        ReadinessSnapshot.objects.all().delete()
        Milestone.objects.all().delete()
        Campaign.objects.all().delete()
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)
