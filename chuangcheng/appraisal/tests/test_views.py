"""The appraisal pages: the office runs the month, units read their own detail, leaders read only."""

# The fixtures come from pages_county (the app's conftest belongs to the formula tests).
# ruff: noqa: F811

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chuangcheng.appraisal import services
from chuangcheng.appraisal.choices import AdjustmentKind, ComponentKind, RunStatus
from chuangcheng.appraisal.models import Adjustment, Run
from chuangcheng.cases.models import Case
from chuangcheng.org.services import unit_save

from .pages_county import Month, media, month, move, publish  # noqa: F401

pytestmark = pytest.mark.django_db


def run_url(run: Run, name: str = "appraisal:run", *args: object) -> str:
    return reverse(name, args=[run.pk, *args])


def town_order(html: str) -> list[str]:
    """The unit names of the towns' table, top to bottom."""
    section = html.split('id="group-town"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="unit-name">(?:<a [^>]*>)?([^<]+)', section)


# ---- the office runs the month --------------------------------------------------------------------


def test_office_creates_a_run_for_a_month(client, month: Month):
    client.force_login(month.world.office)
    response = client.post(reverse("appraisal:runs"), {"year": 2026, "month": 10, "scheme": month.scheme.pk})
    run = Run.objects.get(period_start__month=10)
    assert response.status_code == 302
    assert response["Location"] == run_url(run)
    assert run.label == "2026年10月"
    assert run.status == RunStatus.DRAFT


def test_a_bad_month_is_refused_with_a_message_and_nothing_is_made(client, month: Month):
    client.force_login(month.world.office)
    response = client.post(reverse("appraisal:runs"), {"year": 2026, "month": 13, "scheme": month.scheme.pk})
    assert response.status_code == 400
    assert "12" in response.content.decode()
    assert Run.objects.count() == 1


def test_a_second_draft_of_the_same_month_is_refused_in_chinese(client, month: Month):
    client.force_login(month.world.office)
    response = client.post(reverse("appraisal:runs"), {"year": 2026, "month": 11, "scheme": month.scheme.pk})
    assert response.status_code == 400
    assert "该考核期已有草稿" in response.content.decode()
    assert Run.objects.count() == 1


def test_the_run_page_ranks_the_towns_and_a_deduction_changes_the_ranking(client, month: Month):
    world = month.world
    client.force_login(world.office)
    before = client.get(run_url(month.run)).content.decode()
    assert town_order(before) == ["城关街道", "城南街道"]

    response = client.post(
        run_url(month.run, "appraisal:adjustment_add"),
        {"unit": world.town_a.pk, "kind": AdjustmentKind.MEDIA, "points": "-60", "reason": "被省电视台曝光"},
    )
    assert response.status_code == 302
    after = client.get(run_url(month.run)).content.decode()
    assert town_order(after) == ["城南街道", "城关街道"]
    assert "被省电视台曝光" in after


def test_a_double_clicked_adjustment_is_entered_once(client, month: Month):
    world = month.world
    client.force_login(world.office)
    page = client.get(run_url(month.run)).content.decode()
    key = re.search(r'name="idempotency_key" value="(\w+)"', page)
    assert key is not None
    body = {
        "unit": world.town_a.pk,
        "kind": AdjustmentKind.MEDIA,
        "points": "-5",
        "reason": "被曝光",
        "idempotency_key": key[1],
    }
    first = client.post(run_url(month.run, "appraisal:adjustment_add"), body)
    second = client.post(run_url(month.run, "appraisal:adjustment_add"), body)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Adjustment.objects.filter(run=month.run).count() == 1
    assert month.run.results.get(unit=world.town_a).adjustment == Decimal("-5")


