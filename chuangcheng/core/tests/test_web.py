"""The view helpers every app shares (core.web) and the partials in core/templates/core/."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from chuangcheng.core.errors import DomainError
from chuangcheng.core.web import form_errors, map_context, paginate, render_page, wants_partial

TEST_TEMPLATES = Path(__file__).parent / "templates"
ROWS = list(range(1, 121))  # 120 rows: three pages of 50


def _get(path: str = "/list/", headers: dict[str, str] | None = None, *, htmx: bool = True) -> HttpRequest:
    request = RequestFactory().get(path, headers=headers or {})
    request.user = AnonymousUser()
    if htmx:  # what django-htmx's middleware adds to every request
        request.htmx = HtmxDetails(request)
    return request


HX = {"HX-Request": "true"}


@pytest.fixture
def test_templates(settings) -> None:
    """The project's template settings (partials loader included) plus this folder's templates."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


class NoteForm(forms.Form):
    note = forms.CharField()


# ---- wants_partial / render_page ----------------------------------------------------------------


def test_a_plain_request_wants_the_whole_page() -> None:
    assert not wants_partial(_get())


def test_an_htmx_request_wants_the_partial() -> None:
    assert wants_partial(_get(headers=HX))


def test_a_boosted_link_wants_the_whole_page() -> None:
    assert not wants_partial(_get(headers={**HX, "HX-Boosted": "true"}))


def test_a_history_restore_wants_the_whole_page() -> None:
    assert not wants_partial(_get(headers={**HX, "HX-History-Restore-Request": "true"}))


def test_a_request_the_htmx_middleware_never_saw_wants_the_whole_page() -> None:
    assert not wants_partial(_get(headers=HX, htmx=False))


def test_render_page_gives_the_whole_page_to_a_plain_request(test_templates) -> None:
    html = render_page(_get(), "web_tests/list.html", {"rows": [1, 2]}).content.decode()

    assert "<h1>whole page</h1>" in html
    assert '<div id="results">1,2</div>' in html


def test_render_page_gives_only_the_results_partial_to_htmx(test_templates) -> None:
    html = render_page(_get(headers=HX), "web_tests/list.html", {"rows": [1, 2]}).content.decode()

    assert html == '<div id="results">1,2</div>'


def test_render_page_renders_the_partial_it_is_given(test_templates) -> None:
    response = render_page(_get(headers=HX), "web_tests/list.html", {"rows": [1, 2]}, partial="table")

    assert response.content.decode() == '<table id="table">2</table>'


def test_render_page_gives_a_boosted_link_the_whole_page(test_templates) -> None:
    request = _get(headers={**HX, "HX-Boosted": "true"})

    assert "<h1>whole page</h1>" in render_page(request, "web_tests/list.html", {"rows": []}).content.decode()


# ---- paginate -------------------------------------------------------------------------------------


def test_paginate_gives_the_page_the_query_asks_for() -> None:
    page = paginate(_get("/list/?page=2"), ROWS, 50)

    assert isinstance(page, Page)
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (2, 3, 120)
    assert list(page) == list(range(51, 101))


def test_paginate_starts_at_the_first_page() -> None:
    assert paginate(_get(), ROWS, 50).number == 1


def test_paginate_reads_a_bad_page_number_as_the_first_page() -> None:
    assert paginate(_get("/list/?page=abc"), ROWS, 50).number == 1


def test_paginate_reads_a_page_past_the_end_as_the_last_page() -> None:
    page = paginate(_get("/list/?page=99"), ROWS, 50)

    assert page.number == 3
    assert list(page) == list(range(101, 121))


# ---- form_errors ----------------------------------------------------------------------------------


def test_form_errors_puts_the_domain_error_on_the_form_and_skips_the_rest_of_the_block() -> None:
    form = NoteForm({"note": "x"})
    assert form.is_valid()
    reached = False

    with form_errors(form):
        raise DomainError("案卷当前状态为“已结案”，不能派遣", code="conflict")
        reached = True

    assert not reached
    assert form.non_field_errors() == ["案卷当前状态为“已结案”，不能派遣"]
    assert not form.is_valid()


