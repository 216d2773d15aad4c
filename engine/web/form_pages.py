"""Generated form pages: the public link (phone-first, with QR code) and the staff entry form.

The page is drawn from the form's UI description; the browser script posts JSON to the same
record service the API uses, so the server's validation is the only one that decides.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import form_ui
from engine.i18n import other_locale
from engine.principal import PUBLIC, SYSTEM
from engine.storage.catalog import CompiledForm
from engine.tracking import record_uuid_of, tracking_token
from engine.web.auth import current_principal, login_redirect, reads_only, require_app_role
from engine.web.context import services
from engine.web.http import json_response, read_record_body
from engine.web.page_text import page_texts
from engine.web.pages import current_locale
from engine.web.rate_limits import client_address
from engine.web.tracking_flow import Ticket, tracking_context
from engine.whole_numbers import parse_id, parse_whole

bp = Blueprint("form_pages", __name__)

FORM_TEXT = "page.forms.form."
TRACKING_TEXT = "page.forms.tracking."
UPLOAD_TOKENS_HEADER = "X-Upload-Tokens"  # comma-separated; form.js sends the tokens its uploads returned


def _compiled_form(app_id: str, form_id: str) -> CompiledForm:
    return services().records.compiled_form(app_id, form_id)


def _public_form(app_id: str, form_id: str) -> CompiledForm:
    form = _compiled_form(app_id, form_id)
    if not form.spec.public.get("enabled"):
        abort(404)
    return form


def _public_fields(form: CompiledForm) -> list[str]:
    return list(form.spec.public.get("fields") or [f.id for f in form.spec.fields])


def _prefill(form: CompiledForm) -> dict[str, Any]:
    allowed = set(form.spec.public.get("prefill", []))
    found: dict[str, Any] = {}
    for key, value in request.args.items():
        if key in allowed and len(value) <= 200:
            number = parse_whole(value)
            found[key] = value if number is None else number
    return found


@bp.get("/f/<app_id>/<form_id>")
def public_form(app_id: str, form_id: str) -> str:
    form = _public_form(app_id, form_id)
    locale = current_locale()
    ui = form_ui(form.spec, locale, only=_public_fields(form))
    prefill = _prefill(form)
    for step in ui["steps"]:
        for field in step["fields"]:
            if field["id"] in prefill:
                field["default"] = prefill[field["id"]]
    other = other_locale(locale)
    return render_template(
        "form.html",
        ui=ui,
        t=page_texts(FORM_TEXT, locale),
        locale=locale,
        other=other,
        submit_url=url_for("form_pages.public_submit", app_id=app_id, form_id=form_id),
        preview_url=url_for("form_pages.public_preview", app_id=app_id, form_id=form_id),
        options_url=url_for("form_pages.public_options", app_id=app_id, form_id=form_id, field_id="__field__"),
        upload_url=f"/api/v1/apps/{app_id}/forms/{form_id}/fields/__field__/attachments",
        config={"ui": ui, "prefill": prefill},
        switch_url=f"{request.path}?{urlencode({**request.args, 'lang': other})}",
    )


@bp.get("/apps/<app_id>/forms/<form_id>/new")
def staff_form(app_id: str, form_id: str) -> Any:
    """The desktop entry form for staff (an agent typing in a phoned-in report), one page: the fields the
    first step needs, not those the flow's later steps own (a rating, a closing time), under staff headings."""
    if require_app_role(app_id) is None:
        return login_redirect()
    form = _compiled_form(app_id, form_id)
    locale = current_locale()
    ui = form_ui(form.spec, locale, only=services().flows.entry_fields(app_id, form_id), staff=True)
    other = other_locale(locale)
    base = f"/apps/{app_id}/forms/{form_id}"
    return render_template(
        "form.html",
        ui=ui,
        t=page_texts(FORM_TEXT, locale),
        locale=locale,
        other=other,
        mode="single",
        submit_url=f"/api/v1/apps/{app_id}/forms/{form_id}/records",
        preview_url=f"{base}/preview",
        options_url=f"{base}/options/__field__",
        upload_url=f"/api/v1/apps/{app_id}/forms/{form_id}/fields/__field__/attachments",
        config={"ui": ui, "prefill": {}},
        switch_url=f"{request.path}?{urlencode({**request.args, 'lang': other})}",
    )


@bp.post("/apps/<app_id>/forms/<form_id>/preview")
@reads_only
def staff_preview(app_id: str, form_id: str) -> Response:
    _compiled_form(app_id, form_id)  # a missing form is a 404 before the body is read
    return json_response(services().records.preview(current_principal(), app_id, form_id, read_record_body()))


@bp.get("/apps/<app_id>/forms/<form_id>/options/<field_id>")
def staff_options(app_id: str, form_id: str, field_id: str) -> Response:
    form = _compiled_form(app_id, form_id)
    return _options(app_id, form, field_id)


@bp.post("/f/<app_id>/<form_id>")
def public_submit(app_id: str, form_id: str) -> Response:
    form = _public_form(app_id, form_id)
    data = read_record_body()
    key = request.headers.get("Idempotency-Key")
    # the upload tokens this browser got for its own photos (see AttachmentService.upload)
    upload_tokens = [t.strip() for t in request.headers.get(UPLOAD_TOKENS_HEADER, "")[:4000].split(",") if t.strip()]
    record, created = services().records.create_public(
        app_id,
        form_id,
        data,
        locale=current_locale(),
        idempotency_key=key[:200] if key else None,
        upload_tokens=upload_tokens,
        client=client_address(),  # the link's rate limit, counted in the service (the API shares it)
    )
    token = tracking_token(current_app.config["SECRET_KEY"], app_id, form_id, record["uuid"])
    body = {
        "id": record["id"],
        "title": record["data"].get(form.spec.title_field or "", record["id"]),
        "tracking_url": _owner_link("form_pages.tracking_page", app_id=app_id, form_id=form_id, token=token),
    }
    return json_response(body, 201 if created else 200)


