"""The generated list of a form's records: ``/apps/<app>/forms/<form>/records`` (a table; cards on a phone).

The query string is the records API's (``field__op=value`` filters, ``sort``, ``cursor``, ``q``,
``view``), so a list's address is also its export's; the language link keeps it too. A filter form
sends several chips of one field as repeated arguments; they are joined into one ``__in`` filter
here, and empty inputs are dropped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from engine.i18n import other_locale
from engine.services.list_chips import aware
from engine.storage.record_queries import ListQuery
from engine.web.auth import current_principal, login_redirect, require_app_role
from engine.web.context import services
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("list_pages", __name__)

LIST_TEXT = "page.forms.list."
PAGE_ARGS = ("cursor", "lang")  # not part of what the list shows, so not carried into sort or export links


def _args() -> dict[str, str]:
    return {key: ",".join(v for v in values if v) for key, values in request.args.lists() if any(values)}


@bp.get("/apps/<app_id>/forms/<form_id>/records")
def record_list(app_id: str, form_id: str) -> Any:
    if require_app_role(app_id) is None:
        return login_redirect()
    locale = current_locale()
    args = _args()
    page = services().record_lists.page(current_principal(), app_id, form_id, ListQuery.from_args(args), locale=locale)
    kept = {k: v for k, v in args.items() if k not in PAGE_ARGS}
    sort = page.sort

    def link(**changes: str | None) -> str:
        merged = {**kept, "lang": locale, **changes}
        return "?" + urlencode({k: v for k, v in merged.items() if v})

    def sort_link(column: str) -> str:
        return link(sort=f"-{column}" if sort == column else column)

    export = "?" + urlencode({**kept, "lang": locale})
    chips = services().record_lists.active_filters(app_id, form_id, kept, page.columns, locale)
    for chip in chips:
        chip["remove"] = link(**{chip["key"]: None, "cursor": None})
    return render_template(
        "records.html",
        t=page_texts(LIST_TEXT, locale),
        locale=locale,
        other=other_locale(locale),
        app_id=app_id,
        form_id=form_id,
        page=page,
        args=kept,
        sort=sort,
        sort_link=sort_link,
        next_link=link(cursor=page.next_cursor) if page.next_cursor else None,
        first_link=link() if "cursor" in args else None,
        view_link=lambda view: "?" + urlencode({k: v for k, v in {"view": view, "lang": locale}.items() if v}),
        reset_link="?" + urlencode({k: v for k, v in {"view": page.view, "lang": locale}.items() if v}),
        export_query=export,
        chips=chips,
        aware=aware,
        user=current_principal().name or current_principal().id,
    )
