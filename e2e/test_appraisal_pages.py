"""月度考核 in a real browser, the month end to end: the office opens November's draft, adds a
扣分 item and sees the ranking turn over, writes the 通报's 下步工作要求 and picks a 典型问题,
publishes, downloads the 通报 (.docx, and the PDF where LibreOffice is installed) and reads it;
城南街道's admin opens 我的考核, the unit page and the 通报 on a phone. A second test tunes the
scheme and builds, reviews and confirms the year-end list.

November's cases are made in Python through the services at their moments (the case loop has
its own browser tests): 城关街道 handles three cases on time, 城南街道 one late, one on time and
leaves one open past its deadline, so 城关街道 leads the towns until the office deducts 60 points.

The downloaded files and the PDF's first pages as PNG are kept in var/screenshots/ to be looked at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from docx import Document
from PIL import Image, ImageChops
from playwright.sync_api import Dialog, Page, expect

from chuangcheng.appraisal import services
from chuangcheng.appraisal.choices import RunStatus, YearEndStatus
from chuangcheng.appraisal.models import Component, Run, YearEndList, default_year_end_rules
from chuangcheng.appraisal.tests.pages_county import Month, at, build_month
from chuangcheng.conftest import World

from .helpers import assert_page_healthy, login, screenshot_step

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
REQUIREMENTS = (
    "一、各街道要对照逾期清单逐件销号，12月10日前报送整改情况。\n"
    "二、城关街道要针对媒体曝光问题举一反三，建立背街小巷保洁长效机制。"
)
TYPICAL_NOTE = "超期两天才处置，群众反映强烈"
PDF_TIMEOUT_MS = 180_000  # LibreOffice's first start on a cold machine


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Clock:
    """Time travel while the month is built, back to the real clock before the browser runs."""

    def __init__(self) -> None:
        self.traveller: time_machine.travel | None = None

    def __call__(self, moment: dt.datetime) -> None:
        self.stop()
        self.traveller = time_machine.travel(moment, tick=False)
        self.traveller.start()

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def november(request) -> Month:  # type: ignore[no-untyped-def]
    """November 2026 as a draft run, built at its moments; the clock is real again afterwards."""
    clock = Clock()
    clock(at(10, 20, 9))
    try:
        world: World = request.getfixturevalue("world")
        return build_month(world, clock)
    finally:
        clock.stop()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"appraisal-{name}.png"), full_page=True)


def town_rows(page: Page) -> list[str]:
    return page.locator("#group-town tbody td.unit-name").all_inner_texts()


def ranking_on_page(page: Page, group: str) -> list[list[str]]:
    """名次, 单位, 总分 of each row of a group's table, as the page shows them."""
    rows = page.locator(f"#group-{group} tbody tr")
    return [
        [
            row.locator("td.rank").inner_text().strip(),
            row.locator("td.unit-name").inner_text().split("\n")[0].strip(),
            row.locator("td.total").inner_text().strip(),
        ]
        for row in rows.all()
    ]


def download(page: Page, link: str, name: str, *, timeout: float = 30_000) -> Path:
    """Click a download link as a person would and keep the file in var/screenshots/."""
    with page.expect_download(timeout=timeout) as info:
        page.locator(link).click()
    path = SHOTS / name
    SHOTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(path)
    return path


