"""The demo campaigns: three frameworks that add up, 118 tasks with 三明确, a believable ledger."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from chuangcheng.cases.category_seed import TREES
from chuangcheng.cases.demo import wipe_cases
from chuangcheng.cases.models import Category
from chuangcheng.core.evidence import detect_type
from chuangcheng.indicators.choices import NodeLevel, NoticeStatus, ReportStatus, TaskAction, TaskStatus
from chuangcheng.indicators.demo import DemoIndicatorsBuilder, DemoIndicatorsSummary, wipe_indicators
from chuangcheng.indicators.framework_seed import (
    FRAMEWORK_HEADERS,
    FRAMEWORKS,
    TASK_HEADERS,
    sample_framework_rows,
    walk,
)
from chuangcheng.indicators.models import (
    Campaign,
    Evidence,
    IndicatorNode,
    ProgressReport,
    SupervisionNotice,
    Task,
    TaskEvent,
)
from chuangcheng.places.demo import DemoCountyBuilder, wipe_map_and_org

# Also makes pytest-django set up the test database when this module runs on its own: the
# module fixture below asks for ``django_db_setup``, which only creates the databases some
# collected test is marked for.
pytestmark = pytest.mark.django_db

SEED = 3
NOW = dt.datetime(2026, 11, 25, 16, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def _ledger_fingerprint() -> list[tuple]:
    tasks = Task.objects.order_by("campaign__code", "code").values_list(
        "campaign__code", "code", "title", "lead_unit__code", "deadline", "status", "percent", "overdue_at"
    )
    reports = ProgressReport.objects.order_by("task__campaign__code", "task__code", "reported_at").values_list(
        "task__code", "percent", "status", "reported_at", "review_comment"
    )
    notices = SupervisionNotice.objects.order_by("code").values_list("code", "task__code", "status")
    return [*tasks, *reports, *notices]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One county and its campaigns for the module (about three seconds); removed afterwards."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        DemoCountyBuilder(seed=SEED).build()
        summary = DemoIndicatorsBuilder(seed=SEED, now=NOW).build()
        yield summary, media
        wipe_indicators()
        wipe_cases()
        wipe_map_and_org()


@pytest.fixture
def reads(demo, django_db_blocker):
    with django_db_blocker.unblock():
        yield demo[0]


def test_it_builds_three_campaigns_with_editions_pass_lines_and_milestones(reads: DemoIndicatorsSummary) -> None:
    campaigns = list(Campaign.objects.order_by("sort_order"))
    assert [c.kind for c in campaigns] == ["civilized", "sanitary", "garden"]
    for campaign in campaigns:
        total = sum(n.max_score for n in campaign.nodes.filter(parent__isnull=True))
        assert 0 < campaign.pass_score < total
        assert campaign.framework_edition
        kinds = set(campaign.milestones.values_list("kind", flat=True))
        assert "application" in kinds and ("national_assessment" in kinds)
        # The application is behind us, the assessment ahead: the countdown has something to count.
        dates = sorted(campaign.milestones.values_list("date", flat=True))
        assert dates[0] < NOW.date() < dates[-1]


def test_the_civilized_framework_has_58_contents_and_118_tasks(reads: DemoIndicatorsSummary) -> None:
    civilized = Campaign.objects.get(kind="civilized")
    assert civilized.nodes.filter(level=NodeLevel.CONTENT).count() == 58
    assert civilized.tasks.count() == 118
    assert set(civilized.nodes.values_list("level", flat=True)) == {1, 2, 3, 4}
    for campaign in Campaign.objects.exclude(pk=civilized.pk):
        assert 40 <= campaign.nodes.count() <= 120
        assert 10 <= campaign.tasks.count() < 118


def test_childrens_scores_add_up_to_and_never_exceed_their_parents(reads: DemoIndicatorsSummary) -> None:
    nodes = list(IndicatorNode.objects.all())
    children: dict[int, list[IndicatorNode]] = {}
    for node in nodes:
        if node.parent_id:
            children.setdefault(node.parent_id, []).append(node)
    assert children
    for node in nodes:
        kids = children.get(node.pk, [])
        assert all(k.max_score <= node.max_score for k in kids)
        if kids:
            assert sum(k.max_score for k in kids) == node.max_score, node.code
            assert {k.level for k in kids} == {node.level + 1}


def test_nodes_have_paths_from_the_root(reads: DemoIndicatorsSummary) -> None:
    by_id = {n.pk: n for n in IndicatorNode.objects.all()}
    for node in by_id.values():
        parent_path = by_id[node.parent_id].path if node.parent_id else "/"
        assert node.path == f"{parent_path}{node.pk}/"


def test_every_linked_category_exists_and_environment_standards_link_exposed_garbage(
    reads: DemoIndicatorsSummary,
) -> None:
    seeded = {f"{p}{code}{leaf.serial}" for _, p, tree in TREES for code, _, leaves in tree for leaf in leaves}
    wanted = {c for fw in FRAMEWORKS for node in walk(fw) for c in node.seed.categories}
    assert wanted <= seeded
    links = IndicatorNode.categories.through.objects.count()
    assert links == sum(len(node.seed.categories) for fw in FRAMEWORKS for node in walk(fw))
    garbage = Category.objects.get(name="暴露垃圾")
    assert garbage.indicators.filter(name__contains="干净整洁").exists()
    assert Category.objects.get(name="占道经营").indicators.filter(name__contains="占道经营").exists()


def test_every_task_names_its_target_lead_unit_and_deadline(reads: DemoIndicatorsSummary) -> None:
    """三明确: 目标任务, 责任主体, 完成时限."""
    tasks = list(Task.objects.select_related("lead_unit", "indicator"))
    assert len(tasks) == reads.tasks
    for task in tasks:
        assert task.target.strip() and task.lead_unit_id and task.deadline
        assert not task.indicator.children.exists()  # tasks hang on the scored leaves
    deadlines = [t.deadline for t in tasks]
    assert min(deadlines) < NOW.date() - dt.timedelta(days=30)
    assert max(deadlines) > NOW.date() + dt.timedelta(days=150)
    kinds = Counter(t.lead_unit.kind for t in tasks)
    assert kinds["department"] > 50 and kinds["town"] >= 10
    cooperating = Counter(t.cooperating_units.count() for t in Task.objects.prefetch_related("cooperating_units"))
    assert set(cooperating) <= {0, 1, 2, 3} and cooperating[0] < len(tasks) // 4
    codes = list(Task.objects.values_list("campaign_id", "code"))
    assert len(codes) == len(set(codes))


def test_the_ledger_has_accepted_returned_and_waiting_reports(reads: DemoIndicatorsSummary) -> None:
    statuses = Counter(ProgressReport.objects.values_list("status", flat=True))
    assert statuses[ReportStatus.ACCEPTED] > 100
    assert statuses[ReportStatus.RETURNED] >= 10
    assert statuses[ReportStatus.PENDING] >= 10
    assert not ProgressReport.objects.filter(status=ReportStatus.RETURNED, review_comment="").exists()
    tasks = Counter(Task.objects.values_list("status", flat=True))
    assert all(tasks[s] > 0 for s in TaskStatus.stored())


def test_overdue_tasks_have_a_notice_and_some_notices_are_answered(reads: DemoIndicatorsSummary) -> None:
    overdue = Task.objects.exclude(status=TaskStatus.DONE).filter(deadline__lt=NOW.date())
    assert overdue.count() >= 3
    for task in overdue:
        assert task.overdue_at is not None
        assert task.notices.filter(dedupe_key=f"overdue:{task.pk}:{task.deadline:%Y%m%d}").count() == 1
    statuses = Counter(SupervisionNotice.objects.values_list("status", flat=True))
    assert statuses[NoticeStatus.ISSUED] and statuses[NoticeStatus.REPLIED] + statuses[NoticeStatus.CLOSED]
    for notice in SupervisionNotice.objects.exclude(status=NoticeStatus.ISSUED):
        assert notice.reply and notice.replied_at and notice.replied_at > notice.issued_at
        assert notice.reply_deadline > notice.issued_at


def test_each_task_state_is_what_its_events_and_reports_say(reads: DemoIndicatorsSummary) -> None:
    for task in Task.objects.prefetch_related("reports", "events"):
        reports = sorted(task.reports.all(), key=lambda r: r.reported_at)
        accepted = [r for r in reports if r.status == ReportStatus.ACCEPTED]
        events = list(task.events.all())
        assert events[0].action in (TaskAction.IMPORT, TaskAction.CREATE) and events[0].from_status == ""
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(events))
        assert events[-1].to_status == task.status
        assert all(e.at <= NOW for e in events)
        assert task.percent == (accepted[-1].percent if accepted else 0)
        assert (task.status == TaskStatus.PENDING_REVIEW) == any(r.status == ReportStatus.PENDING for r in reports)
        assert (task.status == TaskStatus.DONE) == (task.percent == 100) == (task.done_at is not None)
        assert Counter(e.action for e in events)[TaskAction.REPORT] == len(reports)
        for report in reports:
            if report.status != ReportStatus.PENDING:
                assert report.reviewed_by_id and report.reviewed_at > report.reported_at


def test_completed_work_is_proven_by_real_pdf_and_png_files(demo, reads: DemoIndicatorsSummary) -> None:
    _summary, media = demo
    done = ProgressReport.objects.filter(percent=100, status=ReportStatus.ACCEPTED)
    assert done.exists()
    assert not done.filter(evidence__isnull=True).exists()
    assert Evidence.objects.filter(notice__isnull=False).exists()
    with override_settings(MEDIA_ROOT=media):
        for name, file_type in Evidence.objects.values_list("file", "file_type").distinct():
            assert name.startswith("evidence/")
            with default_storage.open(name) as handle:
                assert detect_type(handle.read(), name) == file_type
    assert Path(media, "evidence").is_dir()


def test_it_refuses_to_build_twice_without_force(reads: DemoIndicatorsSummary) -> None:
    with pytest.raises(CommandError, match="--force"):
        call_command("demo_indicators", seed=SEED)


def test_the_same_seed_gives_the_same_ledger_and_force_rebuilds_without_duplicates(demo, django_db_blocker) -> None:
    summary, media = demo
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        first = _ledger_fingerprint()
        wipe_indicators()
        DemoIndicatorsBuilder(seed=SEED, now=NOW).build()
        assert _ledger_fingerprint() == first
        call_command("demo_indicators", seed=SEED, force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert Campaign.objects.count() == 3
        assert Task.objects.count() == summary.tasks
        assert IndicatorNode.objects.count() == summary.nodes
        assert TaskEvent.objects.filter(action__in=(TaskAction.IMPORT, TaskAction.CREATE)).count() == summary.tasks
        # Leave the module's ledger as it was for any later test.
        wipe_indicators()
        DemoIndicatorsBuilder(seed=SEED, now=NOW).build()


def test_the_sample_framework_is_2_projects_by_2_contents_by_2_standards() -> None:
    sample = sample_framework_rows(dt.date(2027, 1, 1))
    assert sample.framework_headers == FRAMEWORK_HEADERS and len(FRAMEWORK_HEADERS) == 9
    assert sample.task_headers == TASK_HEADERS and len(TASK_HEADERS) == 9
    levels = Counter(row[2] for row in sample.framework)
    assert levels == {"测评项目": 2, "测评内容": 4, "测评标准": 8}
    scores = {row[0]: Decimal(row[5]) for row in sample.framework}
    for _code, parent, *_ in sample.framework:
        if parent:
            siblings = [scores[c] for c, p, *_ in sample.framework if p == parent]
            assert sum(siblings) <= scores[parent]
    assert len(sample.tasks) == 8
    assert all(row[7] > dt.date(2027, 1, 1) and row[8] and row[5] for row in sample.tasks)
