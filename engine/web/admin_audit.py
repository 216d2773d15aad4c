"""The administration page for the audit log (web layer): who did what, to which thing, when; filtered and paged."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Response, request

from engine.errors import NotFoundError, SubmissionError
from engine.forms.types.temporal import LOCAL_ZONE
from engine.storage.audit import AuditLog
from engine.web.admin_common import MAX_TEXT, bp, page, text
from engine.web.context import services

AUDIT_PAGE_SIZE = 50


@bp.get("/audit")
def audit() -> Response:
    args = request.args
    filters = {key: args.get(key, "")[:MAX_TEXT].strip() for key in ("actor", "action", "subject", "since", "until")}
    errors: dict[str, str] = {}
    since = _moment(filters["since"], end=False)
    until = _moment(filters["until"], end=True)
    for key, moment in (("since", since), ("until", until)):
        if filters[key] and moment is None:
            errors[key] = text("time_invalid")
    cursor = args.get("cursor", "")[:20] or None
    found: dict[str, Any] = {"items": [], "next_cursor": None}
    if not errors:
        subject_type, subject_id = _subject(filters["subject"])
        try:
            found = AuditLog(services().database).query(
                actor=_actor_filter(filters["actor"]),
                action=filters["action"] or None,
                subject_type=subject_type,
                subject_id=subject_id,
                since=since,
                until=until,
                limit=AUDIT_PAGE_SIZE,
                cursor=cursor,
            )
        except SubmissionError:
            errors["cursor"] = text("cursor_invalid")
    names = _names(found["items"])
    events = [_event(item, names) for item in found["items"]]
    return page(
        "admin/audit.html",
        422 if errors else 200,
        events=events,
        filters=filters,
        errors=errors,
        next_cursor=found["next_cursor"],
        paged=cursor is not None,
    )


def _moment(typed: str, *, end: bool) -> datetime | None:
    """A date, or a date and time, typed in local time; a bare date ``until`` covers that whole day."""
    if not typed:
        return None
    try:
        if len(typed) <= 10:
            day = date.fromisoformat(typed)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time())
        else:
            moment = datetime.fromisoformat(typed.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE)


def _actor_filter(typed: str) -> str | None:
    """People are found by login; ``system``, ``anonymous`` or ``user:ID`` are taken as written."""
    if not typed:
        return None
    if ":" in typed or typed in ("system", "anonymous"):
        return typed
    try:
        return f"user:{services().directory.get_user(typed)['id']}"
    except NotFoundError:
        return typed


def _subject(typed: str) -> tuple[str | None, str | None]:
    """``user:wang``, ``group:工程部``, ``app:property_repair`` or a bare id; logins and group names resolve."""
    if not typed:
        return None, None
    kind, sep, ref = typed.partition(":")
    if not sep:
        return None, typed
    if kind == "user":
        try:
            return kind, services().directory.get_user(ref)["id"]
        except NotFoundError:
            return kind, ref
    if kind == "group":
        found = next((g["id"] for g in services().directory.list_groups() if ref in (g["id"], g["name"])), ref)
        return kind, found
    return kind or None, ref or None


def _names(items: list[dict[str, Any]]) -> dict[str, str]:
    """``user:ID`` -> ``user:login`` and ``group:ID`` -> ``group:name`` for one page of events."""
    names = {f"group:{g['id']}": f"group:{g['name']}" for g in services().directory.list_groups()}
    ids = {item["actor"][5:] for item in items if item["actor"].startswith("user:")}
    ids |= {item["subject_id"] for item in items if item["subject_type"] == "user"}
    for user_id in sorted(ids):  # a handful of people per page
        try:
            names[f"user:{user_id}"] = f"user:{services().directory.get_user(user_id)['login']}"
        except NotFoundError:
            continue
    return names


def _event(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    moment = datetime.fromisoformat(item["at"])  # stored in UTC, always read back with its zone
    details = item["details"]
    shown = ", ".join(f"{k}={v}" for k, v in details.items()) if isinstance(details, dict) else str(details or "")
    actor = names.get(item["actor"], item["actor"]).removeprefix("user:")
    subject = f"{item['subject_type']}:{item['subject_id']}"
    subject = names.get(subject, subject)
    local = f"{moment.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M:%S}"
    return {**item, "at_local": local, "actor_shown": actor, "subject_shown": subject, "details_text": shown[:300]}
