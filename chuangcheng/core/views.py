import posixpath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from chuangcheng.core import workcalendar
from chuangcheng.core.errors import DomainError
from chuangcheng.core.forms import FIRST_YEAR, LAST_YEAR, HolidayForm
from chuangcheng.core.holiday_notice import ParsedNotice
from chuangcheng.core.models import HolidayOverride
from chuangcheng.core.services import (
    NoticeInvalid,
    calendar_apply_official,
    can_edit_calendar,
    holiday_delete,
    holiday_save,
    holidays_from_notice,
    holidays_prefill,
    library_days,
    notice_preview,
    official_schedule_pending,
)
from chuangcheng.core.web import run_service


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The folders of MEDIA_ROOT anyone may read. Everything else there is private (case photos
# under cases/, evidence under evidence/, whatever is added later) and is served only by the
# views that check access: an allow-list, so a new private folder cannot be forgotten.
PUBLIC_MEDIA_FOLDERS = frozenset({"public"})


def public_media_path(path: str) -> str | None:
    """``path`` when it names a file of a public folder in canonical form, else None.

    Django has already decoded %2e, %2f and %5c. Only the one canonical spelling passes: no
    empty, ``.`` or ``..`` segment, no backslash, and the first folder exactly as allow-listed,
    so neither ``./evidence/…`` nor ``//cases/…`` nor ``PUBLIC/…`` on a case-insensitive disk
    gets a say in which file is opened.
    """
    parts = path.split("/")
    if len(parts) < 2 or any(part in {"", ".", ".."} for part in parts):
        return None
    if "\\" in path or "\x00" in path or posixpath.normpath(path) != path:
        return None
    return path if parts[0] in PUBLIC_MEDIA_FOLDERS else None


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an uploaded file of a public folder; anything else is a 404, whatever its spelling."""
    public = public_media_path(path)
    if public is None:
        raise Http404(_("文件不存在"))
    return serve(request, public, document_root=str(settings.MEDIA_ROOT))


# ---- the office's holiday table -----------------------------------------------------------


def _require_calendar_editor(request: HttpRequest) -> None:
    if not can_edit_calendar(request.user):
        raise PermissionDenied(_("只有创建办可以维护节假日表"))


def _year_of(raw: str | None) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(raw or this_year)
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= LAST_YEAR else this_year


def _holidays_url(year: int) -> str:
    return f"{reverse('core:holidays')}?year={year}"


@login_required
@require_GET
def holidays(request: HttpRequest) -> HttpResponse:
    """节假日表: the office's overrides of a year, the library's days for reference, add/delete/import/paste."""
    _require_calendar_editor(request)
    return _holidays_page(request, _year_of(request.GET.get("year")))


def _holidays_page(
    request: HttpRequest, year: int, *, notice_text: str = "", preview: ParsedNotice | None = None, status: int = 200
) -> HttpResponse:
    this_year = timezone.localdate().year
    years = sorted(
        {*range(this_year - 1, this_year + 3), year} | {d.year for d in HolidayOverride.objects.dates("date", "year")}
    )
    overrides = list(HolidayOverride.objects.filter(date__year=year).select_related("created_by"))
    library = library_days(year)
    context: dict[str, Any] = {
        "year": year,
        "years": years,
        "overrides": overrides,
        "library_knows": workcalendar.library_knows(year),
        "library_days": library,
        "differing": _differing(overrides, library) if library else [],
        "year_known": workcalendar.is_known_year(year),
        "year_provisional": workcalendar.is_provisional_year(year),
        "provisional_days": workcalendar.provisional_days(year),
        "warnings": workcalendar.calendar_warnings(),
        "notices": workcalendar.calendar_notices(),
        "official_pending": official_schedule_pending(),
        "form": HolidayForm(initial={"date": f"{year}-01-01"} if year != this_year else None),
        "notice_text": notice_text,
        "preview": preview,
    }
    return render(request, "core/holidays.html", context, status=status)


def _differing(overrides: list[HolidayOverride], library: list[tuple[Any, bool, str]]) -> list[HolidayOverride]:
    """The office's rows that say otherwise than the library (they win: the office should know)."""
    official = {day: is_workday for day, is_workday, _name in library}
    return [o for o in overrides if official.get(o.date, o.date.weekday() < 5) != o.is_workday]


@login_required
@require_POST
def holiday_add(request: HttpRequest) -> HttpResponse:
    _require_calendar_editor(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{errors[0]}" if label else str(errors[0]))
        return redirect(_holidays_url(_year_of(request.POST.get("year"))))
    data = form.cleaned_data
    try:
        override, created = holiday_save(
            day=data["date"], is_workday=data["is_workday"], name=data["name"], note=data["note"], by=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_holidays_url(data["date"].year))
    text = _("已添加 %(day)s") if created else _("已更新 %(day)s")
    messages.success(request, text % {"day": override})
    return redirect(_holidays_url(override.date.year))


@login_required
@require_POST
def holiday_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_calendar_editor(request)
    override = get_object_or_404(HolidayOverride, pk=pk)
    year = override.date.year
    try:
        holiday_delete(override=override, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 %(day)s") % {"day": override})
    return redirect(_holidays_url(year))


@login_required
@require_POST
def holiday_import(request: HttpRequest) -> HttpResponse:
    """从法定节假日库导入本年: the same as ``manage.py holidays_prefill --year``."""
    _require_calendar_editor(request)
    year = _year_of(request.POST.get("year"))
    run_service(
        request,
        lambda: holidays_prefill(year=year, by=request.user),
        lambda result: (
            _("%(year)d 年：导入 %(added)d 天，已有 %(kept)d 天保持不变")
            % {"year": year, "added": result.added, "kept": result.kept}
        ),
    )
    return redirect(_holidays_url(year))


@login_required
@require_POST
def holiday_notice_preview(request: HttpRequest) -> HttpResponse:
    """粘贴国务院通知 → 预览: the days the notice gives, or its unreadable lines; nothing is saved."""
    _require_calendar_editor(request)
    year = _year_of(request.POST.get("year"))
    text = request.POST.get("text", "")
    return _holidays_page(request, year, notice_text=text, preview=notice_preview(year=year, text=text))


@login_required
@require_POST
def holiday_notice_save(request: HttpRequest) -> HttpResponse:
    """保存: the previewed notice becomes the office's rows of the year (all or nothing)."""
    _require_calendar_editor(request)
    year = _year_of(request.POST.get("year"))
    text = request.POST.get("text", "")
    try:
        result = holidays_from_notice(year=year, text=text, by=request.user)
    except NoticeInvalid:
        preview = notice_preview(year=year, text=text)
        return _holidays_page(request, year, notice_text=text, preview=preview, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_holidays_url(year))
    messages.success(
        request,
        _("已按国务院通知录入 %(year)d 年节假日：新增 %(added)d 天，修改 %(changed)d 天，%(kept)d 天不变。")
        % {"year": year, "added": result.added, "changed": result.changed, "kept": result.kept},
    )
    if result.recounted:
        messages.success(request, _("%(count)d 件案卷的期限已按正式节假日重算。") % {"count": result.recounted})
    return redirect(_holidays_url(year))


@login_required
@require_POST
def holiday_apply_library(request: HttpRequest) -> HttpResponse:
    """应用 chinese-calendar 的官方安排: nothing is written to the table; provisional deadlines are recounted."""
    _require_calendar_editor(request)
    year = _year_of(request.POST.get("year"))
    run_service(
        request,
        lambda: calendar_apply_official(year=year, by=request.user),
        lambda recounted: (
            _("已应用 chinese-calendar 的 %(year)d 年官方安排：%(count)d 件案卷的期限已重算。")
            % {"year": year, "count": recounted}
        ),
    )
    return redirect(_holidays_url(year))
