from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_date

from chuangcheng.core.models import AuditEntry

from .access import scope_for
from .choices import Role, UnitKind
from .contacts import contacts_for
from .models import Membership, Person, Unit


def unit_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Unit]:
    """Units the user may see, in tree order, with their people counted."""
    filters = filters or {}
    qs = Unit.objects.filter(scope_for(user).unit_q(""))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if search := filters.get("q"):
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.annotate(people_count=Count("people", distinct=True)).order_by("path")


@dataclass
class UnitNode:
    """A unit with its visible children, for the unit tree page and API."""

    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree_for_user(*, user: Person, filters: dict | None = None) -> list[UnitNode]:
    """The visible units as a forest, siblings by sort order then code.

    A unit whose parent is not visible (a unit admin's own unit) is a root.
    """
    units = list(unit_list_for_user(user=user, filters=filters))
    visible = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in visible else None, []).append(unit)

    def build(parent: int | None) -> list[UnitNode]:
        ordered = sorted(children.get(parent, []), key=lambda u: (u.sort_order, u.code))
        return [UnitNode(unit, build(unit.pk)) for unit in ordered]

    return build(None)


def person_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[Person]:
    """People the user may see, with unit and roles fetched in two queries."""
    filters = filters or {}
    scope = scope_for(user)
    qs = Person.objects.select_related("unit").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
    )
    qs = qs.filter(scope.unit_q("unit"))
    if unit_id := filters.get("unit"):
        qs = qs.filter(unit_id=unit_id)
    if role := filters.get("role"):
        qs = qs.filter(memberships__role=role).distinct()
    if search := filters.get("q"):
        # By number only among the people whose number the user sees in full: else a search
        # for "138" would tell a masked number digit by digit.
        by_mobile = Q(mobile__icontains=search) & contacts_for(user).full_mobile_q()
        qs = qs.filter(Q(real_name__icontains=search) | by_mobile | Q(username__icontains=search))
    if filters.get("active") in {"1", "0"}:
        qs = qs.filter(is_active=filters["active"] == "1")
    return qs.order_by("unit__path", "real_name")


def get_unit_for_user(user: Person, pk: int) -> Unit:
    try:
        return unit_list_for_user(user=user).get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404("单位不存在") from None


def get_person_for_user(user: Person, pk: int) -> Person:
    try:
        return person_list_for_user(user=user).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("人员不存在") from None


def people_by_name(names: set[str]) -> dict[str, list[Person]]:
    """Lookup used by imports: real name (or login name) → people with that name."""
    found: dict[str, list[Person]] = {}
    for person in Person.objects.filter(Q(real_name__in=names) | Q(username__in=names)):
        for key in {person.real_name, person.username}:
            if key in names:
                found.setdefault(key, []).append(person)
    return found


def units_by_name(names: set[str]) -> dict[str, Unit]:
    """Lookup used by imports: full name, short name or code → unit."""
    found: dict[str, Unit] = {}
    for unit in Unit.objects.filter(Q(name__in=names) | Q(short_name__in=names) | Q(code__in=names)):
        for key in (unit.name, unit.short_name, unit.code):
            if key in names:
                found[key] = unit
    return found


def town_ids_by_unit() -> dict[int, int]:
    """Every unit's 乡镇/街道 id (units outside any town are left out), from one query of the tree."""
    rows = list(Unit.objects.values_list("pk", "path", "kind"))
    towns = {pk for pk, _path, kind in rows if kind == UnitKind.TOWN}
    found: dict[int, int] = {}
    for pk, path, _kind in rows:
        ancestor_ids = [int(part) for part in path.strip("/").split("/") if part]
        town = next((a for a in reversed(ancestor_ids) if a in towns), None)
        if town is not None:
            found[pk] = town
    return found


def town_of(unit: Unit) -> Unit | None:
    """The 乡镇/街道 a unit belongs to: itself, or its nearest ancestor of that kind."""
    ancestor_ids = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    towns = {u.pk: u for u in Unit.objects.filter(pk__in=ancestor_ids, kind=UnitKind.TOWN)}
    return next((towns[pk] for pk in reversed(ancestor_ids) if pk in towns), None)


def can_read_audit(user: Person) -> bool:
    """The audit log is the office's (and the superuser's) to read."""
    return scope_for(user).acts_as(Role.OFFICE)


def _day(value: str | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.date):  # the API's parsed filter
        return value
    try:
        return parse_date(value or "")
    except ValueError:  # well-formed but no such day (2026-02-30)
        return None


# The person filter's value for entries written by the system (jobs, commands), which have no actor.
SYSTEM_ACTOR = "system"


def _audit_filter(qs: QuerySet[AuditEntry], filters: dict) -> QuerySet[AuditEntry]:
    if (kind := filters.get("type", "")).count(".") == 1:
        app_label, model = kind.split(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model)
    if obj := filters.get("object"):
        qs = qs.filter(object_id=obj)
    person = str(filters.get("person", ""))
    if person == SYSTEM_ACTOR or filters.get("system") is True:
        qs = qs.filter(by=None)
    elif person.isdigit():
        qs = qs.filter(by_id=int(person))
    if action := filters.get("action"):
        qs = qs.filter(action__startswith=action)
    if since := _day(filters.get("since")):
        qs = qs.filter(at__date__gte=since)
    if until := _day(filters.get("until")):
        qs = qs.filter(at__date__lte=until)
    return qs


def audit_list_for_user(*, user: Person, filters: dict | None = None) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by object type/id, person, action prefix and dates (office only)."""
    if not can_read_audit(user):
        raise PermissionDenied
    qs = AuditEntry.objects.select_related("by", "content_type").order_by("-at", "-pk")
    return _audit_filter(qs, filters or {})


def audit_object_types() -> list[tuple[str, str]]:
    """("app.model", verbose name) of the object types that have entries, for the filter."""
    ids = AuditEntry.objects.exclude(content_type=None).values_list("content_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")
    return [(f"{t.app_label}.{t.model}", _type_label(t)) for t in types]


def _type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model
