"""Staff task pages (web layer): the inbox (mine / my groups' / done) and one task's page, phone-first.

The task page draws the ticket under the step's field permissions: a field the step hides is
never put in the HTML, read-only ones are text, editable and required ones are inputs drawn from
the form definition. Buttons are the step's actions; the browser posts JSON (session + CSRF
token) to ``/tasks/<id>/<action>``, which calls the same ``FlowService.act`` as the API, so the
server's checks are the only ones that decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from engine.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.forms.spec import FieldSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.forms.types.temporal import LOCAL_ZONE
from engine.forms.ui import form_ui
from engine.i18n import LOCALES, other_locale
from engine.principal import Principal
from engine.services.flow_actions import refusal
from engine.storage.catalog import CompiledForm
from engine.web.auth import current_principal, login_redirect, require_signed_in
from engine.web.context import services
from engine.web.http import json_response, read_record_body
from engine.web.live import event_stream, live
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("task_pages", __name__)

BOXES = ("mine", "groups", "done")
EDITABLE = ("editable", "required")


#: the words of the task pages by locale (``page.tasks.*`` in engine/i18n/catalog/pages_tasks.py); the
#: language switch names the other language in that language
TEXT = {locale: page_texts("page.tasks.", locale) for locale in LOCALES}


def _signed_in_json() -> Principal:
    who = current_principal()
    if who.anonymous:
        raise NotAuthenticatedError.says("flow_service.sign_in")
    return who


def _switch_url(locale: str) -> str:
    return f"{request.path}?{urlencode({**request.args, 'lang': other_locale(locale)})}"


def _local(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(LOCAL_ZONE).strftime("%m-%d %H:%M")


# -- the inbox ---------------------------------------------------------------------------------------
@bp.get("/tasks")
def inbox() -> Any:
    who = require_signed_in()
    if who is None:
        return login_redirect()
    locale = current_locale()
    box = request.args.get("box", "mine")
    box = box if box in BOXES else "mine"
    found = services().flows.inbox(who, box, 50)
    items = [_inbox_item(who, task, locale) for task in found["items"]]
    _add_summaries(who, items, found["items"], locale)
    return render_template(
        "tasks/inbox.html",
        t=TEXT[locale],
        locale=locale,
        box=box,
        boxes=BOXES,
        counts=found["counts"],
        items=items,
        user=who.name or who.id,
        switch_url=_switch_url(locale),
    )


def _inbox_item(who: Principal, task: dict[str, Any], locale: str) -> dict[str, Any]:
    return {
        "id": task["id"],
        "name": localized(task["name"], locale),
        "ticket": _title(who, task["app_id"], task["form_id"], task["record_id"]),
        "overdue": task["overdue"],
        "due": _local(task["due_at"]),
        "due_at": task.get("sla_due_at") or task["due_at"],
        "summary": [],
        "created": _local(task["created_at"]),
        "completed": _local(task["completed_at"]),
        "claimed": task["claimed_at"] is not None,
        "status": task["status"],
    }


def _title(who: Principal, app_id: str, form_id: str, record_id: int) -> str:
    try:
        found = services().records.titles(who, app_id, form_id, "", record_id=record_id, limit=1)
    except (NotFoundError, PermissionDeniedError):
        found = []
    return found[0]["title"] if found else f"#{record_id}"


def _add_summaries(who: Principal, items: list[dict[str, Any]], tasks: list[dict[str, Any]], locale: str) -> None:
    """Each card's summary: the form's ``summary_fields`` (an address, an urgency) the reader may read, as text."""
    forms: dict[tuple[str, str], CompiledForm | None] = {}
    for item, task in zip(items, tasks, strict=True):
        key = (task["app_id"], task["form_id"])
        if key not in forms:
            try:
                forms[key] = services().flows.form(*key)
            except NotFoundError:
                forms[key] = None
        form = forms[key]
        if form is None or not form.spec.summary_fields:
            continue
        record = _record(who, task)
        data = record["data"] if record else {}
        for field_id in form.spec.summary_fields:
            if field_id in data and not _empty(data[field_id]):
                spec = form.spec.field(field_id)
                shown = _display(who, task["app_id"], spec, data[field_id], locale)
                if isinstance(shown, str):
                    item["summary"].append({"label": spec.title(locale), "text": shown})


@bp.get("/tasks/events")
def inbox_events() -> Response:
    """The inbox counts, live (one event now and one per change; the browser reconnects after a while)."""
    who = _signed_in_json()
    flows, feed = services().flows, live().feed
    return event_stream(feed.latest, lambda: flows.inbox(who, "mine", 1)["counts"], event="counts")


# -- one task ----------------------------------------------------------------------------------------
@bp.get("/tasks/<task_id>")
def task_page(task_id: str) -> Any:
    who = require_signed_in()
    if who is None:
        return login_redirect()
    locale = current_locale()
    flows = services().flows
    task = flows.task(who, task_id[:64])  # someone else's task: 404, nothing revealed
    form = flows.form(task["app_id"], task["form_id"])
    record = _record(who, task)
    is_open = task["status"] == "open"
    workable = is_open and task["assignee"] in (None, who.id)
    # a pool task is taken before anyone works on it, and a dispatched job is accepted (接单) first;
    # an approval already addressed to you is simply decided
    needs_claim = (
        workable
        and "claim" in task["actions"]
        and task["claimed_at"] is None
        and (task["assignee"] is None or task["type"] != "approval")
    )
    sections = _sections(who, form, task, record, locale, editable=workable and not needs_claim)
    return render_template(
        "tasks/task.html",
        t=TEXT[locale],
        locale=locale,
        task=task,
        name=localized(task["name"], locale),
        ticket=_title(who, task["app_id"], task["form_id"], task["record_id"]),
        record_readable=record is not None,
        sections=sections,
        buttons=_buttons(task, workable, needs_claim, locale) if workable else [],
        returns=_return_targets(who, task, locale) if workable and "return" in task["actions"] else [],
        workable=workable,
        needs_claim=needs_claim,
        assignee=_name(task["assignee"]) if task["assignee"] else None,
        due=_local(task["sla_due_at"]),
        decisions=_decisions(who, task, locale) if task["type"] == "approval" else [],
        preview_url=f"/apps/{task['app_id']}/forms/{task['form_id']}/preview",
        choices_url=url_for("task_lookups.choices", task_id=task["id"], field_id="__field__"),
        people_url=url_for("task_lookups.people", task_id=task["id"]),
        user=who.name or who.id,
        upload_url=f"/api/v1/apps/{task['app_id']}/forms/{task['form_id']}/fields/__field__/attachments",
        switch_url=_switch_url(locale),
        knowledge_bases=_knowledge_bases(who, task["app_id"], locale),
    )


def _knowledge_bases(who: Principal, app_id: str, locale: str) -> list[dict[str, Any]]:
    """The app's knowledge bases this person may search, with the JSON search the box beside the task asks."""
    found = services().knowledge_base.bases(who, app_id, locale)
    for base in found:
        base["search_url"] = url_for("kb_pages.search_json", app_id=app_id, form_id=base["form"], lang=locale)
    return found


