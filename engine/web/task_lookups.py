"""Type-ahead for a task page's relation and people inputs (web layer): a search, never the first rows.

Both answer only to someone the task is shown to (anyone else gets the task's 404), and only with
what the records API would give them: a relation's choices are :meth:`RecordService.choices` of the
field (a sub-table column is named ``<sub-table>.<column>``), people are active users by name.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from engine.errors import NotAuthenticatedError, NotFoundError
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.principal import Principal
from engine.web.auth import current_principal
from engine.web.context import services
from engine.web.http import json_response
from engine.web.pages import current_locale
from engine.whole_numbers import parse_id

bp = Blueprint("task_lookups", __name__)

LIMIT = 20


def _task(task_id: str) -> tuple[Principal, dict[str, Any]]:
    who = current_principal()
    if who.anonymous:
        raise NotAuthenticatedError.says("flow_service.sign_in")
    return who, services().flows.task(who, task_id[:64])


def _query() -> str:
    """The text typed so far: at most 50 characters, never a NUL (PostgreSQL refuses it in text)."""
    return request.args.get("q", "")[:50].replace("\x00", "").strip()


def _field(fields: tuple[FieldSpec, ...], path: str) -> FieldSpec:
    """``room`` or ``parts_used.part``; anything else is not found."""
    head, _, rest = path[:130].partition(".")
    for spec in fields:
        if spec.id == head:
            return _field(spec.children, rest) if rest else spec
    raise NotFoundError.says("record.no_choices", field=path[:130])


@bp.get("/tasks/<task_id>/choices/<field_id>")
def choices(task_id: str, field_id: str) -> Response:
    """What a relation input of this task's form offers for the text typed so far (``q``) or one ``id``."""
    who, task = _task(task_id)
    form = services().flows.form(task["app_id"], task["form_id"])
    field = _field(form.spec.fields, field_id)
    if FIELD_TYPES.get(field.type).related_form(field) is None:
        raise NotFoundError.says("record.no_choices", field=field_id[:130])
    raw_id = request.args.get("id", "")
    record_id = parse_id(raw_id)
    items = services().records.choices(
        who, task["app_id"], form, field, _query(), record_id=record_id, locale=current_locale()
    )
    return json_response({"items": items[:LIMIT]})


@bp.get("/tasks/<task_id>/people")
def people(task_id: str) -> Response:
    """Active people whose name, login or mobile holds ``q``: id and name (a transfer, a person field)."""
    _task(task_id)
    query = _query()
    if not query:
        return json_response({"items": []})
    found = services().directory.list_users(query, limit=LIMIT)["items"]
    items = [{"id": p["id"], "title": p["name"] or p["login"], "login": p["login"]} for p in found if p["active"]]
    return json_response({"items": items})
