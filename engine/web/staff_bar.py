"""The session bar every signed-in page shares (web layer): home, tasks, account links, notification bell,
language, sign-out.

One partial (``_staff_bar.html``) fed by one context function, so a link or control added here (the
notification bell, the search box) appears on every staff page at once. The language link keeps the
page's query string, so switching language never drops a list's filters.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, request, url_for

from engine.i18n import other_locale
from engine.web.page_text import page_texts

bp = Blueprint("staff_bar", __name__)
PREFIX = "page.bar."


@bp.app_context_processor
def _bar() -> dict[str, Any]:
    return {"staff_bar": staff_bar}


def switch_url(locale: str) -> str:
    """This page in the other language, with its query string kept."""
    return f"{request.path}?{urlencode({**request.args, 'lang': other_locale(locale)})}"


def staff_bar() -> dict[str, Any]:
    """What the bar shows: ``signed_in`` is false for the public and for tokens (no name, no sign-out)."""
    from engine.web.account_pages import account_links
    from engine.web.auth import current_principal
    from engine.web.builder_pages import may_use_builder
    from engine.web.context import services
    from engine.web.notification_pages import bell
    from engine.web.pages import current_locale

    locale = current_locale()
    t = page_texts(PREFIX, locale)
    principal = current_principal()
    signed_in = not principal.anonymous and principal.scopes is None
    bar: dict[str, Any] = {"t": t, "locale": locale, "switch_url": switch_url(locale), "signed_in": signed_in}
    if signed_in:
        bar["name"] = principal.name or principal.id
        bar["bell"] = bell(locale)
        bar["links"] = [
            {"id": "home-link", "label": t["home"], "href": f"{url_for('pages.home')}?lang={locale}"},
            {"id": "tasks-link", "label": t["tasks"], "href": f"{url_for('task_pages.inbox')}?lang={locale}"},
            *({**link, "href": f"{link['href']}?lang={locale}"} for link in account_links()),
        ]
        if may_use_builder(principal):  # only builders see the way in; everyone else gets no link at all
            bar["links"].insert(2, {"id": "builder-link", "label": t["builder"], "href": f"/builder?lang={locale}"})
        if services().search.may_search(principal):  # owners and others who read no form get no box
            bar["search_url"] = url_for("search_pages.search_page")
    return bar
