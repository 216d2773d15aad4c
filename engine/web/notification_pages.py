"""A person's notifications in the UI (web layer): the list page, open and mark read, and the bell's live count.

``/notifications`` lists them newest first (paged by id), each linking to its task or record only
when the reader may open it; opening one is a POST (CSRF) that marks it read and redirects there.
``/notifications/stream`` is the bell's server-sent events: the count now and again whenever the
person gets a notification or marks one read - the cursor is their own notifications (newest id plus
read ones), so a notification the worker delivered in another process shows within a poll.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from engine.errors import NotAuthenticatedError
from engine.forms.types.temporal import LOCAL_ZONE
from engine.i18n import other_locale
from engine.services.notification_views import Target
from engine.web.auth import current_principal, login_redirect, require_signed_in
from engine.web.context import services
from engine.web.live import event_stream
from engine.web.page_text import page_texts
from engine.web.pages import current_locale
from engine.whole_numbers import parse_whole

bp = Blueprint("notification_pages", __name__)

PREFIX = "page.notifications."
MAX_ID = 2**31 - 1  # larger numbers name no notification (and would overflow the column's type)


def _number(raw: str | None) -> int | None:
    """A notification id from a form or query value; anything else (text, signs, huge numbers) is None."""
    return parse_whole(raw, low=1, high=MAX_ID)


def _local(at: datetime) -> str:
    return at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def target_url(target: Target | None, locale: str) -> str | None:
    if target is None:
        return None
    if target.kind == "task" and target.task_id:
        return f"{url_for('task_pages.task_page', task_id=target.task_id)}?lang={locale}"
    page = url_for("record_pages.record_page", app_id=target.app_id, form_id=target.form_id, record_id=target.record_id)
    return f"{page}?lang={locale}"


@bp.get("/notifications")
def notification_list() -> Any:
    who = require_signed_in()
    if who is None:
        return login_redirect()
    locale = current_locale()
    before = _number(request.args.get("before"))
    found = services().notification_pages.page(who, locale, before=before)
    items = [{**item, "at": _local(item["at"]), "href": target_url(item["target"], locale)} for item in found["items"]]
    base = url_for("notification_pages.notification_list")
    return render_template(
        "notifications/list.html",
        t=page_texts(PREFIX, locale),
        locale=locale,
        items=items,
        unread=found["unread"],
        older=f"{base}?before={found['older']}&lang={locale}" if found["older"] else None,
        newest=f"{base}?lang={locale}" if before is not None else None,
        switch_url=f"{request.path}?lang={other_locale(locale)}",
    )


@bp.post("/notifications/<raw_id>/open")
def open_notification(raw_id: str) -> Any:
    """Mark one read and go where it leads (the list again when it leads nowhere the person may go)."""
    who = require_signed_in()
    if who is None:
        return login_redirect()
    locale = current_locale()
    number = _number(raw_id)
    target = services().notification_pages.open(who, number) if number is not None else None
    back = f"{url_for('notification_pages.notification_list')}?lang={locale}"
    return redirect(target_url(target, locale) or back, code=303)


@bp.post("/notifications/mark-read")
def mark_read() -> Any:
    """Mark the listed ``id`` values read, or every one when the form names none (ids that are not the
    person's, or not numbers, change nothing)."""
    who = require_signed_in()
    if who is None:
        return login_redirect()
    locale = current_locale()
    raw = request.form.getlist("id")
    if raw:
        ids = [n for n in (_number(r) for r in raw[:500]) if n is not None]
        if ids:
            services().notifications.mark_read(who.id, ids, locale=locale)
    else:
        services().notifications.mark_read(who.id, None, locale=locale)
    return redirect(f"{url_for('notification_pages.notification_list')}?lang={locale}", code=303)


@bp.get("/notifications/stream")
def notification_stream() -> Response:
    """The bell, live: ``{"unread": n, "latest": text}`` now and after every change to the person's notifications."""
    who = current_principal()
    if who.anonymous:
        raise NotAuthenticatedError.says("flow_service.sign_in")
    locale = current_locale()
    notifications = services().notifications
    return event_stream(
        lambda: notifications.cursor(who.id), lambda: notifications.badge(who.id, locale), event="notifications"
    )


def bell(locale: str) -> dict[str, Any]:
    """The bell of the session bar: the unread count drawn by the server, and where the list and stream are."""
    who = current_principal()
    return {
        "unread": services().notifications.unread(who.id),
        "href": f"{url_for('notification_pages.notification_list')}?lang={locale}",
        "stream": f"{url_for('notification_pages.notification_stream')}?lang={locale}",
    }
