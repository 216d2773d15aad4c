"""Readable changes between two package documents, keyed by element ids."""

import copy
import json
from pathlib import Path

from engine.builder.changes import changes

BUNDLED = json.loads((Path(__file__).resolve().parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


def _copy():
    return copy.deepcopy(BUNDLED)


def _form(document, form_id):
    return next(f for f in document["forms"] if f["id"] == form_id)


def test_the_same_document_has_no_changes():
    assert changes(BUNDLED, _copy(), "zh-CN") == []


def test_a_retyped_field_is_named_and_said_in_chinese():
    newer = _copy()
    field = next(f for f in _form(newer, "repair_order")["fields"] if f["id"] == "repair_type")
    field["type"] = "text"

    found = [c.as_dict() for c in changes(BUNDLED, newer, "zh-CN")]

    position = _form(newer, "repair_order")["fields"].index(field)
    form_at = newer["forms"].index(_form(newer, "repair_order"))
    assert found == [
        {
            "kind": "changed",
            "area": "field",
            "path": f"/forms/{form_at}/fields/{position}",
            "label": "报修单 › 报修类型",
            "detail": "修改了类型 select → text",
        }
    ]


def test_added_and_removed_elements_and_an_option_in_english():
    newer = _copy()
    newer["roles"] = [r for r in newer["roles"] if r["id"] != "finance"]
    field = next(f for f in _form(newer, "repair_order")["fields"] if f["id"] == "repair_type")
    field["options"].append({"value": "燃气"})

    found = [(c.kind, c.area, c.label, c.detail, c.path) for c in changes(BUNDLED, newer, "en")]

    assert ("removed", "role", "Finance", "role removed", "/roles") in found
    added = [f for f in found if f[0] == "added"]
    assert [(a[1], a[2], a[3]) for a in added] == [("option", "Repair order › Repair type › 燃气", "new option")]


def test_a_field_inserted_before_others_does_not_move_them():
    newer = _copy()
    _form(newer, "community")["fields"].insert(
        0, {"id": "code", "type": "text", "label": {"zh-CN": "编码", "en": "Code"}}
    )

    found = [(c.kind, c.path, c.label) for c in changes(BUNDLED, newer, "zh-CN")]

    assert found == [("added", "/forms/0/fields/0", "小区 › 编码")]


def test_a_permission_is_named_by_its_role_and_form():
    newer = _copy()
    newer["permissions"][0]["rows"] = "True"

    (found,) = changes(BUNDLED, newer, "zh-CN")

    assert (found.area, found.label, found.detail) == (
        "permission",
        "业主 › 报修单",
        "修改了行规则 created_by == user.id → True",
    )


def test_every_area_a_change_can_be_in_has_a_heading_in_both_languages():
    from engine.builder.elements import TOP
    from engine.i18n import translate

    def areas(collections) -> set[str]:
        return {c.area for c in collections} | {a for c in collections for a in areas(c.children)}

    for area in areas(TOP):
        for locale in ("zh-CN", "en"):
            heading = translate(f"builder.ui.area.{area}", locale)
            assert heading and not heading.startswith("builder."), (area, locale)
