"""The appraisal API: the same access and answers as the pages."""

# The fixtures come from pages_county (the app's conftest belongs to the formula tests).
# ruff: noqa: F811
from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from chuangcheng.appraisal import services
from chuangcheng.appraisal.choices import ComponentKind, RunStatus
from chuangcheng.appraisal.models import Adjustment, Run

from .pages_county import Month, media, month, move, publish  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/appraisal"


def town_ranks(body: dict) -> dict[str, int]:
    towns = next(g for g in body["groups"] if g["group"] == "town")
    return {r["unit"]["name"]: r["rank"] for r in towns["results"]}


def test_the_office_lists_drafts_and_a_unit_does_not(client, month: Month):
    client.force_login(month.world.office)
    assert [r["id"] for r in client.get(f"{API}/runs").json()["items"]] == [month.run.pk]
    client.force_login(month.world.admin_a)
    assert client.get(f"{API}/runs").json()["items"] == []
    assert client.get(f"{API}/runs/{month.run.pk}").status_code == 404


def test_a_unit_reads_the_published_ranking_and_its_own_figures_only(client, month: Month):
    world = month.world
    run = publish(month.run, world.office)
    client.force_login(world.admin_a)
    body = client.get(f"{API}/runs/{run.pk}").json()
    assert town_ranks(body) == {"城关街道": 1, "城南街道": 2}
    own = client.get(f"{API}/runs/{run.pk}/units/{world.town_a.pk}")
    assert own.status_code == 200
    figures = {f["kind"]: f for f in own.json()["figures"]}
    assert figures[ComponentKind.ON_TIME_HANDLE]["num"] == 3
    assert figures[ComponentKind.ON_TIME_HANDLE]["den"] == 3
    assert client.get(f"{API}/runs/{run.pk}/units/{world.town_b.pk}").status_code == 404
    other_trace = f"{API}/runs/{run.pk}/units/{world.town_b.pk}/trace/on_time_handle/den"
    assert client.get(other_trace).status_code == 404


def test_the_trace_lists_the_counted_cases(client, month: Month):
    world = month.world
    client.force_login(world.office)
    response = client.get(f"{API}/runs/{month.run.pk}/units/{world.town_b.pk}/trace/overdue_open/num")
    assert [item["code"] for item in response.json()["items"]] == [month.cases["b"][2].code]
    assert client.get(f"{API}/runs/{month.run.pk}/units/{world.town_b.pk}/trace/rework/all").status_code == 422


def test_the_office_creates_a_run_and_a_duplicate_is_refused_in_chinese(client, month: Month):
    client.force_login(month.world.office)
    made = client.post(f"{API}/runs", {"scheme": month.scheme.pk, "year": 2026, "month": 10}, "application/json")
    assert made.status_code == 201
    assert made.json()["label"] == "2026年10月"
    again = client.post(f"{API}/runs", {"scheme": month.scheme.pk, "year": 2026, "month": 11}, "application/json")
    assert again.status_code == 400
    assert "该考核期已有草稿" in again.json()["detail"]
    bad = client.post(f"{API}/runs", {"scheme": month.scheme.pk, "year": 2026, "month": 13}, "application/json")
    assert bad.status_code == 422
    assert Run.objects.count() == 2


