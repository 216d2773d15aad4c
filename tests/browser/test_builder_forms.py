"""The builder in a real browser against the real server: a builder creates an app from nothing,
designs its forms from the palette (a text, a select with options, a mobile number, relations with a
cascading filter, a formula) and tries a formula in the live preview, adds roles, grants with a row rule
("their own records") and a list view, publishes it ("unchanged" the second time); a resident then fills
the form in the browser and finds the visit in the list, a guard does not; a concurrent save is caught
and kept on top of theirs, the draft survives a reload, and the property repair order form rebuilt
through the designer's own model operations equals the bundled one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import api_post, saved, screenshot, sign_in
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD, PROPERTY_APP

APP = "estate"
PASSWORD = "a-long-password"


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


def _new_form(page: Page, form_id: str, zh: str, en: str) -> None:
    page.fill("#new-form-id", form_id)
    page.fill("#new-form-zh", zh)
    page.fill("#new-form-en", en)
    page.click("#add-form")
    page.wait_for_selector(".palette-item")


def _back_to_app(page: Page) -> None:
    saved(page)
    page.click(".designer .toolbar a")
    page.wait_for_selector("#add-form")


def _grant(page: Page, role: str, form: str, *actions: str) -> None:
    cell = page.locator(f'td.grant[data-role="{role}"][data-form="{form}"]')
    for action in actions:
        cell.locator(f'input[data-action="{action}"]').check()


def _their_own(page: Page, role: str) -> None:
    """The row rule "records they created", picked from the lists, on ``role``'s grant for visits."""
    grant = page.locator(f'td.grant[data-role="{role}"][data-form="visit"]')
    grant.locator("button.details").click()
    expect(grant).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator(".row-rule .condition")).to_have_count(0)  # this grant's own panel, with no rule yet
    page.click("#add-condition")
    expect(page.locator(".row-rule .condition")).to_have_count(1)
    page.select_option(".condition .rule-path", "created_by")
    expect(page.locator("#rule-expression")).to_have_text("created_by == user.id")


def _pick(page: Page, field: str, typed: str, offered: list[str]) -> None:
    """Type into a relation picker, check what it offers, take the first."""
    page.fill(f"#f-{field}", typed)
    results = page.locator(f'.field[data-field="{field}"] .picker-results li')
    expect(results).to_have_text(offered)
    results.first.click()


def _end_users(live_server: Any) -> None:
    """What an administrator does outside the builder: people with the new roles, buildings and rooms."""
    for login, name, role in (("ren", "任住户", "resident"), ("gao", "高门岗", "guard")):
        user = {"login": login, "password": PASSWORD, "name": name, "roles": [f"{APP}:{role}"]}
        api_post(live_server, "/api/v1/users", user)
    records = f"/api/v1/apps/{APP}/forms/%s/records"
    one = api_post(live_server, records % "building", {"text": "一号楼"})["id"]
    two = api_post(live_server, records % "building", {"text": "二号楼"})["id"]
    api_post(live_server, records % "room", {"relation": one, "text": "一号楼101"})
    api_post(live_server, records % "room", {"relation": two, "text": "二号楼201"})