def docx_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """The paragraphs a reader sees in the body, and every table as rows of cell texts."""
    document = Document(io.BytesIO(path.read_bytes()))
    paragraphs = [p.text.strip() for p in document.paragraphs if p.text.strip()]
    tables = [[[cell.text.strip() for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def pdf_pages_to_png(pdf: Path, stem: str, last: int = 2) -> tuple[int, list[Path]]:
    """The PDF's page count and its first pages rendered to PNG (poppler) in var/screenshots/."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    pages = int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("Pages:")))
    for old in SHOTS.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", str(min(last, pages)), str(pdf), str(SHOTS / stem)],
        check=True,
        timeout=120,
    )
    return pages, sorted(SHOTS.glob(f"{stem}-*.png"))


def ink(png: Path, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> tuple[int, int]:
    """Dark pixels and strongly red pixels in a part of the page (fractions of width and height)."""
    image = Image.open(png).convert("RGB")
    w, h = image.size
    part = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    r, g, b = (
        band.point(lambda v, cut=cut, above=above: 255 if (v > cut) == above else 0)
        for band, cut, above in zip(part.split(), (170, 90, 90), (True, False, False), strict=True)
    )
    red = ImageChops.multiply(ImageChops.multiply(r, g), b).histogram()[255]
    dark = sum(part.convert("L").histogram()[:120])
    return dark, red


def test_the_office_runs_the_month_end_and_a_town_reads_its_result(  # type: ignore[no-untyped-def]
    desktop: Page, phone: Page, november: Month
) -> None:
    month, world, run = november, november.world, november.run

    desktop.set_viewport_size({"width": 1280, "height": 900})
    login(desktop, "office")
    desktop.get_by_role("link", name="月度考核").first.click()
    expect(desktop.locator("#run-table")).to_contain_text("2026年11月")
    _shot(desktop, "run-list-desktop")
    desktop.get_by_role("link", name="2026年11月").click()
    expect(desktop.locator("#run-title")).to_have_text("2026年11月")
    assert [t.split("\n")[0] for t in town_rows(desktop)] == ["城关街道", "城南街道"]
    expect(desktop.locator("#chart-trend")).to_be_visible()
    expect(desktop.locator("#group-town .chart-scores canvas")).to_have_count(1)
    screenshot_step(desktop, "draft")

    form = desktop.locator("#adjustment-form")
    form.get_by_label("单位").select_option(label="城关街道")
    form.get_by_label("类型").select_option(label="媒体曝光")
    form.get_by_label("分值").fill("-60")
    form.get_by_label("事由").fill("背街小巷垃圾堆积被市电视台曝光")
    form.get_by_role("button", name="录入").click()
    expect(desktop.locator(".messages")).to_contain_text("加减分已录入，排名已更新")
    assert [t.split("\n")[0] for t in town_rows(desktop)] == ["城南街道", "城关街道"]
    expect(desktop.locator("#adjustments")).to_contain_text("背街小巷垃圾堆积被市电视台曝光")
    _shot(desktop, "run-draft-desktop")

    # The 通报 editor: the office writes 下步工作要求 and picks 城南街道's late case as 典型问题.
    late = month.cases["b"][0]
    desktop.locator("#run-bulletin").click()
    expect(desktop.locator("#bulletin-title")).to_have_text("考核通报")
    desktop.get_by_label("下步工作要求").fill(REQUIREMENTS)
    desktop.locator("#bulletin-save").click()
    expect(desktop.locator(".messages")).to_contain_text("通报文字已保存")
    expect(desktop.get_by_label("下步工作要求")).to_have_value(REQUIREMENTS)
    typical = desktop.locator("#typical-form")
    typical.get_by_label("案卷编号").fill(late.code)
    typical.get_by_label("点评").fill(TYPICAL_NOTE)
    typical.locator("#typical-add").click()
    expect(desktop.locator(".messages")).to_contain_text("已加入典型问题")
    item = desktop.locator(f"#typical li[data-case='{late.pk}']")
    expect(item).to_contain_text(TYPICAL_NOTE)
    expect(item.locator("img")).to_have_count(2)
    _shot(desktop, "bulletin-draft-desktop")
    preview = download(desktop, "#bulletin-preview", "appraisal-bulletin-preview.docx")
    paragraphs, _tables = docx_text(preview)
    assert "（草稿）" in paragraphs

    desktop.locator("main .crumbs").get_by_role("link", name="2026年11月").click()
    expect(desktop.locator("#run-title")).to_have_text("2026年11月")
    expect(desktop.locator("#group-town tbody tr")).to_have_count(2)
    page_ranking = ranking_on_page(desktop, "town")
    assert [row[1] for row in page_ranking] == ["城南街道", "城关街道"]
    desktop.once("dialog", lambda dialog: dialog.accept())
    desktop.locator("#run-publish").click()
    expect(desktop.locator(".messages")).to_contain_text("已发布")
    expect(desktop.locator(".run-status")).to_have_text("已发布")
    expect(desktop.locator("#run-doc-number")).to_contain_text("县创建办〔2026〕")
    assert Run.objects.get(pk=run.pk).status == RunStatus.PUBLISHED
    assert ranking_on_page(desktop, "town") == page_ranking
    _shot(desktop, "run-published-desktop")

    # The published 通报: download it and read it as the towns will.
    desktop.locator("#run-bulletin").click()
    number = desktop.locator("#bulletin-doc-number").inner_text().strip()
    assert number.startswith("县创建办〔2026〕") and number.endswith("号")
    _shot(desktop, "bulletin-published-desktop")
    docx = download(desktop, "#bulletin-docx", "appraisal-bulletin.docx")
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == desktop.locator("#bulletin-sha256").inner_text()
    paragraphs, tables = docx_text(docx)
    assert "县创建工作领导小组办公室" in paragraphs[0]
    assert number in paragraphs
    assert "关于2026年11月创建工作考核情况的通报" in paragraphs
    assert "（草稿）" not in paragraphs
    towns = next(t for t in tables if any(row[1] == "城关街道" for row in t))
    assert towns[0] == ["名次", "单位", "考核得分", "加减分", "总分", "等次", "变化"]
    assert [[row[0], row[1], row[4]] for row in towns[1:]] == page_ranking
    assert next(row for row in towns if row[1] == "城关街道")[3] == "-60.00"
    heading = paragraphs.index("七、下步工作要求")
    assert paragraphs[heading + 1 : heading + 3] == REQUIREMENTS.splitlines()
    assert any(late.code in p and TYPICAL_NOTE in p for p in paragraphs)
    overdue = month.cases["b"][2].code
    assert any(row[0] == overdue for t in tables for row in t), "逾期未办结清单 lists the open case"

    if shutil.which("soffice") is None:
        expect(desktop.locator("#no-pdf")).to_be_visible()
    else:
        pdf = download(desktop, "#bulletin-pdf", "appraisal-bulletin.pdf", timeout=PDF_TIMEOUT_MS)
        assert pdf.read_bytes().startswith(b"%PDF")
        pages, pngs = pdf_pages_to_png(pdf, "appraisal-bulletin-page")
        assert pages >= 1 and len(pngs) == min(2, pages)
        for png in pngs:
            dark, _red = ink(png)
            assert dark > 2_000, f"{png.name} looks blank"
        _dark, red = ink(pngs[0], (0, 0, 1, 0.3))
        assert red > 2_000, "page 1 has the red 发文机关标志 and red line at its top"
    assert_page_healthy(desktop)

    # 城南街道's admin on a phone: 我的考核, the unit page, a traced list, the 通报.
    login(phone, "admin_b")
    phone.goto("/appraisal/mine/")
    expect(phone.locator("#mine-rank")).to_have_text("1/2")
    expect(phone.locator("#mine-latest")).to_contain_text("城南街道 · 2026年11月")
    _shot(phone, "mine-phone")
    phone.locator("#mine-detail").click()
    expect(phone.locator("#unit-title")).to_have_text("城南街道")
    expect(phone.locator("#unit-figures")).to_contain_text("按期处置率分值")
    _shot(phone, "unit-phone")
    phone.locator("#unit-figures tr[data-kind='overdue_open'] td.num a").click()
    expect(phone.locator("#trace-table tbody tr")).to_have_count(1)
    expect(phone.locator("#trace-table")).to_contain_text(month.cases["b"][2].code)
    _shot(phone, "trace-phone")
    other = phone.goto(f"/appraisal/runs/{run.pk}/units/{world.town_a.pk}/")
    assert other is not None and other.status == 404
    phone.goto("/appraisal/")
    expect(phone.locator("#run-table")).to_contain_text(number)
    _shot(phone, "run-list-phone")
    phone.get_by_role("link", name="2026年11月").click()
    expect(phone.locator("#run-title")).to_have_text("2026年11月")
    _shot(phone, "run-phone")
    phone.locator("#run-bulletin").click()
    expect(phone.locator("#bulletin-doc-number")).to_have_text(number)
    _shot(phone, "bulletin-phone")
    on_phone = download(phone, "#bulletin-docx", "appraisal-bulletin-phone.docx")
    assert on_phone.read_bytes() == docx.read_bytes()
    assert_page_healthy(phone)


def test_the_office_tunes_the_scheme_and_confirms_the_year_end_list(desktop: Page, november: Month) -> None:
    world, scheme = november.world, november.scheme
    services.run_publish(run=november.run, by=world.office)
    # No page edits the year-end rules: loosen them so one published month names units and people.
    scheme.year_end_rules = {**default_year_end_rules(), "praise_min_red_months": 1, "person_min_reports": 0}
    scheme.save()
    component = Component.objects.filter(scheme=scheme, is_active=True).order_by("sort_order", "pk").first()
    assert component is not None

    desktop.set_viewport_size({"width": 1280, "height": 900})
    login(desktop, "office")
    desktop.goto("/appraisal/")
    desktop.locator(f"a[data-scheme='{scheme.pk}']").click()
    expect(desktop.locator("#scheme-title")).to_have_text(scheme.name)
    _shot(desktop, "scheme-desktop")

    settings = desktop.locator("#scheme-settings")
    settings.get_by_label("红榜前 N 名").fill("1")
    settings.locator("#scheme-save").click()
    expect(desktop.locator(".messages")).to_contain_text("考核方案已保存")
    expect(desktop.locator("#scheme-settings").get_by_label("红榜前 N 名")).to_have_value("1")

    row = desktop.locator(f"tr[data-component='{component.pk}']")
    row.get_by_label("权重").fill("35")
    row.get_by_role("button", name="保存").click()
    expect(desktop.locator(".messages")).to_contain_text(f"考核项“{component.name}”已保存")
    expect(desktop.locator(f"tr[data-component='{component.pk}']").get_by_label("权重")).to_have_value("35.00")
    component.refresh_from_db()
    assert str(component.weight) == "35.00"
    _shot(desktop, "scheme-saved-desktop")

    desktop.locator("#nav-yearend").click()
    expect(desktop.locator("#yearend-lists")).to_contain_text("暂无年终评定名单")
    build = desktop.locator("#yearend-build")
    build.get_by_label("年度").select_option("2026")
    build.get_by_label("名单类型").select_option(label="表彰")
    build.locator("#yearend-build-submit").click()
    expect(desktop.locator(".messages")).to_contain_text("已生成名单")
    entries = desktop.locator("#yearend-entries tbody")
    expect(entries).to_contain_text("郑巡查")
    expect(entries).to_contain_text("冯大爷")
    _shot(desktop, "yearend-list-desktop")

    volunteer = entries.locator("tr", has_text="冯大爷")
    volunteer.get_by_label("审核意见").fill("已调离本县")
    volunteer.get_by_role("button", name="不列入").click()
    expect(desktop.locator(".messages")).to_contain_text("已不列入：冯大爷")
    volunteer = desktop.locator("#yearend-entries tbody tr", has_text="冯大爷")
    expect(volunteer).to_contain_text("已调离本县")
    expect(volunteer).to_contain_text("不列入")

    # Confirming numbers the list for good: the page asks first, and "取消" leaves it a draft.
    desktop.once("dialog", lambda dialog: dialog.dismiss())
    desktop.locator("#yearend-confirm").click()
    expect(desktop.locator("#yearend-confirm")).to_be_visible()
    assert YearEndList.objects.get(scheme=scheme, year=2026).status != YearEndStatus.CONFIRMED
    questions: list[str] = []

    def accept(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    desktop.once("dialog", accept)
    desktop.locator("#yearend-confirm").click()
    expect(desktop.locator(".messages")).to_contain_text("名单已确认")
    assert questions and "不能再修改" in questions[0]
    expect(desktop.locator("#yearend-status")).to_contain_text("县创建办〔2026〕")
    expect(desktop.locator("#yearend-confirm")).to_have_count(0)
    year_list = YearEndList.objects.get(scheme=scheme, year=2026)
    assert year_list.status == YearEndStatus.CONFIRMED
    _shot(desktop, "yearend-confirmed-desktop")

    paragraphs, tables = docx_text(download(desktop, "#yearend-docx", "appraisal-yearend.docx"))
    assert year_list.doc_number in paragraphs
    names = [row[1] for table in tables if table[0][0] == "序号" for row in table[1:]]
    assert tables[-1][-1][0].endswith("印发"), "the 版记 closes with the 印发机关 and date"
    assert "郑巡查" in names and "冯大爷" not in names

    desktop.locator("#nav-yearend").click()
    expect(desktop.locator(f"#yearend-list-{year_list.pk}")).to_contain_text(year_list.doc_number)
    _shot(desktop, "yearend-index-desktop")
    assert_page_healthy(desktop)
