"""What the schema fuzz found in the API's inputs, each pinned by a request a client could send.

* NUL characters reached queries (a 500 on PostgreSQL, which cannot store them);
* an extension amount was documented as "number or any string", and two decimals were a 422;
* multipart fields the schema called optional-null or allowed empty were refused as missing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from chuangcheng.cases.models import Case
from chuangcheng.cases.tests.api_helpers import dispatched_case, make_category, reported_case
from chuangcheng.indicators.models import ProgressReport
from chuangcheng.tests.test_api_fuzz import make_ledger

pytestmark = pytest.mark.django_db


def document(client) -> dict[str, Any]:
    return json.loads(client.get("/api/openapi.json").content)


def multipart(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return doc["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]


def nul_refused(response) -> bool:
    body = response.json()
    return response.status_code == 422 and body["detail"][0]["type"] == "nul_character"


def test_a_nul_in_a_json_body_is_refused_and_changes_nothing(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = reported_case(world.inspector, make_category())
    client.force_login(world.office)

    response = client.post(f"/api/cases/{case.pk}/reject", {"reason": "重复\x00上报"}, content_type="application/json")

    assert nul_refused(response)
    assert "空字符" in response.json()["detail"][0]["msg"]
    assert Case.objects.get(pk=case.pk).status == case.status


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_written(client, world):
    _, task = make_ledger(world)
    client.force_login(world.admin_a)

    response = client.post(
        f"/api/indicators/tasks/{task.pk}/reports",
        {"percent": "10", "narrative": "已完成\x00"},
        headers={"Idempotency-Key": "k1"},
    )

    assert nul_refused(response)
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "url", ["/api/cases/?q=%E8%B7%AF%00", "/api/org/units?q=%00", "/api/indicators/X%00/export/framework.xlsx"]
)
def test_a_nul_in_a_query_or_path_parameter_is_refused(client, world, url):
    client.force_login(world.office)

    assert nul_refused(client.get(url))


def test_every_text_input_of_the_document_excludes_nul(client, world):
    reason = document(client)["components"]["schemas"]["ReasonIn"]["properties"]["reason"]

    assert reason["pattern"] == "^[^\\u0000]*$"


def test_an_extension_amount_is_a_number_and_is_kept_to_tenths(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = dispatched_case(world, make_category())
    amount = document(client)["components"]["schemas"]["ExtensionIn"]["properties"]["amount"]
    client.force_login(world.admin_a)

    response = client.post(
        f"/api/cases/{case.pk}/extension",
        {"amount": 1.25, "time_unit": case.category.time_unit, "reason": "材料未到"},
        content_type="application/json",
    )

    assert amount["type"] == "number" and "anyOf" not in amount and amount["maximum"] == 99999.9
    assert response.status_code == 200, response.content
    assert Decimal(str(response.json()["amount"])) == Decimal("1.3")


def test_an_extension_amount_that_is_not_a_number_is_a_422(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = dispatched_case(world, make_category())
    client.force_login(world.admin_a)

    response = client.post(
        f"/api/cases/{case.pk}/extension",
        {"amount": "一天", "time_unit": case.category.time_unit, "reason": "材料未到"},
        content_type="application/json",
    )

    assert response.status_code == 422


def test_multipart_fields_are_documented_as_a_form_can_send_them(client, world):
    doc = document(client)
    intake = multipart(doc, "/api/cases/")
    report = multipart(doc, "/api/indicators/tasks/{task_id}/reports")
    reply = multipart(doc, "/api/indicators/notices/{notice_id}/reply")
    map_import = multipart(doc, "/api/places/import/{kind}")

    # A form cannot send null: an optional coordinate is a bounded number, or left out.
    assert intake["properties"]["lon"] == {**intake["properties"]["lon"], "type": "number", "maximum": 180}
    assert "anyOf" not in intake["properties"]["lat"] and intake["properties"]["lat"]["maximum"] == 90
    # An empty required field or file is dropped by form encoders, i.e. missing: the schema says so.
    assert intake["properties"]["description"]["minLength"] == 1
    assert report["properties"]["narrative"]["minLength"] == 1
    assert reply["properties"]["reply"]["minLength"] == 1
    assert map_import["properties"]["file"]["minLength"] == 1


def test_an_intake_with_a_longitude_off_the_globe_is_a_422(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    category = make_category()
    client.force_login(world.inspector)

    response = client.post(
        "/api/cases/",
        {"source": "patrol", "category": category.pk, "description": "路边有垃圾", "lon": "200"},
        headers={"Idempotency-Key": "k2"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "lon"
