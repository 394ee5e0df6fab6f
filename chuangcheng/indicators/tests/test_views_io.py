"""Import pages (office only), template downloads and the scoped exports."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chuangcheng.conftest import PASSWORD
from chuangcheng.core.tests.xlsx_helpers import xlsx_upload
from chuangcheng.core.xlsx import XLSX_CONTENT_TYPE
from chuangcheng.indicators.models import IndicatorNode, Task
from chuangcheng.indicators.tests.io_helpers import (
    FRAMEWORK_HEADER,
    TASK_HEADER,
    node_row,
    task_row,
)

pytestmark = pytest.mark.django_db

CODE = "WMXC-2027"
FRAMEWORK_URL = f"/indicators/{CODE}/import/framework/"
TASKS_URL = f"/indicators/{CODE}/import/tasks/"


def login(client, person):
    assert client.login(username=person.username, password=PASSWORD)
    return client


def post(client, url, upload, *, partial=False):
    data = {"file": upload}
    if partial:
        data["partial"] = "on"
    return client.post(url, data)


def codes(response) -> list[str]:
    ws = load_workbook(BytesIO(response.content)).active
    return [row[1] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_the_urls_are_under_the_campaign_code():
    assert reverse("indicators:import_framework", args=[CODE]) == FRAMEWORK_URL
    assert reverse("indicators:import_tasks", args=[CODE]) == TASKS_URL
    assert reverse("indicators:export_framework", args=[CODE]) == f"/indicators/{CODE}/export/framework.xlsx"
    assert reverse("indicators:export_tasks", args=[CODE]) == f"/indicators/{CODE}/export/tasks.xlsx"


def test_the_office_sees_the_form_with_template_and_export_links(client, world, campaign):
    response = login(client, world.office).get(FRAMEWORK_URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "导入测评体系" in body and "仅导入无误的行" in body and 'name="partial"' in body
    assert reverse("indicators:template_framework", args=[CODE]) in body
    assert reverse("indicators:export_framework", args=[CODE]) in body


@pytest.mark.parametrize("persona", ["supervisor", "leader", "admin_a", "handler_a", "volunteer"])
def test_only_the_office_may_import(client, world, campaign, persona):
    login(client, getattr(world, persona))
    upload = xlsx_upload(FRAMEWORK_HEADER, [node_row("1", None, "基础工作", 10)])

    assert client.get(FRAMEWORK_URL).status_code == 403
    assert client.get(TASKS_URL).status_code == 403
    assert post(client, FRAMEWORK_URL, upload).status_code == 403
    assert client.get(reverse("indicators:template_tasks", args=[CODE])).status_code == 403
    assert not IndicatorNode.objects.exists()


def test_an_anonymous_visitor_is_sent_to_login(client, world, campaign):
    response = client.get(TASKS_URL)

    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_an_unknown_campaign_is_404(client, world, campaign):
    login(client, world.office)

    assert client.get("/indicators/NOPE/import/framework/").status_code == 404
    assert client.get("/indicators/NOPE/export/tasks.xlsx").status_code == 404


def test_a_successful_import_shows_the_summary(client, world, campaign):
    upload = xlsx_upload(FRAMEWORK_HEADER, [node_row("1", None, "基础工作", 10), node_row("1.1", "1", "组织", 5)])

    response = post(login(client, world.office), FRAMEWORK_URL, upload)

    body = response.content.decode()
    assert 'id="import-ok"' in body and "新增 2 条" in body
    assert IndicatorNode.objects.count() == 2


def test_an_import_with_errors_shows_the_error_table_and_writes_nothing(client, world, campaign):
    upload = xlsx_upload(FRAMEWORK_HEADER, [node_row("1", None, "基础工作", 10), node_row("1.1", "1", "组织", "五分")])

    response = post(login(client, world.office), FRAMEWORK_URL, upload)

    body = response.content.decode()
    assert 'id="import-errors"' in body and "没有写入任何数据" in body
    assert "<td>3</td><td>满分</td><td>满分“五分”不是数字</td>" in body
    assert not IndicatorNode.objects.exists()


def test_the_partial_checkbox_imports_the_good_rows(client, world, campaign, framework):
    upload = xlsx_upload(TASK_HEADER, [task_row("RW-001"), task_row("RW-002", 完成时限=None)])

    response = post(login(client, world.office), TASKS_URL, upload, partial=True)

    body = response.content.decode()
    assert 'id="import-partial"' in body and "1 行有错误，未导入" in body
    assert "<td>3</td><td>完成时限</td><td>必填项“完成时限”为空</td>" in body
    assert list(Task.objects.values_list("code", flat=True)) == ["RW-001"]


def test_reimporting_reports_updates_and_missing_nodes(client, world, campaign, framework):
    upload = xlsx_upload(FRAMEWORK_HEADER, [node_row("P1", None, "公共环境（改）", 10)])

    body = post(login(client, world.office), FRAMEWORK_URL, upload).content.decode()

    assert "更新 1 条" in body and 'id="import-warnings"' in body and "已有 5 个指标不在文件中，未删除" in body


def test_a_file_that_is_not_an_xlsx_is_shown_as_a_file_error(client, world, campaign):
    upload = SimpleUploadedFile("任务.xlsx", b"this is a text file")

    body = post(login(client, world.office), TASKS_URL, upload).content.decode()

    assert "<td>—</td><td>—</td><td>文件不是有效的 Excel（.xlsx）文件</td>" in body


def test_an_oversized_upload_is_refused_unread(client, world, campaign, settings):
    settings.IMPORT_MAX_BYTES = 2048
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 4096)

    body = post(login(client, world.office), FRAMEWORK_URL, upload).content.decode()

    assert "文件过大（上限 2 KB），请拆分后分批导入" in body


def test_a_post_without_a_file_shows_the_form_error(client, world, campaign):
    response = login(client, world.office).post(FRAMEWORK_URL, {})

    assert response.status_code == 200 and 'id="import-result"' not in response.content.decode()


def test_the_office_downloads_the_templates(client, world, campaign):
    login(client, world.office)

    for kind in ("framework", "tasks"):
        response = client.get(reverse(f"indicators:template_{kind}", args=[CODE]))
        assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
        assert "attachment" in response["Content-Disposition"]


def test_the_framework_export_downloads(client, world, campaign, framework):
    response = login(client, world.leader).get(f"/indicators/{CODE}/export/framework.xlsx")

    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    ws = load_workbook(BytesIO(response.content)).active
    assert [row[0] for row in ws.iter_rows(min_row=2, values_only=True)][:2] == ["P1", "P1.1"]


def test_the_task_export_holds_only_the_users_tasks(client, world, campaign, task_factory):
    task_factory(code="RW-001")
    task_factory(code="RW-002", lead_unit=world.town_b)
    url = f"/indicators/{CODE}/export/tasks.xlsx"

    assert codes(login(client, world.admin_b).get(url)) == ["RW-002"]
    assert sorted(codes(login(client, world.office).get(url))) == ["RW-001", "RW-002"]


def test_the_task_export_accepts_the_ledger_filters(client, world, campaign, task_factory):
    task_factory(code="RW-001", deadline=dt.date(2027, 1, 1))
    task_factory(code="RW-002", deadline=dt.date(2027, 6, 1), lead_unit=world.town_b)
    login(client, world.office)
    url = f"/indicators/{CODE}/export/tasks.xlsx"

    assert codes(client.get(url, {"unit": world.town_b.pk})) == ["RW-002"]
    assert codes(client.get(url, {"deadline_to": "2027-03-01"})) == ["RW-001"]


def test_roles_without_tasks_may_not_export(client, world, campaign):
    login(client, world.volunteer)

    assert client.get(f"/indicators/{CODE}/export/tasks.xlsx").status_code == 403
    assert client.get(f"/indicators/{CODE}/export/framework.xlsx").status_code == 403


def _api_url(name: str, **kwargs: str) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(f"api:{name}", kwargs=kwargs)
    except NoReverseMatch:
        pytest.skip("api_io.router is not mounted in chuangcheng/api.py yet")


def test_the_api_imports_for_the_office_and_refuses_others(client, world, campaign):
    url = _api_url("indicators_import_framework", code=CODE)
    upload = xlsx_upload(FRAMEWORK_HEADER, [node_row("1", None, "基础工作", 10), node_row("1.1", "1", "组织", "x")])

    refused = login(client, world.admin_a).post(url, {"file": upload})
    upload.seek(0)
    answer = login(client, world.office).post(url, {"file": upload, "partial": "true"})

    assert refused.status_code == 403
    body = answer.json()
    assert answer.status_code == 200 and body["written"] and body["created"] == 1
    assert body["errors"] == [{"row": 3, "column": "满分", "message": "满分“x”不是数字"}]


def test_the_api_exports_and_serves_templates(client, world, campaign, task_factory):
    task_factory(code="RW-001")
    login(client, world.office)

    exported = client.get(_api_url("indicators_export_tasks", code=CODE))
    template = client.get(_api_url("indicators_template_tasks"))

    assert codes(exported) == ["RW-001"]
    assert template.status_code == 200 and template["Content-Type"] == XLSX_CONTENT_TYPE
