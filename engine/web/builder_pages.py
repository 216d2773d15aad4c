"""The builder's shell (web layer): ``/builder`` and every path under it serve one page that loads
the committed bundle (``static/builder/``, built from ``builder_ui/``); the app routes on the client.

The page carries what the app needs and may not fetch by inline script (CSP): the UI's sentences
from the catalog as JSON data, the page language and the CSRF token for its API calls.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, render_template

from engine.errors import PermissionDeniedError
from engine.i18n import translate
from engine.principal import Principal
from engine.services.builder_access import can_build, may_create_apps
from engine.web.auth import login_redirect, require_signed_in
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("builder_pages", __name__)
TEXTS = "builder.ui."
DESIGNER_TEXTS = "builder.designers."  # the views, navigation and permissions designers


def may_use_builder(principal: Principal) -> bool:
    """Whoever may build some app or create one; everyone else never sees the builder (nor a link to it)."""
    return may_create_apps(principal) or any(can_build(principal, app) for app in principal.app_roles)


@bp.get("/builder")
@bp.get("/builder/<path:rest>")
def shell(rest: str = "") -> Any:
    who = require_signed_in()
    if who is None:
        return login_redirect()
    if not may_use_builder(who):
        raise PermissionDeniedError.says("builder.no_access")
    locale = current_locale()
    texts = {code: text for code, text in page_texts(TEXTS, locale).items() if code != "switch"}
    texts.update({f"designers.{c}": v for c, v in page_texts(DESIGNER_TEXTS, locale).items() if c != "switch"})
    return render_template(
        "builder/shell.html",
        locale=locale,
        title=translate("builder.title", locale),
        needs_script=translate("builder.needs_script", locale),
        # data for the app, never script: </ is escaped so the text cannot close the element
        texts_json=json.dumps(texts, ensure_ascii=False).replace("</", "<\\/"),
    )
