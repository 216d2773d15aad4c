"""The designer's helpers (web layer): check an expression as it is typed, preview a form of the draft
with the engine's own form page, and show what a role would see of a real record.

Only the app's builders (and administrators) may ask; the draft in the body is never saved.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for

from engine.i18n import other_locale
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.builder_checks import (
    CheckExpression,
    ExpressionCheck,
    FormPreview,
    GroupsFound,
    PeopleFound,
    PeopleQuery,
    PreviewForm,
    RoleHolders,
    RoleView,
    ViewAs,
)
from engine.web.contract.operations import Answer
from engine.web.form_pages import FORM_TEXT
from engine.web.http import json_response, locale, principal, read_record_body
from engine.web.page_text import page_texts
from engine.web.security_headers import FRAMED_BY_THIS_SITE

bp = Blueprint("api_builder_checks", __name__, url_prefix="/api/v1/builder")


@bp.post("/apps/<app_id>/check-expression")
@operation(
    "Check an expression of a draft where it will run, and complete it",
    tags="builder",
    body=CheckExpression,
    answers={200: Answer("its problems, located by character offsets, and what may follow the caret", ExpressionCheck)},
)
def check_expression(app_id: str, body: dict[str, Any]) -> Response:
    """The package validator's own checks (names, relation paths, aggregates, `user.*`, row rule
    shapes), so what is accepted here is what publish accepts; messages in the request's language."""
    return json_response(services().builder_checks.check_expression(principal(), app_id[:64], body, locale()))


@bp.post("/apps/<app_id>/preview-form")
@operation(
    "Draw a form of the draft as its users will see it",
    tags="builder",
    body=PreviewForm,
    answers={200: Answer("the form page, for the builder's iframe", media="text/html")},
)
def preview_form(app_id: str, body: dict[str, Any]) -> Response:
    """The engine's own form page (the public link's steps on a phone, the staff entry form on a
    desktop) drawn from the draft; nothing is saved and its submit button is off. An invalid draft is
    a 422 listing its problems with their pointers."""
    lang = body.get("locale") or locale()
    device = body.get("device") or "phone"
    ui = services().builder_checks.preview_form(principal(), app_id[:64], body, lang)
    html = render_template(
        "form.html",
        ui=ui,
        t=page_texts(FORM_TEXT, lang),
        locale=lang,
        other=other_locale(lang),
        mode="single" if device == "desktop" else "steps",
        device=device,
        submit_url="",
        preview_url=url_for("api_builder_checks.preview_values", app_id=app_id, form_id=body["form"]),
        options_url="",
        upload_url="",
        config={"ui": ui, "prefill": {}},
        switch_url="#",
    )
    response = Response(html, mimetype="text/html")
    response.headers.update(FRAMED_BY_THIS_SITE)  # this answer only: shown inside the builder's page
    return response


@bp.post("/apps/<app_id>/forms/<form_id>/preview-values")
@operation(
    "What a form of the saved draft shows, requires and computes for the values typed into its preview",
    tags="builder",
    raw_body="free_object",
    answers={200: Answer("which fields show and are required, and the formulas' values", FormPreview)},
)
def preview_values(app_id: str, form_id: str) -> Response:
    """The preview page's script asks this as the builder types into it (the draft saves itself as it
    is edited), so a visible-when or a formula is tried on the draft before it is published."""
    who = principal()
    document = services().builder.draft_document(who, app_id[:64])
    return json_response(
        services().builder_checks.preview_values(who, app_id[:64], form_id[:100], document, read_record_body())
    )


@bp.post("/apps/<app_id>/view-as")
@operation(
    "What a role would see of a form and of one of its records",
    tags="builder",
    body=ViewAs,
    answers={200: Answer("its actions, its field modes, its rows in words and the record as it gets it", RoleView)},
)
def view_as(app_id: str, body: dict[str, Any]) -> Response:
    """Judged by the permission code the records service enforces, for someone holding only that role;
    with a `document`, by the draft's permissions over the published records."""
    return json_response(services().builder_checks.view_as(principal(), app_id[:64], body, locale()))


@bp.get("/apps/<app_id>/roles/<role>/people")
@operation(
    "Who holds a role in the app, to view a record as one of them",
    tags="builder",
    answers={200: Answer("their ids and names", RoleHolders)},
)
def role_people(app_id: str, role: str) -> Response:
    return json_response({"items": services().builder_checks.people(principal(), app_id[:64], role[:100])})


@bp.get("/apps/<app_id>/people")
@operation(
    "People a builder may name in a flow: found by part of a name or login, or named by their logins",
    tags="builder",
    query=PeopleQuery,
    answers={200: Answer("their logins and names", PeopleFound)},
)
def find_people(app_id: str) -> Response:
    query = request.args.get("q", "")[:100]
    logins = [x for x in request.args.get("logins", "")[:2000].split(",") if x]
    return json_response({"items": services().builder_checks.find_people(principal(), app_id[:64], query, logins)})


@bp.get("/apps/<app_id>/groups")
@operation(
    "The directory's groups a flow may send tasks to, in the organisation chart's order",
    tags="builder",
    answers={200: Answer("their names, depth and member counts", GroupsFound)},
)
def groups(app_id: str) -> Response:
    return json_response({"items": services().builder_checks.groups(principal(), app_id[:64])})
