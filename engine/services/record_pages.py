"""The record page's view and internal comments (service layer): what one viewer may see of one record.

Built from the records and flow services' own reads, so their permissions decide: a record outside
the viewer's rows is "not found", hidden fields never appear, related records come only from
forms the viewer may read, flow steps only from instances the viewer may read. People are shown
by name, never by login.

Internal comments: anyone who may update the record may comment; anyone who may read it and holds
a role of the app that is not public (staff, not owners) sees them; administrators both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from engine.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.forms.spec import localized
from engine.forms.types import FIELD_TYPES
from engine.i18n import translate
from engine.principal import Principal
from engine.services.flow_actions import refusal
from engine.services.flows import FlowService
from engine.services.records import RecordService
from engine.storage.database import Database
from engine.storage.record_comments import RecordComment, RecordCommentRepository
from engine.storage.tables import utcnow

MAX_COMMENT = 2000  # characters of one comment
RELATED_LIMIT = 20  # related records listed per relation
#: flow events the staff timeline shows (the others are bookkeeping)
TIMELINE_EVENTS = ("started", "stage", "escalated", "returned", "handed_back", "completed_task", "decided", "failed")
UNREADABLE = (NotFoundError, PermissionDeniedError, NotAuthenticatedError)


class RecordPageService:
    def __init__(
        self,
        database: Database,
        records: RecordService,
        flows: FlowService,
        *,
        clock: Callable[[], datetime] = utcnow,
        comments: RecordCommentRepository | None = None,
    ):
        self.database = database
        self.records = records
        self.flows = flows
        self.clock = clock
        self.repository = comments or RecordCommentRepository()

    # -- who --------------------------------------------------------------------------------------
    def is_staff(self, principal: Principal, app_id: str) -> bool:
        """Holds a role of the app that is not public (owners and the public are not staff)."""
        if principal.is_admin:
            return True
        if principal.anonymous:
            return False
        public = self.records.compiled_app(app_id).permissions.public_roles
        return bool(principal.roles_in(app_id) - public)

    def people_names(self, ids: Iterable[str]) -> dict[str, str]:
        """Display names of the people among ``ids`` (ids naming nobody are left out)."""
        with self.database.transaction() as session:
            return self.flows.repository.names(session, set(ids))

    def names(self, ids: Iterable[str], locale: str) -> dict[str, str]:
        """Display names by id; who is not a person (the system, a flow, an automation) is named as such."""
        wanted = {i for i in ids if i}
        with self.database.transaction() as session:
            found = self.flows.repository.names(session, wanted)
        someone = translate("page.record.system", locale)
        return {i: found.get(i, someone) for i in wanted}

    # -- comments ---------------------------------------------------------------------------------
    def comments(self, principal: Principal, app_id: str, form_id: str, record_id: int) -> list[dict[str, Any]]:
        self.records.get(principal, app_id, form_id, record_id)  # outside the viewer's rows: not found
        if not self.is_staff(principal, app_id):
            raise PermissionDeniedError.says("record.comments_staff_only")
        with self.database.transaction() as session:
            return [_comment_view(c) for c in self.repository.of(session, app_id, form_id, record_id)]

    def add_comment(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, body: Any, locale: str
    ) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise refusal("_body", "record.comment_body", locale)
        text = body.get("body")
        if not isinstance(text, str) or not text.strip():
            raise refusal("body", "record.comment_empty", locale)
        if len(text) > MAX_COMMENT:
            raise refusal("body", "record.comment_long", locale, limit=MAX_COMMENT)
        if not self.may_comment(principal, app_id, form_id, record_id):
            raise PermissionDeniedError.says("record.comments_staff_only")
        with self.database.transaction() as session:
            self.repository.add(session, app_id, form_id, record_id, principal.id, text.strip(), self.clock())
            return _comment_view(self.repository.of(session, app_id, form_id, record_id)[-1])

    def may_comment(self, principal: Principal, app_id: str, form_id: str, record_id: int) -> bool:
        self.records.get(principal, app_id, form_id, record_id)  # outside the viewer's rows: not found
        return self.is_staff(principal, app_id) and self.records.may_update(principal, app_id, form_id, record_id)

    # -- the page ---------------------------------------------------------------------------------
    def related(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, locale: str
    ) -> list[dict[str, Any]]:
        """Records of other forms whose relation field names this record, from forms the viewer may read."""
        app = self.records.compiled_app(app_id)
        found = []
        for other in app.forms.values():
            for field in other.spec.fields:
                kind = FIELD_TYPES.get(field.type)
                if kind.related_form(field) != form_id or kind.link_target(field) is not None:
                    continue
                try:
                    access = self.records.authorize(principal, "read", app, other)
                    if not principal.is_admin and access.field_mode(field.id) == "hidden":
                        continue
                    items = self.records.titles(
                        principal, app_id, other.spec.id, "", limit=RELATED_LIMIT, equal={field.id: record_id}
                    )
                except UNREADABLE:
                    continue
                if items:
                    label = f"{localized(other.spec.name, locale, other.spec.id)} · {field.title(locale)}"
                    found.append({"form": other.spec.id, "label": label, "items": items})
        return found

    def history(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, locale: str
    ) -> list[dict[str, Any]]:
        """The record's changes, newest first, with the author's name and the changed fields' labels."""
        entries = self.records.history(principal, app_id, form_id, record_id)
        names = self.names((e["actor"] for e in entries), locale)
        spec = self.records.compiled_form(app_id, form_id).spec
        labels = {f.id: f.title(locale) for f in spec.fields}
        return [
            {
                "at": e["at"],
                "by": names.get(e["actor"], ""),
                "action": e["action"],
                "fields": [labels.get(k, k) for k in e["changes"]],
            }
            for e in reversed(entries)
            if e["changes"] or e["action"] == "create"
        ]

    def timeline(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, locale: str
    ) -> list[dict[str, Any]]:
        """The flows' steps on this record as staff read them: what happened at which step, when, by and to whom;
        escalations, returns and reopenings (a stage reached again) marked. Instances the viewer may not read
        are left out."""
        entries: list[dict[str, Any]] = []
        for instance_id in self.flows.instances_of(app_id, form_id, record_id):
            try:
                instance = self.flows.instance(principal, instance_id)
            except UNREADABLE:
                continue
            with self.database.transaction() as session:
                app = self.flows.catalog.version(session, app_id, instance["app_version"])
                spec = self.flows.spec(app, instance["flow_id"])
                events = self.flows.repository.events(session, instance_id)
            people = {e.actor for e in events} | {p for e in events for p in _receivers(e.details)}
            names = self.names(people, locale)
            stages = {s["id"]: localized(s["label"], locale) for s in spec.stages}
            order = {stage_id: index for index, stage_id in enumerate(stages)}
            reached: set[str] = set()
            last = -1  # the order of the stage reached last: going back to one reached before is a reopening
            for event in events:
                if event.kind not in TIMELINE_EVENTS:
                    continue
                node = spec.nodes.get(event.node) if event.node else None
                stage = str(event.details.get("stage") or "")
                kind = event.kind
                if kind == "stage":
                    kind = "reopened" if stage in reached and order.get(stage, 0) <= last else "stage"
                    reached.add(stage)
                    last = order.get(stage, last)
                entries.append(
                    {
                        "kind": kind,
                        "label": translate(f"page.record.event.{kind}", locale),
                        "step": stages.get(stage, stage)
                        if stage
                        else localized(node.name, locale, node.id)
                        if node
                        else "",
                        "at": event.at.isoformat(),
                        "by": names.get(event.actor, "") if event.actor not in ("", "public") else "",
                        "to": "、".join(names[p] for p in _receivers(event.details) if p in names),
                    }
                )
        return entries

    def open_tasks(
        self, principal: Principal, app_id: str, form_id: str, record_id: int, locale: str
    ) -> list[dict[str, Any]]:
        """The viewer's open tasks on this record (held by them or open to them), for links to the task page."""
        found = []
        for instance_id in self.flows.instances_of(app_id, form_id, record_id):
            try:
                instance = self.flows.instance(principal, instance_id)
            except UNREADABLE:
                continue
            for task in instance["tasks"]:
                if task["status"] != "open":
                    continue
                try:
                    detail = self.flows.task(principal, task["id"])
                except UNREADABLE:
                    continue  # not this viewer's task
                if detail["assignee"] in (None, principal.id):
                    found.append(
                        {"id": task["id"], "name": localized(task["name"], locale), "actions": detail["actions"]}
                    )
        return found


def _receivers(details: Mapping[str, Any]) -> list[str]:
    """The people a flow event gave work to: its assignee, or the people among its candidates (an escalation's)."""
    found = [str(details["assignee"])] if details.get("assignee") else []
    for candidate in details.get("to") or ():
        if isinstance(candidate, list | tuple) and len(candidate) == 2 and candidate[0] == "user":
            found.append(str(candidate[1]))
    return found


def _comment_view(comment: RecordComment) -> dict[str, Any]:
    return {"id": comment.id, "by": comment.author_name, "body": comment.body, "at": comment.at.isoformat()}
