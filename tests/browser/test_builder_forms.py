"""The form designer in a real browser: a builder designs a form from the palette (a text, a select
with options, a mobile number, relations with a cascading filter, a formula), the draft is saved on
its own and survives a reload, and the property repair order form rebuilt through the designer's
own model operations equals the bundled one.

The palette, expression checks and preview are the real server's. Until the drafts API
(builder-server) is merged, a stand-in answers the draft calls inside the browser (``DraftStandIn``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, Route

from tests.browser.conftest import screenshot
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PROPERTY_APP

APP = "estate"
STARTING_DOCUMENT = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": {"zh-CN": "物业", "en": "Estate"},
    "roles": [{"id": "staff", "name": {"zh-CN": "员工", "en": "Staff"}}],
    "forms": [
        {
            "id": "building",
            "name": {"zh-CN": "楼栋", "en": "Building"},
            "fields": [{"id": "name", "type": "text", "label": {"zh-CN": "名称", "en": "Name"}}],
        },
        {
            "id": "room",
            "name": {"zh-CN": "房间", "en": "Room"},
            "fields": [
                {
                    "id": "building",
                    "type": "relation",
                    "target": "building",
                    "label": {"zh-CN": "楼栋", "en": "Building"},
                },
                {"id": "no", "type": "text", "label": {"zh-CN": "房号", "en": "Number"}},
            ],
        },
        {"id": "visit", "name": {"zh-CN": "上门登记", "en": "Visit"}, "fields": []},
    ],
}
DRAFT_PATH = re.compile(r"/api/v1/builder/apps/(?P<app>[a-z_]+)/draft$")


class DraftStandIn:
    """GET/PUT of one app's draft and the app list, as docs/builder.md describes them."""

    OTHERS_SAVE = {
        "title": "conflict",
        "status": 409,
        "changed_by": "李工",
        "changes": [{"kind": "added", "area": "field", "path": "/forms/2/fields/6", "label": "上门登记 › 备注"}],
    }

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.revision = 1
        self.saves = 0

    def __call__(self, route: Route) -> None:
        path = route.request.url.split("?")[0]
        if path.endswith("/api/v1/builder/apps"):
            draft = {"revision": self.revision, "updated_by": ADMIN_LOGIN, "updated_at": "2026-12-06T01:00:00Z"}
            item = {"id": APP, "name": self.document["name"], "current_version": None, "draft": draft}
            route.fulfill(json={"items": [item], "may_create": True})
        elif DRAFT_PATH.search(path) and route.request.method == "PUT":
            body = json.loads(route.request.post_data or "{}")
            if body["revision"] != self.revision:  # someone else saved since: the builder is told, not overwritten
                route.fulfill(status=409, json={**self.OTHERS_SAVE, "current_revision": self.revision})
                return
            self.document, self.revision, self.saves = body["document"], self.revision + 1, self.saves + 1
            route.fulfill(json={"revision": self.revision, "problems": []})
        elif DRAFT_PATH.search(path):
            route.fulfill(json={"app_id": APP, "document": self.document, "revision": self.revision, "problems": []})
        else:
            route.fallback()  # the real server: palette, check-expression, preview-form

    def form(self, form_id: str) -> dict[str, Any]:
        return next(form for form in self.document["forms"] if form["id"] == form_id)


def rebuild_operations(form: dict[str, Any]) -> list[list[Any]]:
    """The designer's model operations that build ``form`` from nothing, as the panel would apply them."""
    operations: list[list[Any]] = [["addForm", {"id": form["id"], "name": form["name"]}]]
    for field in form["fields"]:
        operations += _field_operations(form["id"], field, None)
    operations += [
        ["setFormProp", form["id"], key, value] for key, value in form.items() if key not in ("id", "name", "fields")
    ]
    return operations


