"""The record page (web layer): one record as its viewer may read it, and its internal comments (page + API).

Everything shown comes from ``RecordPageService`` and the records service, whose permission checks
decide: a record outside the viewer's rows is a 404, hidden fields never reach the HTML, links go
only to records and tasks the viewer may open. Field values are drawn by their types' ``display()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from engine.errors import NotFoundError, PermissionDeniedError
from engine.forms.spec import localized
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import field_ui
from engine.i18n import LOCALES, other_locale
from engine.principal import Principal
from engine.web.auth import login_redirect, require_app_role
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.records import Comment, Comments, NewComment
from engine.web.http import json_response, locale, principal
from engine.web.page_text import page_texts
from engine.web.pages import current_locale
from engine.whole_numbers import parse_id

bp = Blueprint("record_pages", __name__)

#: the words of the record page by locale (``page.record.*`` in engine/i18n/catalog/pages_record.py)
TEXT = {code: page_texts("page.record.", code) for code in LOCALES}
UNREADABLE = (NotFoundError, PermissionDeniedError)


def _record_id(raw: str) -> int:
    return parse_id(raw) or 0  # no record has id 0: the service answers 404


def _local(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class _PageReader:
    """What a field type needs from this page to show a value (``engine.forms.types.Reader``)."""

    who: Principal
    app_id: str
    locale: str

    def record_title(self, target: str, record_id: int) -> str:
        try:
            found = services().records.titles(self.who, self.app_id, target, "", record_id=record_id, limit=1)
        except UNREADABLE:
            found = []
        return found[0]["title"] if found else f"#{record_id}"

    def attachment_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}"

    def thumbnail_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}/thumbnail"

    def person_name(self, user_id: str) -> str:
        return services().record_pages.people_names([user_id]).get(user_id, user_id)

    def choices(self, target: str) -> list[dict[str, Any]]:
        return []  # the record page edits nothing


@bp.get("/apps/<app_id>/forms/<form_id>/records/<record_id>")
def record_page(app_id: str, form_id: str, record_id: str) -> Any:
    who = require_app_role(app_id)
    if who is None:
        return login_redirect()
    lang = current_locale()
    number = _record_id(record_id)
    pages = services().record_pages
    record = services().records.get(who, app_id, form_id, number)  # outside the viewer's rows: 404
    form = services().records.compiled_form(app_id, form_id)
    staff = pages.is_staff(who, app_id)
    return render_template(
        "records/record.html",
        t=TEXT[lang],
        locale=lang,
        app_id=app_id,
        form_id=form_id,
        form_name=localized(form.spec.name, lang, form.spec.id),
        title=_PageReader(who, app_id, lang).record_title(form_id, number),
        sections=_sections(who, app_id, form, record["data"], lang),
        related=pages.related(who, app_id, form_id, number, lang),
        history=[{**h, "at": _local(h["at"])} for h in pages.history(who, app_id, form_id, number, lang)],
        timeline=[{**e, "at": _local(e["at"])} for e in pages.timeline(who, app_id, form_id, number, lang)],
        tasks=pages.open_tasks(who, app_id, form_id, number, lang),
        comments=[{**c, "at": _local(c["at"])} for c in pages.comments(who, app_id, form_id, number)]
        if staff
        else None,
        may_comment=staff and pages.may_comment(who, app_id, form_id, number),
        comment_url=url_for("record_pages.add_comment_page", app_id=app_id, form_id=form_id, record_id=number),
        user=who.name,
        switch_url=f"{request.path}?lang={other_locale(lang)}",
    )


def _sections(who: Principal, app_id: str, form: Any, data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The fields this viewer may read that hold a value, drawn by their types, under the form's ``section``
    headings (a field that holds no value starts a section; before the first, the form's own title)."""
    reader = _PageReader(who, app_id, lang)
    sections: list[dict[str, Any]] = [{"title": form.spec.title(lang), "fields": []}]
    for spec in form.spec.fields:
        kind = FIELD_TYPES.get(spec.type)
        if not kind.stores_value:
            sections.append({"title": field_ui(spec, lang)["label"], "fields": []})
            continue
        value = data.get(spec.id)
        if spec.id not in data or value is None or value == "" or value == []:
            continue  # hidden from this viewer (never sent by the service) or empty
        shown = kind.display(spec, value, reader)
        sections[-1]["fields"].append({"id": spec.id, "label": field_ui(spec, lang)["label"], "text": shown})
    return [s for s in sections if s["fields"]]


@bp.post("/apps/<app_id>/forms/<form_id>/records/<record_id>/comments")
def add_comment_page(app_id: str, form_id: str, record_id: str) -> Any:
    who = require_app_role(app_id)
    if who is None:
        return login_redirect()
    number = _record_id(record_id)
    body = {"body": request.form.get("body", "")}
    services().record_pages.add_comment(who, app_id, form_id, number, body, current_locale())
    target = url_for("record_pages.record_page", app_id=app_id, form_id=form_id, record_id=number)
    return redirect(f"{target}?lang={current_locale()}#comments", code=303)


# -- the API ---------------------------------------------------------------------------------------------
@bp.get("/api/v1/apps/<app_id>/forms/<form_id>/records/<record_id>/comments")
@operation("A record's comments", tags="records", answers={200: Answer("oldest first", Comments)})
def list_comments(app_id: str, form_id: str, record_id: str) -> Response:
    items = services().record_pages.comments(principal(), app_id, form_id, _record_id(record_id))
    return json_response({"items": items})


@bp.post("/api/v1/apps/<app_id>/forms/<form_id>/records/<record_id>/comments")
@operation("Comment on a record", tags="records", body=NewComment, answers={201: Answer("the comment", Comment)})
def add_comment(app_id: str, form_id: str, record_id: str, body: dict[str, Any]) -> Response:
    pages = services().record_pages
    comment = pages.add_comment(principal(), app_id, form_id, _record_id(record_id), body, locale())
    return json_response(comment, 201)