def _record(who: Principal, task: dict[str, Any]) -> dict[str, Any] | None:
    """The ticket as this person may read it (their role's field permissions applied), or None."""
    try:
        return services().records.get(who, task["app_id"], task["form_id"], task["record_id"])
    except (NotFoundError, PermissionDeniedError):
        return None


def _sections(
    who: Principal,
    form: CompiledForm,
    task: dict[str, Any],
    record: dict[str, Any] | None,
    locale: str,
    *,
    editable: bool,
) -> list[dict[str, Any]]:
    """The form's steps with each field as the step allows: absent, text, or an input.

    An input starts from what this person already gave on the task (a signer's saved draft), else the record.
    """
    modes: dict[str, str] = task["fields"]
    data = record["data"] if record else {}
    draft: dict[str, Any] = task.get("data") or {}
    specs = {f.id: f for f in form.spec.fields}
    sections = []
    for step in form_ui(form.spec, locale, staff=True)["steps"]:
        fields = []
        for ui in step["fields"]:
            mode = modes.get(ui["id"])
            kind = FIELD_TYPES.get(ui["type"])
            if mode == "hidden" or not kind.stores_value:
                continue  # never in the page, not even as an empty input
            if ui["id"] == form.spec.title_field:
                continue  # the page's heading already says it
            if editable and mode in EDITABLE and (kind.captured or ui["id"] in task.get("captured", ())):
                # captured by the phone at check-in, never typed
                shown = _display(who, task["app_id"], specs[ui["id"]], data.get(ui["id"]), locale)
                fields.append({**ui, "edit": False, "capture": True, "text": shown if data.get(ui["id"]) else "—"})
            elif editable and mode in EDITABLE and not ui["read_only"]:
                value = draft[ui["id"]] if ui["id"] in draft else data.get(ui["id"])
                ui = {**ui, "edit": True, "required": mode == "required", "value": value}
                _edit_extras(who, task["app_id"], ui, specs[ui["id"]], locale)
                fields.append(ui)
            elif editable and kind.computed and ui["id"] in data:  # a total, recomputed live while typing
                shown = _display(who, task["app_id"], specs[ui["id"]], data[ui["id"]], locale)
                fields.append({**ui, "edit": False, "live": True, "text": "" if _empty(shown) else shown})
            elif ui["id"] in data and not _empty(data[ui["id"]]):
                shown = _display(who, task["app_id"], specs[ui["id"]], data[ui["id"]], locale)
                fields.append({**ui, "edit": False, "text": shown})
        if fields:
            sections.append({"title": step["title"], "fields": fields})
    return sections


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass(frozen=True, slots=True)
class _PageReader:
    """What a field type needs from this page to show or edit a value (``engine.forms.types.Reader``)."""

    who: Principal
    app_id: str
    locale: str

    def record_title(self, target: str, record_id: int) -> str:
        return _title(self.who, self.app_id, target, record_id)

    def attachment_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}"

    def thumbnail_url(self, attachment_id: str) -> str:
        return f"/api/v1/attachments/{attachment_id}/thumbnail"

    def person_name(self, user_id: str) -> str:
        return _name(user_id)

    def choices(self, target: str) -> list[dict[str, Any]]:
        return []  # the input searches as one types (engine/web/task_lookups.py); its value's title is below


