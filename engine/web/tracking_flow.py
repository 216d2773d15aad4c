"""The owner's side of a ticket's flow through its tracking link: timeline, rating, live updates.

The link's token proves one thing: this ticket. The principal built from it has the id
``tracking_subject(app, form, record)`` and nothing more, so it may complete only a task whose
candidate is that very ticket's tracking link (the owner's confirmation and rating), and the
server picks the task itself - a browser never names one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from engine.errors import ConflictError
from engine.flows.actions import tracking_subject
from engine.forms.spec import FieldSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import field_ui
from engine.i18n import LOCALES, translate
from engine.principal import Principal
from engine.services.flow_views import pending_stages
from engine.services.flows import FlowService
from engine.storage.catalog import CompiledForm
from engine.tracking import record_uuid_of
from engine.web.api_attachments import send_attachment
from engine.web.context import services
from engine.web.http import json_response, read_record_body
from engine.web.live import event_stream, live
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("tracking_flow", __name__)

#: the words of the owner's rating form by locale (``page.tracking.*`` in engine/i18n/catalog/pages_tasks.py)
RATING_TEXT = {locale: page_texts("page.tracking.", locale) for locale in LOCALES}


@dataclass(frozen=True, slots=True)
class Ticket:
    app_id: str
    form: CompiledForm
    record: dict[str, Any]
    name_field: str | None = None  # the flow's ``tracking.name_field``: where the submitter wrote their name

    @property
    def form_id(self) -> str:
        return self.form.spec.id

    @property
    def record_id(self) -> int:
        return int(self.record["id"])

    def owner(self, locale: str) -> Principal:
        """Who the link acts as: this ticket's submitter, for this ticket only."""
        return Principal(
            id=tracking_subject(self.app_id, self.form_id, self.record_id),
            name=str(self.record["data"].get(self.name_field) or "") if self.name_field else "",
            anonymous=True,
            locale=locale,
        )


def ticket_of(app_id: str, form_id: str, token: str) -> Ticket:
    """The ticket a tracking token stands for; 404 for a malformed, forged or foreign token."""
    record_uuid = record_uuid_of(current_app.config["SECRET_KEY"], app_id, form_id, token[:200])
    record = services().records.get_by_uuid(app_id, form_id, record_uuid) if record_uuid else None
    if record is None:
        abort(404)
    form = services().flows.form(app_id, form_id)
    if not form.spec.public.get("enabled"):
        abort(404)
    return Ticket(app_id, form, record, services().flows.tracking(app_id, form_id).get("name_field"))


def timeline(flows: FlowService, ticket: Ticket, locale: str) -> list[dict[str, Any]]:
    return [
        {**entry, "at": _local_time(entry["at"])}
        for entry in flows.timeline(ticket.app_id, ticket.form_id, ticket.record_id, locale)
    ]


def rating_task(flows: FlowService, ticket: Ticket, owner: Principal) -> dict[str, Any] | None:
    """The open task waiting for this ticket's owner through the link, if there is one."""
    return flows.owner_task(owner, ticket.app_id, ticket.form_id, ticket.record_id)