def test_an_adjustment_is_idempotent_by_its_key_and_reranks(client, month: Month):
    world = month.world
    client.force_login(world.office)
    url = f"{API}/runs/{month.run.pk}/adjustments"
    body = {"unit": world.town_a.pk, "kind": "media", "points": "-60", "reason": "被省电视台曝光"}
    first = client.post(url, body, "application/json", headers={"Idempotency-Key": "k-1"})
    again = client.post(url, body, "application/json", headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Adjustment.objects.count() == 1
    assert town_ranks(client.get(f"{API}/runs/{month.run.pk}").json()) == {"城南街道": 1, "城关街道": 2}
    removed = client.delete(f"{url}/{first.json()['id']}")
    assert removed.status_code == 204
    assert town_ranks(client.get(f"{API}/runs/{month.run.pk}").json()) == {"城关街道": 1, "城南街道": 2}


def test_a_retried_adjustment_finds_its_first_item_after_the_cache_is_gone(client, month: Month):
    """The key lives with the item, not in a per-process cache: another worker, a restart, a day later."""
    world = month.world
    client.force_login(world.office)
    url = f"{API}/runs/{month.run.pk}/adjustments"
    body = {"unit": world.town_b.pk, "kind": "honour", "points": "3", "reason": "获省级表彰"}
    first = client.post(url, body, "application/json", headers={"Idempotency-Key": "retry-after-restart"})
    cache.clear()
    again = client.post(url, body, "application/json", headers={"Idempotency-Key": "retry-after-restart"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert Adjustment.objects.get().pk == again.json()["id"]


def test_a_key_used_on_another_month_is_refused(client, month: Month):
    world = month.world
    client.force_login(world.office)
    body = {"unit": world.town_b.pk, "kind": "honour", "points": "3", "reason": "获省级表彰"}
    client.post(f"{API}/runs/{month.run.pk}/adjustments", body, "application/json", headers={"Idempotency-Key": "k-9"})
    other = services.run_create(
        scheme=month.run.scheme, by=world.office, start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1)
    )
    refused = client.post(
        f"{API}/runs/{other.pk}/adjustments", body, "application/json", headers={"Idempotency-Key": "k-9"}
    )
    assert refused.status_code == 409
    assert "已用于其他月份" in refused.json()["detail"]
    assert list(Adjustment.objects.values_list("run_id", flat=True)) == [month.run.pk]


def test_a_bad_adjustment_is_refused_and_nothing_changes(client, month: Month):
    world = month.world
    client.force_login(world.office)
    url = f"{API}/runs/{month.run.pk}/adjustments"
    body = {"unit": world.town_a.pk, "kind": "media", "points": "0", "reason": "无"}
    zero = client.post(url, body, "application/json", headers={"Idempotency-Key": "k-2"})
    assert zero.status_code == 400
    assert "不为 0" in zero.json()["detail"]
    no_key = client.post(url, {**body, "points": "5"}, "application/json")
    assert no_key.status_code == 400
    assert "Idempotency-Key" in no_key.json()["detail"]
    no_reason = client.post(
        url, {**body, "points": "5", "reason": ""}, "application/json", headers={"Idempotency-Key": "k3"}
    )
    assert no_reason.status_code == 422
    assert not Adjustment.objects.exists()


def test_the_leader_reads_but_may_not_write(client, month: Month):
    world = month.world
    run = publish(month.run, world.office)
    client.force_login(world.leader)
    assert client.get(f"{API}/runs/{run.pk}/units/{world.town_b.pk}").status_code == 200
    assert client.get(f"{API}/schemes").status_code == 200
    refused = client.post(f"{API}/runs/{run.pk}/correct", {"reason": "想改"}, "application/json")
    assert refused.status_code == 403
    assert Run.objects.count() == 1


def test_the_office_corrects_a_published_run(client, month: Month):
    run = publish(month.run, month.world.office)
    client.force_login(month.world.office)
    response = client.post(f"{API}/runs/{run.pk}/correct", {"reason": "派遣单位有误"}, "application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["revision"], body["status"], body["correction_of"]) == (2, RunStatus.DRAFT, run.pk)


def test_units_may_not_read_the_scheme(client, month: Month):
    client.force_login(month.world.admin_a)
    assert client.get(f"{API}/schemes").status_code == 403
    assert client.get(f"{API}/schemes/{month.scheme.pk}").status_code == 403
    client.force_login(month.world.office)
    body = client.get(f"{API}/schemes/{month.scheme.pk}").json()
    assert body["grades"][0] == ["A", 90]
    assert any(c["kind"] == "case_count" for c in body["components"])


def test_the_office_publishes_through_the_api(client, month: Month):
    client.force_login(month.world.office)
    response = client.post(f"{API}/runs/{month.run.pk}/publish")
    assert response.status_code == 200
    assert response.json()["status"] == RunStatus.PUBLISHED