def _name(user_id: str) -> str:
    """A person's display name (their login only when they have none)."""
    return services().record_pages.people_names([user_id]).get(user_id, user_id)


def _edit_extras(who: Principal, app_id: str, ui: dict[str, Any], spec: FieldSpec, locale: str) -> None:
    """What an input needs beyond the UI description (choices for relations, local times, rows): its type says."""
    reader = _PageReader(who, app_id, locale)
    FIELD_TYPES.get(spec.type).input_extras(spec, ui, reader)
    kind = FIELD_TYPES.get(spec.type)
    if isinstance(ui.get("value"), int | str) and not isinstance(ui.get("value"), bool):
        shown = kind.display(spec, ui["value"], reader)  # a record's title, a person's name: a lookup box shows it
        ui["value_title"] = shown if isinstance(shown, str) else ""
    for column, child in zip(ui.get("columns", []), spec.children, strict=False):
        child_kind = FIELD_TYPES.get(child.type)
        if child_kind.related_form(child) is not None:  # the titles of the records the rows name
            named = {row.get(child.id) for row in ui.get("rows", []) if isinstance(row, dict)}
            column["titles"] = {i: child_kind.display(child, i, reader) for i in named if isinstance(i, int)}


def _display(who: Principal, app_id: str, spec: FieldSpec, value: Any, locale: str) -> Any:
    """A value as text (a sub-table as rows of text) for a read-only field: its type says how."""
    return FIELD_TYPES.get(spec.type).display(spec, value, _PageReader(who, app_id, locale))


