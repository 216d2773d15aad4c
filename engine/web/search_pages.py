"""Global search: ``GET /api/v1/search?q=`` (JSON) and the staff page ``/search?q=``.

Both answer what :class:`engine.services.search.SearchService` finds: the viewer's records in every
form they may read, grouped by app and form, each linked to its record page, each group to its list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from engine.i18n import other_locale
from engine.services.search import cleaned
from engine.web.auth import current_principal, login_redirect, require_signed_in
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.records import SearchQuery, SearchResult
from engine.web.http import json_response, locale, principal
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("search_pages", __name__)

SEARCH_TEXT = "page.search."


@bp.get("/api/v1/search")
@operation(
    "Search every form the caller may read",
    tags="records",
    query=SearchQuery,
    answers={200: Answer("matches grouped by form", SearchResult)},
)
def search_api() -> Response:
    raw = request.args.get("q", "")
    groups = services().search.search(principal(), raw, locale=locale())
    return json_response({"query": cleaned(raw), "groups": [group.as_dict() for group in groups]})


@bp.get("/search")
def search_page() -> Any:
    if require_signed_in() is None:
        return login_redirect()
    page_locale = current_locale()
    raw = request.args.get("q", "")
    query = cleaned(raw)
    groups = services().search.search(current_principal(), raw, locale=page_locale)
    return render_template(
        "search/results.html",
        t=page_texts(SEARCH_TEXT, page_locale),
        locale=page_locale,
        query=query,
        groups=groups,
        switch_url="?" + urlencode({"q": query, "lang": other_locale(page_locale)}),
        lang_suffix="&" + urlencode({"lang": page_locale}),
    )
