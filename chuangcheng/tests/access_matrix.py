"""Every route of the site and of the API, with the roles allowed on it: the endpoint × role matrix.

``test_access_matrix`` fails when a route has no entry here, or an entry names a route that
no longer exists: a new page or API operation joins this table, saying who may use it.

An entry says which roles get a 2xx/3xx answer (``roles``); the others are refused
(anonymous: 302 to the login page, 401 from the API; everybody else 403 or 404). ``obj``
names the kind of object whose id the route takes: the role pass uses town A's object,
and a role in ``roles`` is expected to be let in only if the scope selector lets it see
that object; personas of town B must get 403/404 for it whatever their role. ``lists``
names the scope whose rows a list shows: exactly the visible ones of both towns must
appear. ``params`` fills the other parts of the path; ``query`` is appended to it.
Admin routes are all one rule: Django's admin lets in staff only, and we have no staff but
the superuser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ROLES = (
    ANONYMOUS,
    "office",
    "supervisor",
    "leader",
    "unit_admin",
    "handler",
    "road_chief",
    "inspector",
    "volunteer",
    SUPERUSER,
)
ALL = frozenset(ROLES)
USERS = ALL - {ANONYMOUS}
COUNTY = frozenset({"office", "supervisor", "leader", "superuser"})
OFFICE = frozenset({"office", "superuser"})
UNIT = frozenset({"unit_admin", "handler"})
# Who reports a problem from the street, and who verifies a handled case (not its own unit).
REPORTERS = frozenset({"office", "supervisor", "road_chief", "inspector", "volunteer", "superuser"})
VERIFIERS = frozenset({"office", "supervisor", "superuser"})
# The task ledger and its framework: county roles and the units that carry tasks.
LEDGER = COUNTY | UNIT
NOTICE_ISSUERS = frozenset({"office", "supervisor", "superuser"})
MAP_EDITORS = frozenset({"office"})
# Checklists (检查表): the office edits; the roles that inspect or oversee inspections read.
CHECKLIST_READERS = frozenset({"office", "supervisor", "leader", "inspector", "road_chief", "superuser"})
# Inspection records and results: the county, the units (their places) and who inspects (their own).
INSPECTION_READERS = COUNTY | UNIT | frozenset({"road_chief", "inspector"})
# 日巡查: the county-wide roles see every route, inspectors and road chiefs their own.
PATROLS = COUNTY | {"inspector", "road_chief"}
# Who inspects from the street with the phone form (inspections.access.FIELD_ROLES).
FIELD = frozenset({"office", "supervisor", "road_chief", "inspector", "superuser"})
# 周检查 / 模拟测评: county roles read every plan, inspectors and road chiefs the plans their team is
# on (once started); units see none. 督查室 and 创建办 run the weekly checks (the matrix's plan is one).
PLAN_READERS = COUNTY | {"inspector", "road_chief"}
CHECK_MANAGERS = frozenset({"office", "supervisor", "superuser"})
NOBODY: frozenset[str] = frozenset()
# 月度考核: the county reads every run (drafts: the office and 督查室 only), units the published
# ones with their own detail; the office runs the month. {run} is published, {draft} its correction.
APPRAISAL_READERS = COUNTY | UNIT
APPRAISAL_RUN = {"pk": "{run}"}
APPRAISAL_DRAFT = {"pk": "{draft}"}


@dataclass(frozen=True)
class Entry:
    roles: frozenset[str]
    obj: str | None = None
    lists: str | None = None
    methods: tuple[str, ...] = ("GET",)
    params: dict[str, str] = field(default_factory=dict)
    query: str = ""
    body: dict[str, str] = field(default_factory=dict)


def E(
    roles: frozenset[str],
    *,
    obj: str | None = None,
    lists: str | None = None,
    post: bool = False,
    both: bool = False,
    query: str = "",
    body: dict[str, str] | None = None,
    **params: str,
) -> Entry:
    """An entry; ``post``: the page takes POST only, ``both``: GET and POST; ``body`` overrides API body fields."""
    methods = ("GET", "POST") if both else ("POST",) if post else ("GET",)
    return Entry(frozenset(roles), obj, lists, methods, params, query, body or {})


ADMIN = E(frozenset({SUPERUSER}))
# The admin routes open to everybody (they say "not authorised" themselves).
ADMIN_OPEN: dict[str, Entry] = {
    "admin:login": E(ALL),
    "admin:logout": E(ALL, post=True),
}

PAGES: dict[str, Entry] = {
    "home:home": E(USERS),
    "core:healthz": E(ALL),
    "core:csp_report": E(ALL, post=True),
    "core:service_worker": E(ALL),
    "core:tile": E(USERS, z="0", x="0", y="0", ext="png"),
    "core:holidays": E(OFFICE),
    "core:holiday_add": E(OFFICE, post=True),
    "core:holiday_import": E(OFFICE, post=True),
    "core:holiday_delete": E(OFFICE, obj="holiday", post=True),
    "core:holiday_notice_preview": E(OFFICE, post=True),
    "core:holiday_notice_save": E(OFFICE, post=True),
    "core:holiday_apply_library": E(OFFICE, post=True),
    "org:login": E(ALL, both=True),
    "org:logout": E(ALL, post=True),
    "org:password_change": E(USERS, both=True),
    "org:password_change_done": E(USERS),
    "org:unit_tree": E(USERS, lists="unit"),
    "org:unit_detail": E(USERS, obj="unit"),
    "org:unit_aliases": E(OFFICE, obj="unit", post=True),
    "org:unit_sets": E(OFFICE),
    "org:unit_set_create": E(OFFICE, both=True),
    "org:unit_set_edit": E(OFFICE, obj="unit_set", both=True),
    "org:person_list": E(USERS, lists="person"),
    "org:audit_log": E(OFFICE),
    "places_io:import": E(MAP_EDITORS, both=True),
    "places_io:import_kind": E(MAP_EDITORS, both=True, kind="segment"),
    "places_io:template": E(USERS, kind="segment"),
    "places_io:export_xlsx": E(USERS, lists="shop", kind="shop"),
    "places_io:export_geojson": E(USERS, lists="shop", kind="shop"),
    "places:map": E(USERS),
    "places:roads_geojson": E(USERS),
    "places:mine": E(USERS),
    "places:segment_list": E(USERS, lists="segment"),
    "places:segment_detail": E(USERS, obj="segment"),
    "places:grid_list": E(USERS, lists="grid"),
    "places:grid_detail": E(USERS, obj="grid"),
    "places:site_list": E(USERS, lists="site"),
    "places:site_detail": E(USERS, obj="site"),
    "places:shop_list": E(USERS, lists="shop"),
    "places:shop_detail": E(USERS, obj="shop"),
    "set_language": E(ALL, post=True),
    "notifications:inbox": E(USERS, lists="notification"),
    "notifications:read_all": E(USERS, post=True),
    "notifications:open": E(USERS, obj="notification"),
    "cases:list": E(USERS, lists="case"),
    "cases:export_xlsx": E(USERS, lists="case"),
    "cases:report": E(REPORTERS, both=True),
    "cases:intake": E(OFFICE),
    "cases:todo": E(USERS, lists="todo"),
    "cases:category_list": E(OFFICE),
    "cases:category_create": E(OFFICE, both=True),
    "cases:category_edit": E(OFFICE, obj="category", both=True),
    "cases:category_import": E(OFFICE, both=True),
    "cases:category_export": E(OFFICE),
    "cases:photo": E(USERS, obj="photo"),
    "cases:photo_thumb": E(USERS, obj="photo"),
    "cases:detail": E(USERS, obj="case"),
    "cases:accept": E(OFFICE, obj="case", post=True),
    "cases:reject": E(OFFICE, obj="case", post=True),
    "cases:merge": E(OFFICE, obj="case", post=True),
    "cases:dispatch": E(OFFICE, obj="case", both=True),
    "cases:return": E(UNIT, obj="case", post=True),
    "cases:handle": E(UNIT, obj="case", both=True),
    "cases:extension_request": E(UNIT, obj="case", post=True),
    "cases:extension_decide": E(OFFICE, obj="case", post=True),
    "cases:verify": E(VERIFIERS, obj="case", both=True),
    "cases:suspend": E(OFFICE, obj="case", post=True),
    "cases:resume": E(OFFICE, obj="case", post=True),
    "cases:reopen": E(OFFICE, obj="case", post=True),
    "indicators:campaigns": E(LEDGER),
    "indicators:campaign_create": E(OFFICE, both=True),
    "indicators:campaign_edit": E(OFFICE, both=True, code="WMXC-2027"),
    "indicators:ledger": E(LEDGER, lists="task"),
    "indicators:ledger_export": E(LEDGER, lists="task"),
    "indicators:mine": E(UNIT | {SUPERUSER}, lists="task"),
    "indicators:review": E(OFFICE, lists="report"),
    "indicators:report_review": E(OFFICE, obj="report", post=True),
    "indicators:task_detail": E(LEDGER, obj="task"),
    "indicators:task_report": E(UNIT, obj="task", both=True),
    "indicators:task_notice": E(NOTICE_ISSUERS, obj="task", post=True),
    "indicators:task_edit": E(OFFICE, obj="task", both=True),
    "indicators:notices": E(LEDGER, lists="notice"),
    "indicators:notice_detail": E(LEDGER, obj="notice"),
    "indicators:notice_reply": E(UNIT, obj="notice", post=True),
    "indicators:notice_close": E(NOTICE_ISSUERS, obj="notice", post=True),
    "indicators:evidence": E(LEDGER, obj="evidence"),
    "indicators:framework": E(LEDGER, code="WMXC-2027"),
    "indicators:task_create": E(OFFICE, both=True, code="WMXC-2027"),
    # inspections: results area
    "inspections:list": E(INSPECTION_READERS, lists="inspection"),
    "inspections:detail": E(INSPECTION_READERS, obj="inspection"),
    "inspections:photo": E(INSPECTION_READERS, obj="inspection_photo"),
    "inspections:photo_thumb": E(INSPECTION_READERS, obj="inspection_photo"),
    "inspections:results": E(INSPECTION_READERS, lists="inspection"),
    "inspections:results_export": E(INSPECTION_READERS, lists="inspection"),
    "indicators:readiness_overview": E(COUNTY),
    "indicators:readiness": E(COUNTY, code="WMXC-2027"),
    "indicators:import_framework": E(OFFICE, both=True, code="WMXC-2027"),
    "indicators:import_tasks": E(OFFICE, both=True, code="WMXC-2027"),
    "indicators:template_framework": E(OFFICE, code="WMXC-2027"),
    "indicators:template_tasks": E(OFFICE, code="WMXC-2027"),
    "indicators:export_framework": E(LEDGER, code="WMXC-2027"),
    "indicators:export_tasks": E(LEDGER, lists="task", code="WMXC-2027"),
    "inspections:checklists": E(CHECKLIST_READERS),
    "inspections:checklist_import": E(OFFICE, both=True),
    "inspections:checklist_export": E(CHECKLIST_READERS),
    "inspections:checklist_detail": E(CHECKLIST_READERS, obj="checklist"),
    "inspections:checklist_active": E(OFFICE, obj="checklist", post=True),
    "inspections:checklist_item_create": E(OFFICE, obj="checklist", both=True),
    "inspections:checklist_item_edit": E(OFFICE, obj="checklist_item", both=True),
    "inspections:checklist_item_active": E(OFFICE, obj="checklist_item", post=True),
    "inspections:checklist_item_move": E(OFFICE, obj="checklist_item", post=True),
    "inspections:checklist_item_indicators": E(OFFICE, obj="checklist_item", both=True),
    "inspections:patrol_rules": E(OFFICE),
    "inspections:patrol_rule_create": E(OFFICE, both=True),
    "inspections:patrol_rule_edit": E(OFFICE, obj="patrol_rule", both=True),
    "inspections:patrol_rule_deactivate": E(OFFICE, obj="patrol_rule", post=True),
    "inspections:patrol_calendar": E(PATROLS),
    "inspections:patrol_generate": E(OFFICE, post=True),
    "inspections:patrol_day": E(PATROLS, day="2026-06-10"),
    # ---- inspections: field (the phone pages) ----
    "inspections:field_today": E(FIELD),
    "inspections:field_nearby": E(FIELD, query="lon={lon}&lat={lat}"),
    "inspections:field_site": E(FIELD, obj="field_site", both=True),
    "inspections:field_segment": E(FIELD, obj="field_segment", both=True),
    "inspections:field_done": E(FIELD, query="key=matrix-key-01"),
    "inspections:check_list": E(PLAN_READERS, lists="plan"),
    "inspections:check_create": E(CHECK_MANAGERS, both=True),
    "inspections:check_detail": E(PLAN_READERS, obj="plan"),
    "inspections:check_progress": E(PLAN_READERS, obj="plan"),
    "inspections:check_sample": E(CHECK_MANAGERS, obj="plan", post=True),
    "inspections:check_team": E(CHECK_MANAGERS, obj="plan", post=True),
    "inspections:check_assign": E(CHECK_MANAGERS, obj="plan", post=True),
    "inspections:check_activate": E(CHECK_MANAGERS, obj="plan", post=True),
    "inspections:check_close": E(CHECK_MANAGERS, obj="plan", post=True),
    "appraisal:runs": E(APPRAISAL_READERS, both=True),
    "appraisal:mine": E(APPRAISAL_READERS),
    "appraisal:scheme": E(COUNTY, both=True, pk="{scheme}"),
    "appraisal:scheme_component": E(OFFICE, post=True, pk="{scheme}", component_pk="{component}"),
    "appraisal:run": E(APPRAISAL_READERS, **APPRAISAL_RUN),
    "appraisal:run_xlsx": E(COUNTY, **APPRAISAL_RUN),
    "appraisal:recompute": E(OFFICE, post=True, **APPRAISAL_DRAFT),
    "appraisal:adjustment_add": E(OFFICE, post=True, **APPRAISAL_DRAFT),
    "appraisal:adjustment_remove": E(OFFICE, post=True, item_pk="{draft_adjustment}", **APPRAISAL_DRAFT),
    # Town A's 加分 evidence: the county and town A's admin (the handler works in a community below).
    "appraisal:adjustment_evidence": E(COUNTY | {"unit_admin"}, item_pk="{adjustment}", **APPRAISAL_RUN),
    "appraisal:comment_add": E(OFFICE, post=True, **APPRAISAL_DRAFT),
    "appraisal:publish": E(OFFICE, post=True, **APPRAISAL_RUN),
    "appraisal:correct": E(OFFICE, post=True, **APPRAISAL_RUN),
    "appraisal:discard": E(OFFICE, post=True, **APPRAISAL_DRAFT),
    "appraisal:bulletin": E(APPRAISAL_READERS, both=True, **APPRAISAL_RUN),
    "appraisal:typical_add": E(OFFICE, post=True, **APPRAISAL_DRAFT),
    "appraisal:typical_remove": E(OFFICE, post=True, item_pk="{typical}", **APPRAISAL_DRAFT),
    "appraisal:bulletin_docx": E(APPRAISAL_READERS, **APPRAISAL_RUN),
    "appraisal:bulletin_pdf": E(APPRAISAL_READERS, **APPRAISAL_RUN),
    "appraisal:unit": E(APPRAISAL_READERS, obj="appraisal_unit", **APPRAISAL_RUN),
    "appraisal:trace": E(APPRAISAL_READERS, obj="appraisal_unit", kind="on_time_handle", part="den", **APPRAISAL_RUN),
    # ---- appraisal: year-end (年终评定): the county reads, the office writes ----
    "appraisal:yearend": E(COUNTY),
    "appraisal:yearend_build": E(OFFICE, post=True),
    "appraisal:yearend_list": E(COUNTY, obj="yearend_list"),
    "appraisal:yearend_confirm": E(OFFICE, obj="yearend_list", post=True),
    "appraisal:yearend_docx": E(COUNTY, obj="yearend_list"),
    "appraisal:yearend_entry_toggle": E(OFFICE, obj="yearend_entry", post=True),
    # ---- end of year-end ----
    "api:openapi-json": E(ALL),
    "api:openapi-view": E(ALL),
    "api:api-root": E(NOBODY),
    "api:api-unknown-path": E(NOBODY),
    "media/<path:path>": E(ALL, path="public/matrix.txt"),
}

CAMPAIGN = {"code": "WMXC-2027"}
API: dict[str, Entry] = {
    "GET /api/org/me": E(USERS),
    "GET /api/org/units": E(USERS, lists="unit"),
    "GET /api/org/people": E(USERS, lists="person"),
    "GET /api/org/units/tree": E(USERS, lists="unit"),
    "GET /api/org/units/{id}": E(USERS, obj="unit"),
    "PUT /api/org/units/{id}/aliases": E(OFFICE, obj="unit"),
    "GET /api/org/unit-sets": E(OFFICE),
    "POST /api/org/unit-sets": E(OFFICE),
    "PUT /api/org/unit-sets/{id}": E(OFFICE, obj="unit_set"),
    "GET /api/org/unit-names/resolve": E(OFFICE, query="text=县城管局"),
    "GET /api/org/people/{id}": E(USERS, obj="person"),
    "GET /api/org/audit": E(OFFICE),
    "GET /api/places/responsibility": E(USERS, query="lon=114.301&lat=34.8"),
    "GET /api/places/segments.geojson": E(USERS, lists="segment"),
    "GET /api/places/grids.geojson": E(USERS, lists="grid"),
    "GET /api/places/sites.geojson": E(USERS, lists="site"),
    "GET /api/places/extent": E(USERS),
    "GET /api/places/segments": E(USERS, lists="segment"),
    "GET /api/places/segments/{id}": E(USERS, obj="segment"),
    "GET /api/places/grids": E(USERS, lists="grid"),
    "GET /api/places/grids/{id}": E(USERS, obj="grid"),
    "GET /api/places/sites": E(USERS, lists="site"),
    "GET /api/places/sites/{id}": E(USERS, obj="site"),
    "GET /api/places/shops": E(USERS, lists="shop"),
    "GET /api/places/shops/{id}": E(USERS, obj="shop"),
    "GET /api/places/mine": E(USERS),
    "POST /api/places/import/{kind}": E(MAP_EDITORS, kind="segment"),
    "GET /api/places/import/{kind}/template.xlsx": E(USERS, kind="segment"),
    "GET /api/places/export/{kind}.xlsx": E(USERS, lists="shop", kind="shop"),
    "GET /api/places/export/{kind}.geojson": E(USERS, lists="shop", kind="shop"),
    "GET /api/notifications/": E(USERS, lists="notification"),
    "GET /api/notifications/unread-count": E(USERS),
    "POST /api/notifications/read": E(USERS),
    "POST /api/notifications/read-all": E(USERS),
    "GET /api/cases/categories": E(USERS),
    "GET /api/cases/": E(USERS, lists="case"),
    # A body that passes validation, so that a refusal is the role check's and not "no such category".
    "POST /api/cases/": E(REPORTERS, body={"category": "{category}", "lon": "{lon}", "lat": "{lat}"}),
    "GET /api/cases/todo": E(USERS, lists="todo"),
    "GET /api/cases/duplicates": E(USERS, lists="duplicate", query="category={category}&lon={lon}&lat={lat}"),
    "GET /api/cases/{case_id}": E(USERS, obj="case"),
    "GET /api/cases/{case_id}/suggestions": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/accept": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/reject": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/merge": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/dispatch": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/return": E(UNIT, obj="case"),
    "POST /api/cases/{case_id}/handle": E(UNIT, obj="case"),
    "POST /api/cases/{case_id}/verify": E(VERIFIERS, obj="case"),
    "POST /api/cases/{case_id}/extension": E(UNIT, obj="case"),
    "POST /api/cases/{case_id}/extension/decide": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/suspend": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/resume": E(OFFICE, obj="case"),
    "POST /api/cases/{case_id}/reopen": E(OFFICE, obj="case"),
    "GET /api/indicators/campaigns": E(LEDGER),
    "GET /api/indicators/campaigns/{code}/framework": E(LEDGER, **CAMPAIGN),
    "GET /api/indicators/tasks": E(USERS, lists="task"),
    "GET /api/indicators/tasks/{task_id}": E(LEDGER, obj="task"),
    "GET /api/indicators/reports/pending": E(OFFICE, lists="report"),
    "GET /api/indicators/notices": E(USERS, lists="notice"),
    "GET /api/indicators/notices/{notice_id}": E(LEDGER, obj="notice"),
    "POST /api/indicators/tasks/{task_id}/reports": E(UNIT, obj="task"),
    "POST /api/indicators/reports/{report_id}/review": E(OFFICE, obj="report"),
    "POST /api/indicators/tasks/{task_id}/notices": E(NOTICE_ISSUERS, obj="task"),
    "POST /api/indicators/notices/{notice_id}/reply": E(UNIT, obj="notice"),
    "POST /api/indicators/notices/{notice_id}/close": E(NOTICE_ISSUERS, obj="notice"),
    "POST /api/indicators/{code}/import/framework": E(OFFICE, **CAMPAIGN),
    "POST /api/indicators/{code}/import/tasks": E(OFFICE, **CAMPAIGN),
    "GET /api/indicators/import/framework/template.xlsx": E(OFFICE),
    "GET /api/indicators/import/tasks/template.xlsx": E(OFFICE),
    "GET /api/indicators/{code}/export/framework.xlsx": E(LEDGER, **CAMPAIGN),
    "GET /api/indicators/{code}/export/tasks.xlsx": E(LEDGER, lists="task", **CAMPAIGN),
    "GET /api/indicators/readiness/{campaign_code}": E(COUNTY, campaign_code="WMXC-2027"),
    "GET /api/inspections/checklists/export.xlsx": E(CHECKLIST_READERS),
    "POST /api/inspections/checklists/import": E(OFFICE),
    "GET /api/inspections/checklists": E(CHECKLIST_READERS),
    "GET /api/inspections/checklists/{checklist_id}": E(CHECKLIST_READERS, obj="checklist"),
    "POST /api/inspections/checklists/{checklist_id}/items": E(OFFICE, obj="checklist"),
    "PATCH /api/inspections/checklist-items/{item_id}": E(OFFICE, obj="checklist_item"),
    "PUT /api/inspections/checklist-items/{item_id}/indicators": E(OFFICE, obj="checklist_item"),
    # inspections: results area
    "GET /api/inspections/records": E(INSPECTION_READERS, lists="inspection"),
    "GET /api/inspections/records/{inspection_id}": E(INSPECTION_READERS, obj="inspection"),
    "GET /api/inspections/results": E(INSPECTION_READERS, lists="inspection"),
    "GET /api/inspections/patrol-rules": E(OFFICE),
    "POST /api/inspections/patrol-rules": E(OFFICE, body={"road_class": "commercial"}),
    "PUT /api/inspections/patrol-rules/{rule_id}": E(OFFICE, obj="patrol_rule", body={"road_class": "main"}),
    "POST /api/inspections/patrol-rules/{rule_id}/deactivate": E(OFFICE, obj="patrol_rule"),
    "GET /api/inspections/patrols/calendar": E(PATROLS, query="month=2026-06-01"),
    "GET /api/inspections/patrols/days/{day}": E(PATROLS, day="2026-06-10"),
    "POST /api/inspections/patrols/days/{day}/generate": E(OFFICE, day="2099-01-05"),
    # ---- inspections: field (the phone pages) ----
    "GET /api/inspections/field/today": E(FIELD),
    "GET /api/inspections/field/nearby": E(FIELD, query="lon={lon}&lat={lat}"),
    "GET /api/inspections/field/sites/{site_id}/checklist": E(FIELD, obj="field_site"),
    "GET /api/inspections/field/segments/{segment_id}/checklist": E(FIELD, obj="field_segment"),
    "POST /api/inspections/field/inspections": E(FIELD),
    "GET /api/inspections/checks/": E(PLAN_READERS, lists="plan"),
    "POST /api/inspections/checks/": E(CHECK_MANAGERS, body={"kind": "check"}),
    "GET /api/inspections/checks/{plan_id}": E(PLAN_READERS, obj="plan"),
    "GET /api/inspections/checks/{plan_id}/progress": E(PLAN_READERS, obj="plan"),
    "GET /api/inspections/checks/{plan_id}/prediction": E(PLAN_READERS, obj="plan"),
    "POST /api/inspections/checks/{plan_id}/sample": E(CHECK_MANAGERS, obj="plan"),
    "POST /api/inspections/checks/{plan_id}/teams": E(CHECK_MANAGERS, obj="plan"),
    "POST /api/inspections/checks/{plan_id}/assign": E(CHECK_MANAGERS, obj="plan"),
    "POST /api/inspections/checks/{plan_id}/activate": E(CHECK_MANAGERS, obj="plan"),
    "POST /api/inspections/checks/{plan_id}/close": E(CHECK_MANAGERS, obj="plan"),
    "GET /api/appraisal/runs": E(APPRAISAL_READERS),
    "GET /api/appraisal/runs/{run_id}": E(APPRAISAL_READERS, run_id="{run}"),
    "GET /api/appraisal/runs/{run_id}/units/{unit_id}": E(APPRAISAL_READERS, obj="appraisal_unit", run_id="{run}"),
    "GET /api/appraisal/runs/{run_id}/units/{unit_id}/trace/{kind}/{part}": E(
        APPRAISAL_READERS, obj="appraisal_unit", run_id="{run}", kind="on_time_handle", part="den"
    ),
    "GET /api/appraisal/schemes": E(COUNTY),
    "GET /api/appraisal/schemes/{scheme_id}": E(COUNTY, scheme_id="{scheme}"),
    "POST /api/appraisal/runs": E(OFFICE),
    "POST /api/appraisal/runs/{run_id}/recompute": E(OFFICE, run_id="{draft}"),
    "POST /api/appraisal/runs/{run_id}/adjustments": E(OFFICE, run_id="{draft}"),
    "DELETE /api/appraisal/runs/{run_id}/adjustments/{adjustment_id}": E(
        OFFICE, run_id="{draft}", adjustment_id="{draft_adjustment}"
    ),
    "POST /api/appraisal/runs/{run_id}/publish": E(OFFICE, run_id="{run}"),
    "POST /api/appraisal/runs/{run_id}/correct": E(OFFICE, run_id="{run}"),
    # ---- appraisal: year-end (年终评定) ----
    "GET /api/appraisal/year-end": E(COUNTY),
    "POST /api/appraisal/year-end": E(OFFICE),
    "GET /api/appraisal/year-end/{list_id}": E(COUNTY, obj="yearend_list"),
    "GET /api/appraisal/year-end/{list_id}/docx": E(COUNTY, obj="yearend_list"),
    "POST /api/appraisal/year-end/{list_id}/confirm": E(OFFICE, obj="yearend_list"),
    "POST /api/appraisal/year-end/entries/{entry_id}/toggle": E(OFFICE, obj="yearend_entry"),
    # ---- end of year-end ----
}