def test_a_builder_builds_an_app_from_nothing_and_publishes_it(live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#login", ADMIN_LOGIN)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button.submit")
    page.click("#builder-link")
    page.fill("#new-app-id", APP)
    page.fill("#new-app-zh", "物业")
    page.fill("#new-app-en", "Estate")
    page.click("#create-app")
    page.wait_for_selector("#add-form")

    _new_form(page, "building", "楼栋", "Building")
    _add(page, "text")
    _back_to_app(page)
    _new_form(page, "room", "房间", "Room")
    _add(page, "relation")
    page.select_option("#prop-relation-target", "building")
    _add(page, "text")
    _back_to_app(page)
    _new_form(page, "visit", "上门登记", "Visit")
    assert page.locator(".palette-item").count() >= 20  # every registered type, from the server
    _add(page, "text")
    page.fill("#prop-text-label", "业主姓名")
    page.check("#prop-text-required")
    _add(page, "select")
    page.click(".add-option")
    page.click(".add-option")
    page.locator('.option[data-option="0"] input').first.fill("水电")
    page.drag_and_drop('li[data-type="mobile"]', 'li[data-field="select"]')  # SortableJS: dropped on the canvas
    page.wait_for_selector('li[data-field="mobile"]')
    assert page.locator(".field-row").evaluate_all("rows => rows.map(r => r.dataset.field)") == [
        "text",
        "mobile",
        "select",
    ]
    page.click('li[data-field="mobile"] button.down')  # the keyboard's way to reorder
    _add(page, "relation")  # the palette still answers after a drag
    page.select_option("#prop-relation-target", "building")
    _add(page, "relation")
    page.select_option("#prop-relation_2-target", "room")
    page.click(".add-filter")  # a room of the chosen building
    _add(page, "formula")
    page.select_option("#prop-formula-result_type", "text")
    page.click("#prop-formula-expression")
    page.keyboard.type("text")
    page.keyboard.press("Escape")  # close the completions
    page.click('li[data-field="mobile"] button.up')
    page.keyboard.press("Control+z")  # undo the move
    saved(page)
    page.wait_for_selector(".preview-frame")
    preview = page.frame_locator(".preview-frame")
    preview.locator("#f-text").fill("王先生")  # the formula answers from the draft as one types
    expect(preview.locator('.field[data-field="formula"] output')).to_have_text("王先生")
    screenshot(page, "builder-form-designer")

    draft_url = f"{live_server}/api/v1/builder/apps/{APP}/draft"
    draft = page.request.get(draft_url).json()
    visit = next(form for form in draft["document"]["forms"] if form["id"] == "visit")
    assert [(f["id"], f["type"]) for f in visit["fields"]] == [
        *(("text", "text"), ("select", "select"), ("mobile", "mobile")),
        *(("relation", "relation"), ("relation_2", "relation"), ("formula", "formula")),
    ]
    fields = {f["id"]: f for f in visit["fields"]}
    assert fields["text"]["label"] == {"zh-CN": "业主姓名", "en": "Text"} and fields["text"]["required"] is True
    assert [o["value"] for o in fields["select"]["options"]] == ["水电", "选项2"]
    assert fields["relation_2"] == {
        **{"id": "relation_2", "type": "relation", "label": {"zh-CN": "关联记录", "en": "Relation"}},
        **{"target": "room", "filter_by": {"relation": "relation"}},  # the room's building = ours
    }
    assert (fields["formula"]["expression"], fields["formula"]["result_type"]) == ("text", "text")

    page.reload()
    page.wait_for_selector('li[data-field="formula"]')
    assert page.locator(".field-row").count() == 6  # the draft survived the reload

    theirs = json.loads(json.dumps(draft["document"]))
    theirs["forms"][2]["name"]["en"] = "Visits"
    token = page.get_attribute('meta[name="csrf-token"]', "content") or ""
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    other = page.request.put(
        draft_url, data=json.dumps({"document": theirs, "revision": draft["revision"]}), headers=headers
    )
    assert other.ok  # another builder saves meanwhile
    page.click('li[data-field="formula"] .field-label')
    page.check("#prop-formula-indexed")
    page.wait_for_selector(".dialog.conflict")
    assert "上门登记" in page.inner_text(".dialog.conflict .changes")  # what they changed, in words
    page.click("#conflict-overwrite")  # keep mine, on top of theirs
    saved(page)

    _back_to_app(page)
    page.click("#open-permissions")
    for role, zh, en in (("resident", "住户", "Resident"), ("guard", "门岗", "Guard")):
        page.fill("#new-role-id", role)
        page.fill("#new-role-name-zh", zh)
        page.fill("#new-role-name-en", en)
        page.click("#add-role")
        page.wait_for_selector(f'tr[data-role="{role}"]')
    _grant(page, "resident", "visit", "create", "read")
    _grant(page, "resident", "building", "read")
    _grant(page, "resident", "room", "read")
    _grant(page, "guard", "visit", "read")
    _their_own(page, "resident")
    _their_own(page, "guard")
    saved(page)
    page.click('.designer-tabs a[href$="/views"]')
    page.select_option("#views-form", "visit")
    page.fill("#new-view-id", "visits")
    page.click("#add-view")
    for column in ("mobile", "relation_2", "formula"):
        page.select_option("#add-column-path", column)
        page.click("#add-column")
    page.check('#view-roles input[value="resident"]')
    page.check('#view-roles input[value="guard"]')
    expect(page.locator(".records-preview th")).to_have_count(4)
    saved(page)
    page.click(".designer .toolbar a >> nth=0")
    page.wait_for_selector("#publish-preview")
    page.click("#publish-preview")
    page.wait_for_selector("#publish-dialog .changes")
    screenshot(page, "builder-publish-preview")
    page.click("#publish-confirm")
    page.wait_for_selector("#publish-result")
    page.click("#publish-preview")
    page.wait_for_selector("#publish-unchanged")
    page.click('a[href="/builder"]')
    page.wait_for_selector(f'tr[data-app="{APP}"]')
    screenshot(page, "builder-workspace")
    assert page.inner_text(f'tr[data-app="{APP}"] td:nth-child(2)') == "1"

    _end_users(live_server)
    for login, seen in (("ren", ["王先生"]), ("gao", [])):
        person = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        end_user = person.new_page()
        sign_in(end_user, f"{live_server}/apps/{APP}", login, PASSWORD)
        visits = end_user.locator('li.card[data-form="visit"]')
        if login == "ren":
            visits.locator("a.new").click()
            end_user.fill("#f-text", "王先生")
            end_user.check('input[name="select"][value="水电"]')
            end_user.fill("#f-mobile", "13812345678")
            _pick(end_user, "relation", "一号", ["一号楼"])
            _pick(end_user, "relation_2", "号楼", ["一号楼101"])  # only the rooms of the chosen building
            expect(end_user.locator('.field[data-field="formula"] output')).to_have_text("王先生")
            end_user.click("button.submit")
            end_user.wait_for_selector(".done:not([hidden])")
            end_user.goto(f"{live_server}/apps/{APP}")
        visits.locator("a.list").click()
        end_user.click('a[data-view="visits"]')  # the list view the builder made
        expect(end_user.locator('a[data-view="visits"]')).to_have_attribute("aria-current", "page")
        if seen:
            rows = end_user.locator("tr[data-record]")
            expect(rows).to_have_count(len(seen))
            assert [rows.nth(i).inner_text().split("\t")[0].strip() for i in range(rows.count())] == seen
            expect(end_user.locator("table.records th")).to_have_text(["业主姓名", "手机号", "关联记录", "公式"])
        else:  # the rule lets the guard see only visits they registered: none
            expect(end_user.locator("p.empty")).to_be_visible()
            assert end_user.locator("tr[data-record]").count() == 0
        screenshot(end_user, f"builder-built-app-list-{login}")
        person.close()

    package = json.loads(PROPERTY_APP.read_text(encoding="utf-8"))
    repair = next(form for form in package["forms"] if form["id"] == "repair_order")
    broken = json.loads(json.dumps(package))
    next(form for form in broken["forms"] if form["id"] == "repair_order")["fields"][2]["type"] = "mobil"
    page.set_input_files(
        "#import-file",
        files=[{"name": "repair.json", "mimeType": "application/json", "buffer": json.dumps(broken).encode()}],
    )
    page.click(".drop-zone .problems a")  # the problem in plain words opens the designer at its field
    page.wait_for_selector('.field-row.selected[data-field="phone"]')

    rebuilt = page.evaluate(APPLY, rebuild_operations(repair))
    assert rebuilt["forms"] == [repair]
    context.close()