@pytest.mark.parametrize(
    ("points", "reason", "message"),
    [("0", "事由", "不为 0"), ("-5", "", "这个字段是必填项"), ("abc", "事由", "输入一个数字")],
)
def test_a_bad_adjustment_is_refused_with_a_chinese_message(client, month: Month, points, reason, message):
    client.force_login(month.world.office)
    response = client.post(
        run_url(month.run, "appraisal:adjustment_add"),
        {"unit": month.world.town_a.pk, "kind": AdjustmentKind.OTHER, "points": points, "reason": reason},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Adjustment.objects.exists()


def test_an_adjustment_with_evidence_keeps_the_file_for_the_unit(client, month: Month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = month.world
    client.force_login(world.office)
    pdf = SimpleUploadedFile("表扬信.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    client.post(
        run_url(month.run, "appraisal:adjustment_add"),
        {"unit": world.town_b.pk, "kind": AdjustmentKind.PRAISE, "points": "2", "reason": "表扬", "evidence": pdf},
    )
    item = Adjustment.objects.get()
    assert item.evidence_name == "表扬信.pdf"
    download = client.get(run_url(month.run, "appraisal:adjustment_evidence", item.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_executable_as_evidence_is_refused(client, month: Month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(month.world.office)
    bad = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(
        run_url(month.run, "appraisal:adjustment_add"),
        {"unit": month.world.town_b.pk, "kind": AdjustmentKind.PRAISE, "points": "2", "reason": "表", "evidence": bad},
    )
    assert response.status_code == 400
    assert not Adjustment.objects.exists()


def test_removing_an_adjustment_restores_the_ranking(client, month: Month):
    world = month.world
    item = services.adjustment_add(
        run=month.run, unit=world.town_a, kind=AdjustmentKind.MEDIA, points=-60, reason="曝光", by=world.office
    )
    client.force_login(world.office)
    client.post(run_url(month.run, "appraisal:adjustment_remove", item.pk))
    assert town_order(client.get(run_url(month.run)).content.decode()) == ["城关街道", "城南街道"]


def test_comments_and_recompute_on_a_draft(client, month: Month):
    client.force_login(month.world.office)
    client.post(run_url(month.run, "appraisal:comment_add"), {"text": "请核实城南街道超期案件", "unit": ""})
    client.post(run_url(month.run, "appraisal:recompute"))
    page = client.get(run_url(month.run)).content.decode()
    assert "请核实城南街道超期案件" in page
    assert "已按最新数据重新计算" in page


def test_office_publishes_and_the_run_is_frozen(client, month: Month):
    client.force_login(month.world.office)
    response = client.post(run_url(month.run, "appraisal:publish"))
    month.run.refresh_from_db()
    assert response.status_code == 302
    assert month.run.status == RunStatus.PUBLISHED
    assert month.run.doc_number.startswith("县创建办〔")


def test_a_published_run_is_corrected_into_a_new_draft(client, month: Month):
    published = publish(month.run, month.world.office)
    client.force_login(month.world.office)
    refused = client.post(run_url(published, "appraisal:correct"), {"reason": ""})
    assert refused.status_code == 400
    response = client.post(run_url(published, "appraisal:correct"), {"reason": "城南街道一件案卷派遣单位有误"})
    draft = Run.objects.get(status=RunStatus.DRAFT)
    assert response["Location"] == run_url(draft)
    page = client.get(run_url(draft)).content.decode()
    assert "城南街道一件案卷派遣单位有误" in page
    assert "第2版" in page


def test_office_discards_a_draft(client, month: Month):
    client.force_login(month.world.office)
    response = client.post(run_url(month.run, "appraisal:discard"))
    assert response["Location"] == reverse("appraisal:runs")
    assert not Run.objects.exists()


# ---- units read their own detail ----------------------------------------------------------------


def test_a_unit_gets_404_on_a_draft(client, month: Month):
    client.force_login(month.world.admin_a)
    assert client.get(run_url(month.run)).status_code == 404
    assert client.get(run_url(month.run, "appraisal:unit", month.world.town_a.pk)).status_code == 404
    assert month.run.label not in client.get(reverse("appraisal:runs")).content.decode()


def test_a_unit_reads_the_published_table_and_its_own_detail_only(client, month: Month):
    world = month.world
    run = publish(month.run, world.office)
    client.force_login(world.admin_a)
    page = client.get(run_url(run)).content.decode()
    assert town_order(page) == ["城关街道", "城南街道"]
    assert run_url(run, "appraisal:unit", world.town_a.pk) in page
    assert run_url(run, "appraisal:unit", world.town_b.pk) not in page
    assert "按期处置率分值" not in page  # no component columns of other units
    assert client.get(run_url(run, "appraisal:unit", world.town_a.pk)).status_code == 200
    assert client.get(run_url(run, "appraisal:unit", world.town_b.pk)).status_code == 404
    own = run_url(run, "appraisal:trace", world.town_a.pk, ComponentKind.ON_TIME_HANDLE, "den")
    other = run_url(run, "appraisal:trace", world.town_b.pk, ComponentKind.ON_TIME_HANDLE, "den")
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert client.get(run_url(run, "appraisal:run_xlsx")).status_code == 403
    assert client.get(reverse("appraisal:scheme", args=[month.scheme.pk])).status_code == 403


def test_a_unit_opens_my_appraisal(client, month: Month):
    world = month.world
    run = publish(month.run, world.office)
    client.force_login(world.admin_b)
    page = client.get(reverse("appraisal:mine")).content.decode()
    assert "城南街道 · 2026年11月" in page
    assert 'id="mine-rank">2/2' in page
    assert run_url(run, "appraisal:unit", world.town_b.pk) in page


def test_the_county_is_sent_from_my_appraisal_to_the_list(client, month: Month):
    client.force_login(month.world.leader)
    assert client.get(reverse("appraisal:mine"))["Location"] == reverse("appraisal:runs")


def test_the_leader_reads_but_may_not_write(client, month: Month):
    world = month.world
    run = publish(month.run, world.office)
    client.force_login(world.leader)
    assert client.get(run_url(run)).status_code == 200
    assert client.get(run_url(run, "appraisal:unit", world.town_b.pk)).status_code == 200
    assert client.post(run_url(run, "appraisal:correct"), {"reason": "想改"}).status_code == 403
    assert client.post(reverse("appraisal:runs"), {"year": 2026, "month": 10}).status_code == 403
    assert Run.objects.count() == 1


def test_the_leader_does_not_see_drafts(client, month: Month):
    client.force_login(month.world.leader)
    assert client.get(run_url(month.run)).status_code == 404


# ---- every number is traceable -------------------------------------------------------------------


def test_the_trace_lists_exactly_the_cases_counted(client, month: Month):
    world = month.world
    client.force_login(world.supervisor)
    page = client.get(run_url(month.run, "appraisal:trace", world.town_b.pk, ComponentKind.ON_TIME_HANDLE, "den"))
    text = page.content.decode()
    counted = [c.code for c in month.cases["b"]]  # the open one was due on the 22nd: late
    assert sorted(re.findall(r'href="/cases/\d+/">([^<]+)</a>', text)) == sorted(counted)
    overdue = client.get(run_url(month.run, "appraisal:trace", world.town_b.pk, ComponentKind.OVERDUE_OPEN, "num"))
    assert re.findall(r'href="/cases/\d+/">([^<]+)</a>', overdue.content.decode()) == [month.cases["b"][2].code]


def test_the_unit_page_links_every_number_to_its_trace(client, month: Month):
    world = month.world
    client.force_login(world.office)
    page = client.get(run_url(month.run, "appraisal:unit", world.town_a.pk)).content.decode()
    assert run_url(month.run, "appraisal:trace", world.town_a.pk, ComponentKind.CLOSE_RATE, "num") in page
    assert run_url(month.run, "appraisal:trace", world.town_a.pk, ComponentKind.CLOSE_RATE, "den") in page


def test_an_unknown_trace_is_404(client, month: Month):
    client.force_login(month.world.office)
    url = run_url(month.run, "appraisal:trace", month.world.town_a.pk, ComponentKind.SATISFACTION, "num")
    assert client.get(url).status_code == 404
    url = run_url(month.run, "appraisal:trace", month.world.town_a.pk, ComponentKind.CLOSE_RATE, "all")
    assert client.get(url).status_code == 404


def test_a_trace_after_publishing_keeps_the_frozen_list(client, month: Month):
    world = month.world
    run = publish(month.run, world.office)
    Case.objects.filter(pk=month.cases["b"][2].pk).update(code="CHANGED-1")
    client.force_login(world.admin_b)
    page = client.get(run_url(run, "appraisal:trace", world.town_b.pk, ComponentKind.OVERDUE_OPEN, "num"))
    assert "CHANGED-1" in page.content.decode()  # the same case, by id, under its current code
    assert 'id="trace-count">共 1 条' in page.content.decode()


# ---- the export ----------------------------------------------------------------------------------


def test_the_xlsx_holds_the_full_table(client, month: Month):
    client.force_login(month.world.office)
    response = client.get(run_url(month.run, "appraisal:run_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["排名"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("评比分组", "名次", "较上月", "单位")
    by_unit = {row[3]: row for row in rows[1:]}
    result = month.run.results.get(unit=month.world.town_a)
    assert by_unit["城关街道"][header.index("总分")] == float(result.total)
    assert by_unit["城关街道"][1] == 1
    assert {"县住建局", "城关街道", "城南街道"} <= set(by_unit)


def test_a_unit_named_like_a_formula_stays_text_in_the_xlsx(client, month: Month):
    world = month.world
    world.town_b.name = '=HYPERLINK("http://x","y")'
    unit_save(unit=world.town_b, by=world.office)
    services.run_recompute(run=month.run, by=world.office)
    client.force_login(world.office)
    book = load_workbook(io.BytesIO(client.get(run_url(month.run, "appraisal:run_xlsx")).content))
    names = [row[3].value for row in book["排名"].iter_rows(min_row=2)]
    assert '=HYPERLINK("http://x","y")' in names
    assert all(cell.data_type == "s" for row in book["排名"].iter_rows(min_row=2) for cell in row[3:4])


def test_a_unit_named_with_html_shows_as_text(client, month: Month):
    world = month.world
    world.town_b.name = "<img src=x onerror=alert(1)>"
    unit_save(unit=world.town_b, by=world.office)
    services.run_recompute(run=month.run, by=world.office)
    client.force_login(world.office)
    page = client.get(run_url(month.run)).content.decode()
    assert "<img src=x onerror" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# ---- the scheme -------------------------------------------------------------------------------


def test_office_edits_the_scheme_and_bad_grades_are_refused(client, month: Month):
    url = reverse("appraisal:scheme", args=[month.scheme.pk])
    client.force_login(month.world.office)
    assert client.get(url).status_code == 200
    data = {
        "name": "2027年考核方案",
        "year": 2027,
        "groups": ["department", "town"],
        "grades": "A:90,B:80,C:60,D:40,E:0",
        "tie_break": "on_time_handle",
        "red_top_n": 2,
        "black_bottom_n": 1,
        "issuer": "县创建工作领导小组办公室",
        "doc_prefix": "县创建办",
        "recipients": "各乡镇",
        "cc": "县委办公室",
    }
    assert client.post(url, data).status_code == 302
    month.scheme.refresh_from_db()
    assert month.scheme.grades == [["A", 90], ["B", 80], ["C", 60], ["D", 40], ["E", 0]]
    refused = client.post(url, {**data, "grades": "A:60,B:90,E:0"})
    assert refused.status_code == 400
    assert "等次分数线应从高到低排列" in refused.content.decode()


def test_office_saves_a_component_and_bad_bands_are_refused(client, month: Month):
    component = month.scheme.components.get(name="立案数分值")
    url = reverse("appraisal:scheme_component", args=[month.scheme.pk, component.pk])
    client.force_login(month.world.office)
    prefix = f"c{component.pk}-"
    ok = {prefix + "weight": "15", prefix + "groups": ["department"], prefix + "is_active": "on"}
    assert client.post(url, {**ok, prefix + "bands": "5:100,15:90,:60"}).status_code == 302
    component.refresh_from_db()
    assert component.weight == 15
    assert component.params["bands"] == [[5, 100], [15, 90], [None, 60]]
    refused = client.post(url, {**ok, prefix + "bands": "15:100,5:90,:60"})
    assert refused.status_code == 400
    assert "立案数分档应按件数从少到多排列" in refused.content.decode()


def test_the_leader_reads_the_scheme_without_a_form(client, month: Month):
    client.force_login(month.world.leader)
    page = client.get(reverse("appraisal:scheme", args=[month.scheme.pk])).content.decode()
    assert "立案数分值" in page
    assert 'id="scheme-save"' not in page


# ---- the bulletin editor ------------------------------------------------------------------------


def test_office_edits_the_bulletin_text_and_picks_a_typical_case(client, month: Month):
    url = run_url(month.run, "appraisal:bulletin")
    client.force_login(month.world.office)
    assert client.get(url).status_code == 200
    client.post(url, {"summary": "本月全县共派遣案件7件", "typical_intro": "", "requirements": "按期整改"})
    month.run.refresh_from_db()
    assert month.run.bulletin_text["summary"] == "本月全县共派遣案件7件"
    case = month.cases["a"][0]
    client.post(run_url(month.run, "appraisal:typical_add"), {"code": case.code, "note": "处置及时"})
    page = client.get(url).content.decode()
    assert case.code in page
    assert reverse("cases:photo_thumb", args=[case.photos.filter(kind="before").first().pk]) in page
    missing = client.post(run_url(month.run, "appraisal:typical_add"), {"code": "NO-SUCH", "note": ""})
    assert missing.status_code == 400
    assert "没有找到该编号的案卷" in missing.content.decode()


def test_the_published_bulletin_page_shows_the_doc_number(client, month: Month):
    run = publish(month.run, month.world.office)
    client.force_login(month.world.admin_a)
    page = client.get(run_url(run, "appraisal:bulletin")).content.decode()
    assert run.doc_number in page
    assert 'id="bulletin-form"' not in page


def test_the_published_bulletin_links_a_typical_case_only_for_those_who_may_open_it(client, month: Month):
    """Every unit reads the 通报 (the .docx carries the photos), but the case page and its photos stay
    with the units that hold the case: another town gets the code as text and no thumbnail."""
    case = month.cases["a"][0]
    client.force_login(month.world.office)
    client.post(run_url(month.run, "appraisal:typical_add"), {"code": case.code, "note": "处置及时"})
    run = publish(month.run, month.world.office)
    thumb = reverse("cases:photo_thumb", args=[case.photos.filter(kind="before").first().pk])
    link = reverse("cases:detail", args=[case.pk])

    client.force_login(month.world.admin_a)
    own = client.get(run_url(run, "appraisal:bulletin")).content.decode()
    assert thumb in own and f'href="{link}"' in own

    client.force_login(month.world.admin_b)
    other = client.get(run_url(run, "appraisal:bulletin")).content.decode()
    assert case.code in other and "处置及时" in other
    assert thumb not in other and link not in other
    assert "整改前后照片见通报文件。" in other
    assert client.get(thumb).status_code == 404


def test_the_published_bulletin_downloads_the_stored_bytes(client, month: Month):
    run = publish(month.run, month.world.office)
    client.force_login(month.world.admin_a)
    response = client.get(run_url(run, "appraisal:bulletin_docx"))
    assert response.content == bytes(Run.objects.get(pk=run.pk).bulletin_docx)


def test_the_pdf_download_or_the_message_without_libreoffice(client, month: Month):
    from chuangcheng.core.officialdoc import pdf_available

    run = publish(month.run, month.world.office)
    client.force_login(month.world.office)
    response = client.get(run_url(run, "appraisal:bulletin_pdf"), follow=True)
    if pdf_available():
        assert response.content.startswith(b"%PDF")
    else:
        assert "本机未安装 LibreOffice，暂不能生成 PDF" in response.content.decode()


def test_the_nav_shows_the_appraisal_to_readers_only(client, month: Month):
    client.force_login(month.world.admin_a)
    assert reverse("appraisal:runs") in client.get(reverse("home:home")).content.decode()
    client.force_login(month.world.volunteer)
    assert reverse("appraisal:runs") not in client.get(reverse("home:home")).content.decode()
    assert client.get(reverse("appraisal:runs")).status_code == 403


def test_the_run_table_shows_each_weight_with_its_share_of_the_group(client, month: Month):
    """Weights are relative (base = Σ weight × score / Σ weight): the header shows the weight and the
    share it really has in the group, so the columns never read as percentages adding up to 180."""
    from chuangcheng.appraisal.selectors import components_for_group

    components = components_for_group(month.run, "town")
    total = sum(Decimal(c["weight"]) for c in components)
    assert total != 100  # the default scheme's weights do not add up to 100
    assert abs(sum(c["share"] for c in components) - 100) < Decimal("0.5")
    first = components[0]
    assert first["share"] == (Decimal(first["weight"]) * 100 / total).quantize(Decimal("0.1"))
    client.force_login(month.world.office)
    html = client.get(run_url(month.run)).content.decode()
    weight = f"{Decimal(first['weight']):f}".rstrip("0").rstrip(".")
    assert f"权重{weight}（{first['share']}%）" in html