def _buttons(task: dict[str, Any], workable: bool, needs_claim: bool, locale: str) -> list[dict[str, Any]]:
    """The step's actions as buttons, in the order a technician meets them."""
    t = TEXT[locale]
    offered = set(task["actions"])
    if needs_claim:
        label = t["claim"] if task["assignee"] else t["claim_pool"]
        found = [{"action": "claim", "label": label, "kind": "primary"}]
        found += [{"action": a, "label": t[a], "kind": _kind(a)} for a in ("hand_back", "transfer") if a in offered]
        return found
    found = []
    if "check_in" in offered:
        found.append({"action": "check_in", "label": t["check_in"], "kind": "secondary"})
    if "complete" in offered:
        if task["outcomes"]:
            for outcome in task["outcomes"]:
                label = localized(outcome.get("label"), locale, outcome["id"])
                kind = "danger" if outcome.get("destructive") else "primary"
                found.append({"action": "complete", "outcome": outcome["id"], "label": label, "kind": kind})
        else:
            found.append({"action": "complete", "label": t["complete"], "kind": "primary"})
    for action, kind in (("approve", "primary"), ("reject", "danger")):
        if action in offered:
            found.append({"action": action, "label": t[action], "kind": kind})
    if "save" in offered:  # a task's work so far, or a signer's draft opinion
        found.append({"action": "save", "label": t["save"], "kind": "secondary"})
    for action in ("return", "hand_back", "transfer", "delegate", "add_signer"):
        if action in offered:
            found.append({"action": action, "label": t[action], "kind": _kind(action)})
    return found


#: the actions that undo or refuse work: set apart from the main action (an outcome says so itself)
DESTRUCTIVE = frozenset({"reject", "return", "hand_back"})


def _kind(action: str) -> str:
    return "danger" if action in DESTRUCTIVE else "secondary"


def _decisions(who: Principal, task: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """Who has decided what so far on this approval step (names, decision, time), then who has not yet."""
    try:
        instance = services().flows.instance(who, task["instance_id"])
    except (NotFoundError, PermissionDeniedError):
        return []
    signers = [t for t in instance["tasks"] if t["node"] == task["node"] and t["status"] in ("completed", "open")]
    names = services().record_pages.people_names(
        {t["completed_by"] or t["assignee"] for t in signers if t["completed_by"] or t["assignee"]}
    )
    t = TEXT[locale]
    roles = {
        role["id"]: localized(role.get("name"), locale, role["id"])
        for role in services().records.compiled_app(task["app_id"]).document.get("roles", [])
    }
    found = []
    for signer in sorted(signers, key=lambda s: (s["completed_at"] is None, s["completed_at"] or s["created_at"])):
        person = signer["completed_by"] or signer["assignee"]
        decided = signer["status"] == "completed"
        outcome = signer["outcome"] if decided else None
        # nobody has taken it yet: the role or group it waits for
        waiting = ("、" if locale == "zh-CN" else ", ").join(
            roles.get(value, value) for _, value in signer["candidates"]
        ) or t["unclaimed"]
        found.append(
            {
                "who": names.get(person, person) if person else waiting,
                "decision": t.get(f"decision_{outcome}", outcome or "") if decided else t["decision_pending"],
                "outcome": outcome or ("pending" if not decided else ""),
                "at": _local(signer["completed_at"]),
                "comment": signer["comment"] or "",
                "mine": signer["id"] == task["id"],
            }
        )
    return found


def _return_targets(who: Principal, task: dict[str, Any], locale: str) -> list[dict[str, str]]:
    """Earlier steps of this instance the task may be returned to (the ones someone already finished)."""
    try:
        instance = services().flows.instance(who, task["instance_id"])
    except (NotFoundError, PermissionDeniedError):
        return []
    seen: dict[str, str] = {}
    for earlier in instance["tasks"]:
        if earlier["status"] == "completed" and earlier["node"] != task["node"]:
            seen.setdefault(earlier["node"], localized(earlier["name"], locale))
    return [{"node": node, "label": label} for node, label in seen.items()]


@bp.post("/tasks/<task_id>/<action>")
def act(task_id: str, action: str) -> Response:
    """One task action from the task page; answers JSON (errors as problem documents)."""
    who = _signed_in_json()
    body = read_record_body() if request.get_data(cache=True) else {}
    if not isinstance(body, dict):
        raise refusal("_body", "flow_service.json_object", current_locale())
    result = services().flows.act(who, task_id[:64], action[:40], body, locale=current_locale())
    task = result["task"]
    return json_response({"task": {k: task[k] for k in ("id", "status", "assignee", "claimed_at", "version")}})
