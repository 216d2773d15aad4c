"""Public knowledge-base pages (web layer): the phone-first search page, one article, the JSON
search the page and the staff task page share, and the helpful/unhelpful vote.

A vote is once per browser: the browser keeps a random token in a cookie and the server a unique
key per (article, token); votes are rate-limited per address. Everything else is the
``KnowledgeBaseService``'s: who finds what is decided there.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from engine.errors import RateLimitedError, SubmissionError
from engine.i18n import LOCALES, other_locale, translate
from engine.services.knowledge_base import TOKEN
from engine.web.auth import current_principal
from engine.web.context import services
from engine.web.http import json_response, read_record_body
from engine.web.page_text import page_texts
from engine.web.pages import current_locale
from engine.web.rate_limits import client_address

bp = Blueprint("kb_pages", __name__)

COOKIE = "trellis_kb"
COOKIE_SECONDS = 2 * 365 * 24 * 3600
TEXT = {locale: page_texts("page.kb.", locale) for locale in LOCALES}


def _switch_url(locale: str) -> str:
    return f"{request.path}?{urlencode({**request.args, 'lang': other_locale(locale)})}"


def _results(app_id: str, form_id: str, query: str, locale: str) -> dict[str, Any]:
    found = services().knowledge_base.search(current_principal(), app_id, form_id, query, locale)
    for item in found["items"]:
        item["url"] = url_for("kb_pages.article", app_id=app_id, form_id=form_id, record_id=item["id"], lang=locale)
    return found


@bp.get("/kb/<app_id>/<form_id>")
def search_page(app_id: str, form_id: str) -> str:
    locale = current_locale()
    query = request.args.get("q", "")[:200]
    found = _results(app_id, form_id, query, locale)
    return render_template(
        "kb/search.html",
        t=TEXT[locale],
        locale=locale,
        found=found,
        query=query,
        search_url=url_for("kb_pages.search_json", app_id=app_id, form_id=form_id, lang=locale),
        switch_url=_switch_url(locale),
    )


@bp.get("/kb/<app_id>/<form_id>/search")
def search_json(app_id: str, form_id: str) -> Response:
    locale = current_locale()
    return json_response(_results(app_id, form_id, request.args.get("q", "")[:200], locale))


@bp.get("/kb/<app_id>/<form_id>/<id:record_id>")
def article(app_id: str, form_id: str, record_id: int) -> str:
    locale = current_locale()
    shown = services().knowledge_base.article(current_principal(), app_id, form_id, record_id, locale)
    return render_template(
        "kb/article.html",
        t=TEXT[locale],
        locale=locale,
        article=shown,
        back_url=url_for("kb_pages.search_page", app_id=app_id, form_id=form_id, lang=locale),
        vote_url=url_for("kb_pages.vote", app_id=app_id, form_id=form_id, record_id=record_id, lang=locale),
        switch_url=_switch_url(locale),
    )


@bp.post("/kb/<app_id>/<form_id>/<id:record_id>/vote")
def vote(app_id: str, form_id: str, record_id: int) -> Response:
    locale = current_locale()
    kb = services().knowledge_base
    limits, per_minute = services().rate_limits, kb.votes_per_minute(app_id, form_id)
    key = f"kb:{app_id}:{form_id}:{client_address()}"
    if not limits.allow(key, per_minute):
        raise RateLimitedError.waiting("page.kb.too_many_votes", limits.retry_after(key, per_minute))
    body = read_record_body()
    helpful = body.get("helpful") if isinstance(body, dict) else None
    if not isinstance(helpful, bool):
        message = translate("page.kb.vote_helpful_required", locale)
        raise SubmissionError(message, {"helpful": [message]})
    token = request.cookies.get(COOKIE, "")
    fresh = not TOKEN.match(token)
    if fresh:
        token = secrets.token_urlsafe(24)
    recorded = kb.vote(current_principal(), app_id, form_id, record_id, token, helpful)
    code = "page.kb.thanks" if recorded else "page.kb.voted_before"
    response = json_response({"recorded": recorded, "message": translate(code, locale)})
    if fresh:
        response.set_cookie(
            COOKIE,
            token,
            max_age=COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            path="/kb/",
            secure=services().settings.secure_cookies,
        )
    return response
