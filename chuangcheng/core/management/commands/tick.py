"""Run the periodic jobs once (cron or a systemd timer, every minute), or every N seconds.

The jobs are the ones the apps register (``core.registry.register_tick_job`` in their
``AppConfig.ready()``: escalation, task reminders, readiness snapshots), in their order.
Each job is idempotent, so a tick that overlaps the previous one, or one run twice, does no
harm. ``make run`` keeps ``tick --loop 60`` running beside the web server and the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from chuangcheng.core.registry import tick_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "运行一次定时任务（督办升级等）；--loop 秒数 则循环运行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", type=float, default=0, metavar="SECONDS", help="每隔多少秒运行一次（默认只运行一次）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval: float = options["loop"]
        self.looping, self.stopping = interval > 0, False
        if not self.looping:
            self.run_once()
            return
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while not self.stopping:
            started = time.monotonic()
            close_old_connections()  # a connection lost between ticks is replaced, not reused
            self.run_once()
            self._sleep(interval - (time.monotonic() - started))

    def run_once(self) -> None:
        now = timezone.now()
        for job in tick_jobs():
            self._run(job.label, job.func, now)

    def _run(self, label: str, job: Callable[[dt.datetime], Any], now: dt.datetime) -> None:
        try:
            done = job(now)
        except Exception:
            # In a loop one failing job must not stop the others, nor the next tick; run once
            # (cron), the failure is the exit status.
            if not self.looping:
                raise
            logger.exception("定时任务“%s”出错", label)
            return
        if done:
            self.stdout.write(f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S} {label}：{done}")

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + max(seconds, 0)
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(1.0, deadline - time.monotonic()))

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
