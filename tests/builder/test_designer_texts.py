"""The views, navigation and permissions designers' sentences (``builder.designers.*``) reach the
builder's shell in the page language, next to the builder's own (``builder.ui.*``)."""

from __future__ import annotations

import json
import re

from tests.web.test_task_pages import PASSWORD, Staff

TEXTS = re.compile(r'<script type="application/json" id="builder-texts">(.*?)</script>', re.S)


def test_the_shell_carries_the_designers_texts_in_the_page_language(app):  # type: ignore[no-untyped-def]
    app.extensions["trellis"].directory.create_user("boss", PASSWORD, user_id="boss", admin=True)
    boss = Staff(app, "boss")

    pages = {
        lang: boss.get(f"/builder/apps/demo/permissions?lang={lang}").get_data(as_text=True) for lang in ("zh-CN", "en")
    }

    texts = {lang: json.loads(TEXTS.search(page).group(1)) for lang, page in pages.items()}  # type: ignore[union-attr]
    assert texts["zh-CN"]["designers.tab.permissions"] == "权限"
    assert texts["en"]["designers.tab.permissions"] == "Permissions"
    assert texts["en"]["designers.action.read"] == "Read" and texts["en"]["undo"] == "Undo"