def test_form_errors_leaves_the_form_alone_when_the_service_succeeds() -> None:
    form = NoteForm({"note": "x"})
    assert form.is_valid()

    with form_errors(form):
        done = True

    assert done
    assert form.errors == {}


def test_form_errors_lets_any_other_exception_through() -> None:
    form = NoteForm({"note": "x"})
    form.is_valid()

    with pytest.raises(ValueError), form_errors(form):
        raise ValueError("a bug is not a form error")
    assert form.errors == {}


def test_the_form_errors_partial_shows_the_non_field_errors() -> None:
    form = NoteForm({"note": "x"})
    form.is_valid()
    assert render_to_string("core/_form_errors.html", {"form": form}).strip() == ""

    with form_errors(form):
        raise DomainError("请填写退回理由")

    html = render_to_string("core/_form_errors.html", {"form": form})
    assert '<div class="form-errors" id="form-errors" role="alert">' in html
    assert "请填写退回理由" in html


# ---- map_context ----------------------------------------------------------------------------------


def test_map_context_reads_the_tile_and_centre_settings(settings) -> None:
    settings.MAP_TILE_URL = "https://t{s}.example.test/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 测试"
    settings.MAP_TILE_SUBDOMAINS = "01234567"
    settings.MAP_CENTER_LON, settings.MAP_CENTER_LAT = 113.5, 35.25
    settings.MAP_TILES_FILE = ""

    assert map_context() == {
        "tile_url": "https://t{s}.example.test/{z}/{x}/{y}.png",
        "tile_attribution": "© 测试",
        "tile_subdomains": "01234567",
        "tile_min_zoom": 0,
        "tile_max_zoom": 19,
        "roads_url": "",
        "center": [113.5, 35.25],
    }


# ---- the pager partials ---------------------------------------------------------------------------


def _links(path: str, **context: object) -> str:
    request = _get(path)
    page = paginate(request, ROWS, 50)
    return render_to_string("core/_page_links.html", {"page": page, **context}, request=request)


def test_the_page_links_keep_the_filters_and_change_only_the_page() -> None:
    html = _links("/list/?q=%E8%B7%AF&page=2")

    assert '<nav class="pager-links" aria-label="分页">' in html
    assert '<a href="?q=%E8%B7%AF&amp;page=1" rel="prev">' in html
    assert '<a href="?q=%E8%B7%AF&amp;page=3" rel="next">' in html
    assert "第 2 / 3 页" in html
    assert "hx-get" not in html


def test_the_page_links_swap_the_htmx_target_when_given_one() -> None:
    html = _links("/list/?page=1", hx_target="#inbox", nav_class="pager")

    assert '<nav class="pager pager-links" aria-label="分页">' in html
    assert 'rel="prev"' not in html
    assert (
        '<a href="?page=2" hx-get="?page=2" hx-target="#inbox" hx-swap="outerHTML" hx-push-url="true" rel="next">'
        in html
    )


def test_a_single_page_has_no_page_links() -> None:
    request = _get()
    page = paginate(request, ROWS[:10], 50)

    assert render_to_string("core/_page_links.html", {"page": page}, request=request).strip() == ""


def test_the_list_bar_counts_links_to_results_and_exports() -> None:
    request = _get("/list/?status=open")
    page = paginate(request, ROWS, 50)
    context = {"page": page, "export_url": "/list/export.xlsx?status=open"}

    html = render_to_string("core/_pager.html", context, request=request)

    assert '<span class="muted" id="result-count">共 120 条</span>' in html
    assert 'hx-get="?status=open&amp;page=2" hx-target="#results"' in html
    assert '<a class="button secondary export" id="export-xlsx" href="/list/export.xlsx?status=open">' in html