@bp.get("/t/<app_id>/<form_id>/<token>")
def tracking_page(app_id: str, form_id: str, token: str) -> str:
    """What an owner sees of their own submission through its tracking link — and nothing else."""
    record_uuid = record_uuid_of(current_app.config["SECRET_KEY"], app_id, form_id, token)
    record = services().records.get_by_uuid(app_id, form_id, record_uuid) if record_uuid else None
    if record is None:
        abort(404)
    form = _public_form(app_id, form_id)
    locale = current_locale()
    shown = [f for f in form.spec.fields if f.id in _public_fields(form) and _tracked(f)]
    rows = [(f.title(locale), _display(_readable(app_id, f, record["data"].get(f.id)))) for f in shown]
    other = other_locale(locale)
    # timeline, outcome, the rating form when due, live URL
    flow = tracking_context(Ticket(app_id, form, record), locale, lambda f, v: _display(_readable(app_id, f, v)))
    return render_template(
        "tracking.html",
        t=page_texts(TRACKING_TEXT, locale),
        locale=locale,
        other=other,
        title=form.spec.title(locale),
        number=record["data"].get(form.spec.title_field or "", record["id"]),
        created_at=_local_time(record["created_at"]),
        rows=rows,
        flow=flow,
        switch_url=f"{request.path}?lang={other}",
    )


def _tracked(field: FieldSpec) -> bool:
    """Whether a tracking page lists the field: layout has no value; attachments stay off a page a link opens."""
    kind = FIELD_TYPES.get(field.type)
    return kind.stores_value and not kind.holds_attachments


def _readable(app_id: str, field: Any, value: Any) -> Any:
    """A related record's title instead of its number."""
    target = FIELD_TYPES.get(field.type).related_form(field)
    if target is not None and isinstance(value, int):
        found = services().records.titles(SYSTEM, app_id, target, "", record_id=value, limit=1)
        return found[0]["title"] if found else value
    return value


def _display(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _local_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


@bp.post("/f/<app_id>/<form_id>/preview")
@reads_only
def public_preview(app_id: str, form_id: str) -> Response:
    form = _public_form(app_id, form_id)
    data = read_record_body()
    allowed = set(_public_fields(form))
    visible_data = {k: v for k, v in data.items() if k in allowed} if isinstance(data, dict) else {}
    # as the public, who submits it (signed in or not): the link being on is the permission, as for the submission
    return json_response(services().records.preview(PUBLIC, app_id, form_id, visible_data, public=True))


@bp.get("/f/<app_id>/<form_id>/options/<field_id>")
def public_options(app_id: str, form_id: str, field_id: str) -> Response:
    """Search the records a public relation field may point at; only ids and titles leave the server."""
    form = _public_form(app_id, form_id)
    if field_id not in _public_fields(form):
        abort(404)
    return _options(app_id, form, field_id)


def _options(app_id: str, form: CompiledForm, field_id: str) -> Response:
    try:
        field = form.spec.field(field_id)
    except KeyError:
        abort(404)
    if FIELD_TYPES.get(field.type).related_form(field) is None:
        abort(404)
    query = request.args.get("q", "")[:50]
    raw_id = request.args.get("id", "")
    record_id = parse_id(raw_id)
    # ``by.<field>=<id>``: the current answer of a field that narrows this one (a cascading picker)
    answers = {key[3:]: value[:40] for key, value in request.args.items() if key.startswith("by.")}
    items = services().records.choices(
        current_principal(), app_id, form, field, query, record_id=record_id, answers=answers, locale=current_locale()
    )
    return json_response({"items": items})


@bp.get("/f/<app_id>/<form_id>/qr.<kind>")
def public_qr(app_id: str, form_id: str, kind: str) -> Response:
    """A QR code for the public link; prefill arguments (a building's room) are carried in the link."""
    form = _public_form(app_id, form_id)
    if kind not in ("png", "svg"):
        abort(404)
    link = _owner_link("form_pages.public_form", app_id=app_id, form_id=form_id, external=True)
    prefill = {k: v for k, v in _prefill(form).items()}
    if prefill:
        link = f"{link}?{urlencode(prefill)}"
    buffer = io.BytesIO()
    if kind == "svg":
        qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(buffer)
        return Response(buffer.getvalue(), mimetype="image/svg+xml")
    qrcode.make(link, box_size=10, border=2).save(buffer)
    return Response(buffer.getvalue(), mimetype="image/png")


def _owner_link(endpoint: str, *, external: bool = False, **values: Any) -> str:
    """A link handed to an owner: under ``TRELLIS_PUBLIC_URL`` when it is set (the server may sit behind a
    proxy or answer on 127.0.0.1), else the address this request came to (``external``) or a path."""
    base = services().settings.public_url
    if base is None:
        return url_for(endpoint, _external=external, **values)
    return base + url_for(endpoint, **values)[len(request.script_root) :]
