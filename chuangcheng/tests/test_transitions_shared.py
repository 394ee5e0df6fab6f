"""The one guarded transition (``core.transitions``) as every app uses it: on a case, a task and a notice.

Core has no model with a status of its own, so the helper is tested here, on the apps' rows:
a refused state, a lost race (two readers, the second writer loses and writes nothing), a
success (version + 1, attributes set, one event row), and a row without a version column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone, translation

from chuangcheng.cases import services as case_services
from chuangcheng.cases.choices import Action, Status
from chuangcheng.cases.models import Case, CaseEvent
from chuangcheng.cases.tests.conftest import at, categories, frozen, garbage, grid, make, media, road  # noqa: F401
from chuangcheng.core.errors import DomainError
from chuangcheng.core.transitions import apply_transition, record_event, require_status
from chuangcheng.indicators import services as task_services
from chuangcheng.indicators.choices import NoticeStatus, TaskAction, TaskStatus
from chuangcheng.indicators.models import SupervisionNotice, Task, TaskEvent
from chuangcheng.indicators.tests.conftest import campaign, framework, task_factory  # noqa: F401


@dataclass
class Subject:
    """One versioned row, how its app names it, a move its state allows and its event table."""

    obj: Case | Task
    noun: Any
    start: str  # its status now
    start_label: str
    target: str  # a status its state may move to
    target_label: str
    events: type[models.Model]
    subject_field: str
    action: str

    def fresh(self) -> Case | Task:
        return type(self.obj).objects.get(pk=self.obj.pk)

    def move(self, obj: Case | Task | None = None) -> str:
        """The allowed move, by ``obj`` (another reader of the same row) or by the subject itself."""
        return apply_transition(
            obj or self.obj, allowed_from=[self.start], noun=self.noun, action_label="处理", status=self.target
        )

    def event_count(self) -> int:
        return self.events._default_manager.filter(**{self.subject_field: self.obj}).count()


@pytest.fixture(params=["case", "task"])
def subject(request, world) -> Subject:
    if request.param == "case":
        return Subject(
            obj=request.getfixturevalue("make").reported(),
            noun=case_services.CASE,
            start=Status.REPORTED,
            start_label="待受理",
            target=Status.ACCEPTED,
            target_label="已立案",
            events=CaseEvent,
            subject_field="case",
            action=Action.ACCEPT,
        )
    request.getfixturevalue("frozen")
    return Subject(
        obj=request.getfixturevalue("task_factory")(),
        noun=task_services.TASK,
        start=TaskStatus.NOT_STARTED,
        start_label="未启动",
        target=TaskStatus.IN_PROGRESS,
        target_label="推进中",
        events=TaskEvent,
        subject_field="task",
        action=TaskAction.UPDATE,
    )


def test_a_state_that_does_not_allow_the_action_is_refused_with_its_label(subject):
    noun = str(subject.noun)
    version = subject.obj.version

    with pytest.raises(DomainError) as refused:
        apply_transition(
            subject.obj, allowed_from=[subject.target], noun=subject.noun, action_label="核查", status=subject.start
        )

    assert refused.value.code == "conflict"
    assert refused.value.message == f"{noun}当前状态为“{subject.start_label}”，不能核查"
    assert subject.fresh().version == version and subject.fresh().status == subject.start


def test_the_second_of_two_writers_who_read_the_same_version_loses_and_writes_nothing(subject):
    first, second = subject.fresh(), subject.fresh()
    subject.move(first)

    with pytest.raises(DomainError) as refused:
        subject.move(second)

    assert refused.value.code == "conflict"
    assert refused.value.message == f"{subject.noun}刚刚已被他人处理（当前状态：{subject.target_label}），请刷新后再试"
    row = subject.fresh()
    assert (row.status, row.version) == (subject.target, first.version)
    # The loser now holds the row as it is, ready to be shown again.
    assert (second.status, second.version) == (row.status, row.version)


def test_a_writer_who_read_an_older_version_loses_even_when_the_status_is_the_same_again(subject):
    stale = subject.fresh()
    subject.move()
    apply_transition(
        subject.obj, allowed_from=[subject.target], noun=subject.noun, action_label="退回", status=subject.start
    )

    with pytest.raises(DomainError, match="刚刚已被他人处理"):
        subject.move(stale)

    assert subject.fresh().status == subject.start


def test_a_success_sets_the_attributes_bumps_the_version_and_returns_the_old_status(subject):
    version = subject.obj.version
    before = subject.event_count()

    from_status = subject.move()

    assert from_status == subject.start
    assert (subject.obj.status, subject.obj.version) == (subject.target, version + 1)
    row = subject.fresh()
    assert (row.status, row.version) == (subject.target, version + 1)
    assert row.updated_at == timezone.now()
    assert subject.event_count() == before  # the helper moves the row; the service writes the event


def test_one_event_row_records_the_change_with_its_actor_and_time(subject, world):
    before = subject.event_count()
    from_status = subject.move()

    event = record_event(
        subject.events,
        subject_field=subject.subject_field,
        subject=subject.obj,
        action=subject.action,
        by=world.office,
        from_status=from_status,
        note="说明",
    )

    assert subject.event_count() == before + 1
    stored = subject.events._default_manager.get(pk=event.pk)
    assert (stored.from_status, stored.to_status) == (subject.start, subject.target)
    assert (stored.actor, stored.at, stored.note) == (world.office, timezone.now(), "说明")


@pytest.mark.parametrize("by", [None, AnonymousUser()], ids=["nobody", "anonymous"])
def test_an_event_without_a_signed_in_person_has_no_actor_and_keeps_a_given_time(subject, by):
    moment = at(2026, 11, 20, 8, 30)

    event = record_event(
        subject.events,
        subject_field=subject.subject_field,
        subject=subject.obj,
        action=subject.action,
        by=by,
        from_status=subject.start,
        at=moment,
    )

    assert (event.actor, event.at) == (None, moment)


def test_one_allowed_state_may_be_given_as_a_string_and_is_not_read_letter_by_letter(subject):
    with pytest.raises(DomainError, match="不能处理"):
        require_status(subject.obj, allowed_from=subject.start[:1], noun=subject.noun, action_label="处理")

    require_status(subject.obj, allowed_from=subject.start, noun=subject.noun, action_label="处理")


def test_the_messages_are_translated(subject):
    with translation.override("en"):
        label = subject.obj.get_status_display()
        with pytest.raises(DomainError) as refused:
            apply_transition(
                subject.obj,
                allowed_from=[subject.target],
                noun=subject.noun,
                action_label="verify",
                status=subject.start,
            )

    assert label != subject.start_label
    assert refused.value.message == f"The {subject.subject_field} is “{label}”; cannot verify"


# ---- a row without a version column --------------------------------------------------------------------


@pytest.fixture
def notice(request, world) -> SupervisionNotice:
    request.getfixturevalue("frozen")
    task = request.getfixturevalue("task_factory")()
    return task_services.notice_issue(task=task, by=world.office, reason="进度滞后")


def test_a_row_without_a_version_is_guarded_by_its_status(notice, world):
    first, second = (SupervisionNotice.objects.get(pk=notice.pk) for _ in range(2))
    apply_transition(
        first,
        allowed_from=NoticeStatus.ISSUED,
        noun=task_services.NOTICE,
        action_label="回复",
        status=NoticeStatus.REPLIED,
    )

    with pytest.raises(DomainError) as refused:
        apply_transition(
            second, allowed_from=NoticeStatus.ISSUED, noun=task_services.NOTICE, action_label="回复", reply="晚了"
        )

    assert refused.value.message == "督办单刚刚已被他人处理（当前状态：已回复），请刷新后再试"
    row = SupervisionNotice.objects.get(pk=notice.pk)
    assert (row.status, row.reply) == (NoticeStatus.REPLIED, "")
    assert not hasattr(row, "version")