def _field_operations(form_id: str, field: dict[str, Any], parent: str | None) -> list[list[Any]]:
    made = {key: field[key] for key in ("id", "type", "label") if key in field}
    operations: list[list[Any]] = [["addField", form_id, made, None, parent]]
    for key, value in field.items():
        if key in made:
            continue
        if key == "fields" and parent is None:  # a sub-table's columns: added one by one inside it
            for column in value:
                operations += _field_operations(form_id, column, field["id"])
        else:
            operations.append(["setFieldProp", form_id, field["id"], key, value, parent])
    return operations


APPLY = "(ops) => ops.reduce((doc, [name, ...args]) => window.trellisBuilder.model[name](doc, ...args), {forms: []})"


def _add(page: Page, field_type: str) -> None:
    page.click(f'.palette-item[data-type="{field_type}"]')


def _saved(page: Page) -> None:
    page.wait_for_selector(".save-state.saved")


def test_a_builder_designs_a_form_and_the_repair_form_rebuilds_through_the_model(live_server, browser):
    drafts = DraftStandIn(json.loads(json.dumps(STARTING_DOCUMENT)))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.route("**/api/v1/builder/apps**", drafts)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#login", ADMIN_LOGIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button.submit")
    page.click("#builder-link")
    page.wait_for_selector(f'tr[data-app="{APP}"]')
    screenshot(page, "builder-workspace")

    page.click(f'tr[data-app="{APP}"] a')
    page.click('li[data-form="visit"] a')
    page.wait_for_selector(".palette-item")
    assert page.locator(".palette-item").count() >= 20  # every registered type, from the server
    _add(page, "text")
    page.fill("#prop-text-label", "业主姓名")
    page.check("#prop-text-required")
    _add(page, "select")
    page.click(".add-option")
    page.click(".add-option")
    page.locator('.option[data-option="0"] input').first.fill("水电")
    _add(page, "mobile")
    _add(page, "relation")
    page.select_option("#prop-relation-target", "building")
    _add(page, "relation")
    page.select_option("#prop-relation_2-target", "room")
    page.click(".add-filter")
    _add(page, "formula")
    page.click("#prop-formula-expression")
    page.keyboard.type("text")
    page.click('li[data-field="mobile"] button.up')  # the keyboard's way to reorder
    page.keyboard.press("Control+z")  # undo the move
    _saved(page)
    page.wait_for_selector(".preview-frame")
    screenshot(page, "builder-form-designer")

    visit = drafts.form("visit")
    assert [(f["id"], f["type"]) for f in visit["fields"]] == [
        *(("text", "text"), ("select", "select"), ("mobile", "mobile")),
        *(("relation", "relation"), ("relation_2", "relation"), ("formula", "formula")),
    ]
    fields = {f["id"]: f for f in visit["fields"]}
    assert fields["text"]["label"] == {"zh-CN": "业主姓名", "en": "Text"} and fields["text"]["required"] is True
    assert [o["value"] for o in fields["select"]["options"]] == ["水电", "选项2"]
    assert fields["relation_2"] == {
        **{"id": "relation_2", "type": "relation", "label": {"zh-CN": "关联记录", "en": "Relation"}},
        **{"target": "room", "filter_by": {"building": "relation"}},
    }
    assert fields["formula"]["expression"] == "text"

    page.reload()
    page.wait_for_selector('li[data-field="formula"]')
    assert page.locator(".field-row").count() == 6  # the draft survived the reload

    drafts.revision += 1  # another builder saves meanwhile
    page.click('li[data-field="formula"] .field-label')
    page.check("#prop-formula-indexed")
    page.wait_for_selector(".dialog.conflict")
    assert "李工" in page.inner_text(".dialog.conflict") and "上门登记 › 备注" in page.inner_text(".dialog.conflict")
    page.click("#conflict-overwrite")  # keep mine, on top of theirs
    _saved(page)
    assert drafts.form("visit")["fields"][-1]["indexed"] is True

    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    repair = next(form for form in package["forms"] if form["id"] == "repair_order")
    rebuilt = page.evaluate(APPLY, rebuild_operations(repair))
    assert rebuilt["forms"] == [repair]
    context.close()
