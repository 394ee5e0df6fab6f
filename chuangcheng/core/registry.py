"""What the apps above core hand in, so that core never imports them.

Each app registers its navigation entries, home-page panels and periodic jobs in its
``AppConfig.ready()``; the layout (``base.html`` through ``context_processors.navigation``),
the home app and the ``tick`` command read them here. ``LAYERS`` is the import order the
layer test (``chuangcheng/tests/test_layers.py``) enforces and ``docs/architecture.md`` draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

# Bottom to top: an app may import only the apps before it; core imports none of them.
LAYERS: tuple[str, ...] = (
    "core",
    "org",
    "places",
    "notifications",
    "cases",
    "indicators",
    "inspections",
    "appraisal",
    "home",
)

Visible = Callable[[Any], bool]


@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation.

    ``visible(user)`` decides who sees it (None: every signed-in user). ``badge_template`` is
    included after the label, and once more in the phone menu's toggle with ``toggle=True``.
    Entries that share an ``element_id`` are alternatives: at most one may be visible to a user.
    """

    key: str
    label: str | Promise
    url_name: str
    order: int
    visible: Visible | None = None
    badge_template: str | None = None
    element_id: str = ""

    @property
    def dom_id(self) -> str:
        return self.element_id or f"nav-{self.key}"

    def shown_to(self, user: Any) -> bool:
        return self.visible is None or self.visible(user)


@dataclass(frozen=True)
class HomePanel:
    """A section of the home page: a template rendered with the home page's context.

    The template decides itself whether it shows anything (it has ``user``); ``visible``
    spares the include for users who never see it.
    """

    key: str
    template: str
    order: int
    visible: Visible | None = None

    def shown_to(self, user: Any) -> bool:
        return self.visible is None or self.visible(user)


@dataclass(frozen=True)
class TickJob:
    """A periodic job of ``manage.py tick``: takes ``now``, returns how many things it did."""

    label: str
    func: Callable[[dt.datetime], Any]
    order: int = 100


_nav: dict[str, NavEntry] = {}
_panels: dict[str, HomePanel] = {}
_jobs: dict[str, TickJob] = {}


def register_nav(*entries: NavEntry) -> None:
    """Add or replace (by key) navigation entries; registering twice is harmless."""
    for entry in entries:
        _nav[entry.key] = entry


def register_home_panel(*panels: HomePanel) -> None:
    for panel in panels:
        _panels[panel.key] = panel


def register_tick_job(*jobs: TickJob) -> None:
    for job in jobs:
        _jobs[job.label] = job


def nav_entries() -> list[NavEntry]:
    return sorted(_nav.values(), key=lambda e: e.order)


def nav_for(user: Any) -> list[NavEntry]:
    """The entries ``user`` sees, in order."""
    return [entry for entry in nav_entries() if entry.shown_to(user)]


def home_panels_for(user: Any) -> list[HomePanel]:
    return [panel for panel in sorted(_panels.values(), key=lambda p: p.order) if panel.shown_to(user)]


def tick_jobs() -> list[TickJob]:
    return sorted(_jobs.values(), key=lambda j: j.order)


# ---- links between apps of different layers (issue 10: inspections ↔ cases, readiness) -----------

CaseLinks = Callable[[Any, Any], list[tuple[str, str]]]
_case_links: dict[str, CaseLinks] = {}


def register_case_links(key: str, func: CaseLinks) -> None:
    """An app above cases adds links to a case's page: ``func(user, case)`` → [(label, url)].

    The function returns only what ``user`` may open (the case page shows them as they come).
    """
    _case_links[key] = func


def case_links(user: Any, case: Any) -> list[tuple[str, str]]:
    """Every registered app's links for ``case`` as seen by ``user``, in registration order."""
    return [link for func in _case_links.values() for link in func(user, case)]


@dataclass(frozen=True)
class FieldFailure:
    """A failed checklist item at one place, over a readiness window (what cost a node its points)."""

    item: str
    place: str
    count: int
    lon: float | None = None
    lat: float | None = None
    url: str = ""


@dataclass(frozen=True)
class FieldEvidence:
    """What field checks found on one indicator node: its pass rate and the failures behind it.

    ``rate`` is passed / (passed + failed), computed by the app that owns the checks (one definition).
    """

    passed: int
    failed: int
    rate: Any  # Decimal in [0, 1]
    failures: tuple[FieldFailure, ...] = ()


# campaign, as_of (None: today) → {node id: FieldEvidence} for the nodes inspections touched.
ReadinessSource = Callable[[Any, "dt.date | None"], dict[int, FieldEvidence]]
_readiness_sources: dict[str, ReadinessSource] = {}


def register_readiness_source(key: str, func: ReadinessSource) -> None:
    """An app above indicators feeds readiness with field evidence per node (inspections do)."""
    _readiness_sources[key] = func


def readiness_evidence(campaign: Any, as_of: dt.date | None = None) -> dict[int, FieldEvidence]:
    """The field evidence of every registered source for ``campaign`` (later sources win on a node)."""
    found: dict[int, FieldEvidence] = {}
    for func in _readiness_sources.values():
        found.update(func(campaign, as_of))
    return found


# ---- what the working calendar computed, kept by apps above it (issue 13: provisional deadlines) ----


@dataclass(frozen=True)
class CalendarListener:
    """An app that stores what the working calendar computed (the cases app's deadlines).

    ``recompute(now)`` recounts what was counted on the provisional schedule (``core.workcalendar``)
    and returns how many objects changed; it is idempotent. ``provisional_spans()`` gives the first
    and last local date of each object still marked provisional, so the holiday page can offer the
    official schedule as soon as the library knows the year.
    """

    key: str
    recompute: Callable[[dt.datetime], int]
    provisional_spans: Callable[[], list[tuple[dt.date, dt.date]]]


_calendar_listeners: dict[str, CalendarListener] = {}


def register_calendar_listener(listener: CalendarListener) -> None:
    _calendar_listeners[listener.key] = listener


def calendar_changed(now: dt.datetime) -> int:
    """The holiday table or the library changed: every listener recounts; returns how many objects changed."""
    return sum(listener.recompute(now) for listener in _calendar_listeners.values())


def provisional_spans() -> list[tuple[dt.date, dt.date]]:
    """Every listener's objects still marked provisional, as (first, last) local dates."""
    return [span for listener in _calendar_listeners.values() for span in listener.provisional_spans()]
