"""Who reaches the builder's shell and its palette: signed-out people sign in first, people who may
build nothing get 403 and no link; builders get the shell with the catalog's texts in their
language, and a palette listing every registered field type with the keys it takes."""

from __future__ import annotations

import json
import re

import pytest

from engine.forms.types import FIELD_TYPES
from engine.i18n import CATALOG
from engine.services.builder_palette import definition_keys
from tests.web.test_task_pages import PASSWORD, Staff

TEXTS = re.compile(r'<script type="application/json" id="builder-texts">(.*?)</script>', re.S)


@pytest.fixture
def people(app):  # type: ignore[no-untyped-def]
    directory = app.extensions["trellis"].directory
    directory.create_user("boss", PASSWORD, user_id="boss", admin=True)
    directory.create_user("clerk", PASSWORD, user_id="clerk")
    return {"boss": Staff(app, "boss"), "clerk": Staff(app, "clerk")}


def test_signed_out_people_are_sent_to_sign_in(app):
    answer = app.test_client().get("/builder/apps/x/forms/y")

    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]


def test_people_who_may_build_nothing_get_403_and_no_link(people):
    clerk = people["clerk"]

    page = clerk.get("/builder?lang=en")
    palette = clerk.get("/api/v1/builder/field-types?lang=en")
    home = clerk.get("/").get_data(as_text=True)

    assert page.status_code == 403
    assert "You may not use the builder" in page.get_data(as_text=True)
    assert palette.status_code == 403
    assert 'id="builder-link"' not in home and "/builder" not in home


def test_a_builder_gets_the_shell_with_texts_in_the_page_language(people):
    boss = people["boss"]

    page = boss.get("/builder/apps/demo/forms/order?lang=zh-CN").get_data(as_text=True)
    home = boss.get("/?lang=zh-CN").get_data(as_text=True)

    found = TEXTS.search(page)
    assert found is not None
    texts = json.loads(found.group(1))
    assert texts["undo"] == "撤销" and texts["prop.filter_by"] == "级联筛选"
    assert '<html lang="zh-CN">' in page
    assert "/static/builder/builder.js" in page and "/static/builder/builder.css" in page
    assert 'name="csrf-token"' in page
    assert 'id="builder-link" href="/builder?lang=zh-CN"' in home


def test_the_palette_lists_every_registered_field_type_in_the_callers_language(people):
    answer = people["boss"].get("/api/v1/builder/field-types?lang=en").get_json()

    assert [item["key"] for item in answer["items"]] == [key for key, _ in FIELD_TYPES.items()]
    relation = next(item for item in answer["items"] if item["formula_key"] == "derived_from")
    assert relation["name"] == "Relation" and relation["names"]["zh-CN"] == "关联记录"
    keys = [entry["key"] for entry in relation["properties"]]
    assert {"label", "required", "visible_when", "target", "filter_by", "derived_from"} <= set(keys)
    assert next(e for e in relation["properties"] if e["key"] == "target")["required"] is True


@pytest.mark.parametrize("key", [key for key, _ in FIELD_TYPES.items()])
def test_every_field_type_and_every_key_it_takes_has_a_name_in_both_languages(key):
    kind = FIELD_TYPES.get(key)
    keys = definition_keys(kind)
    codes = [f"builder.type.{key}", *(f"builder.ui.prop.{entry['key']}" for entry in keys)]
    codes += [f"builder.ui.enum.{e['key']}.{value}" for e in keys for value in e["schema"].get("enum", ())]

    missing = [code for code in codes if set(CATALOG.templates(code)) != {"zh-CN", "en"}]

    assert missing == []


def test_computed_and_layout_types_take_no_keys_about_typed_in_values():
    for _, kind in FIELD_TYPES.items():
        keys = {entry["key"] for entry in definition_keys(kind)}
        if kind.computed or not kind.stores_value:
            assert not keys & {"required", "default", "placeholder"}, kind.key
        else:
            assert {"required", "default", "visible_when"} <= keys, kind.key