def rating_fields(ticket: Ticket, task: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """The fields the owner fills at this step (fixed yes/no, stars, comment), drawn from the form."""
    found = []
    for field in ticket.form.spec.fields:
        mode = task["fields"].get(field.id)
        if mode in ("editable", "required"):
            ui = field_ui(field, locale)
            ui["required"] = mode == "required"
            found.append(ui)
    return found


def snapshot(flows: FlowService, ticket: Ticket, stages: list[dict[str, Any]], locale: str) -> dict[str, Any]:
    """What the live page shows; runs outside the request too, so it is handed all it needs."""
    owner = ticket.owner(locale)
    task = rating_task(flows, ticket, owner)
    entries = timeline(flows, ticket, locale)
    return {
        "timeline": entries,
        "pending": pending_stages(stages, entries, locale),
        "rating": task["id"] if task else None,
    }


@bp.get("/t/<app_id>/<form_id>/<token>/events")
def tracking_events(app_id: str, form_id: str, token: str) -> Response:
    """The ticket's timeline, live: one event now, one after every change, then the browser reconnects."""
    ticket = ticket_of(app_id, form_id, token)
    flows, locale, feed, stages = services().flows, current_locale(), live().feed, _flow_stages(ticket)
    return event_stream(
        lambda: feed.record_cursor(ticket.app_id, ticket.form_id, ticket.record_id),
        lambda: snapshot(flows, ticket, stages, locale),
        event="timeline",
    )


@bp.post("/t/<app_id>/<form_id>/<token>/rate")
def rate(app_id: str, form_id: str, token: str) -> Response:
    """Complete the owner's confirmation task with ``{"data": {field: value}}``; nothing else is reachable."""
    ticket = ticket_of(app_id, form_id, token)
    locale = current_locale()
    owner = ticket.owner(locale)
    flows = services().flows
    task = rating_task(flows, ticket, owner)
    if task is None:
        raise ConflictError.says("page.tracking.no_rating")
    body = read_record_body()
    data = body.get("data") if isinstance(body, dict) else None
    flows.act(owner, task["id"], "complete", {"data": data if data is not None else {}}, locale=locale)
    return json_response(snapshot(flows, ticket, _flow_stages(ticket), locale))


@bp.get("/t/<app_id>/<form_id>/<token>/files/<attachment_id>")
def outcome_file(app_id: str, form_id: str, token: str, attachment_id: str) -> Response:
    """A file of one of the flow's outcome fields of this ticket (a completion photo), and nothing else."""
    return _outcome_file(app_id, form_id, token, attachment_id, thumbnail=False)


@bp.get("/t/<app_id>/<form_id>/<token>/files/<attachment_id>/thumbnail")
def outcome_thumbnail(app_id: str, form_id: str, token: str, attachment_id: str) -> Response:
    return _outcome_file(app_id, form_id, token, attachment_id, thumbnail=True)


def _outcome_file(app_id: str, form_id: str, token: str, attachment_id: str, *, thumbnail: bool) -> Response:
    ticket = ticket_of(app_id, form_id, token)
    fields = services().flows.tracking(app_id, form_id).get("outcome_fields", [])
    found = services().attachments.open_on_record(
        app_id, form_id, ticket.record_id, fields, attachment_id[:40], thumbnail=thumbnail
    )
    return send_attachment(found)


def words(tracking: Mapping[str, Any], locale: str) -> dict[str, str]:
    """The page's headings in the flow's language (its ``tracking`` block), else neutral ones."""
    return {
        "details": localized(tracking.get("details_title"), locale) or translate("page.forms.tracking.details", locale),
        "outcome": localized(tracking.get("outcome_title"), locale) or translate("page.tracking.outcome", locale),
        "rating": localized(tracking.get("rating_title"), locale) or translate("page.tracking.rate_title", locale),
    }


def outcome_rows(
    ticket: Ticket, tracking: Mapping[str, Any], locale: str, show: Callable[[FieldSpec, Any], str], base: str
) -> list[dict[str, Any]]:
    """The outcome fields the flow lets its owner read (``tracking.outcome_fields``) that hold a value;
    files as links under the tracking link, images with thumbnails."""
    by_id = {field.id: field for field in ticket.form.spec.fields}
    rows: list[dict[str, Any]] = []
    for field_id in tracking.get("outcome_fields", []):
        field, value = by_id.get(field_id), ticket.record["data"].get(field_id)
        if field is None or value is None or value == [] or value == "":
            continue
        kind = FIELD_TYPES.get(field.type)
        row: dict[str, Any] = {"label": field.title(locale), "text": None, "files": None}
        if kind.holds_attachments:
            row["files"] = [
                {
                    "url": f"{base}/files/{name}",
                    "thumbnail": f"{base}/files/{name}/thumbnail" * kind.images_only or None,
                }
                for name in (value if isinstance(value, list) else [value])
            ]
        else:
            row["text"] = show(field, value)
        rows.append(row)
    return rows


def tracking_context(ticket: Ticket, locale: str, show: Callable[[FieldSpec, Any], str]) -> dict[str, Any]:
    """What the tracking page adds for a ticket with a flow: timeline, outcome, the rating form when due, live URL."""
    flows = services().flows
    owner = ticket.owner(locale)
    task = rating_task(flows, ticket, owner)
    entries = timeline(flows, ticket, locale)
    tracking = flows.tracking(ticket.app_id, ticket.form_id)
    base = request.path.rstrip("/")
    return {
        "timeline": entries,
        "pending": pending_stages(_flow_stages(ticket), entries, locale),
        "rating": rating_fields(ticket, task, locale) if task else None,
        "outcome": outcome_rows(ticket, tracking, locale, show, base),
        "words": words(tracking, locale),
        "rate_url": f"{base}/rate?lang={locale}",
        "events_url": f"{base}/events?lang={locale}",
        "rt": RATING_TEXT[locale],
    }


def _flow_stages(ticket: Ticket) -> list[dict[str, Any]]:
    return services().flows.stages(ticket.app_id, ticket.form_id)


def _local_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(LOCAL_ZONE).strftime("%m-%d %H:%M")
