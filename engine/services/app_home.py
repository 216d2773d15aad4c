"""What a person can do in an app (services layer): their menu, task counts, lists, entry forms,
knowledge bases, dashboards and latest notifications: the app home and the site home read this.

Every entry shown is asked of the permission service the records API uses (``RecordService.authorize``),
never only of the roles the package wrote on the entry: a menu entry for a role the permissions
later stopped letting in simply disappears.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.packages.navigation import NEEDS, Entry, Group, forms_of, menu, view_roles
from engine.principal import SYSTEM, Principal
from engine.services.flows import FlowService
from engine.services.notifications import NotificationService
from engine.services.records import RecordService
from engine.storage.catalog import CompiledApp
from engine.storage.database import Database
from engine.storage.tables import utcnow
from engine.storage.task_counts import TaskCounts, task_counts

REFUSED = (NotAuthenticatedError, NotFoundError, PermissionDeniedError)
NOTIFICATIONS_SHOWN = 5
ADMIN_ROLE = "admin"
APP_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")  # the package schema's id
NOTIFICATIONS_READ = 50  # the newest this many across apps are read to find an app's five


@dataclass(frozen=True, slots=True)
class Offers:
    """The forms of an app by what this person may do with them, in the package's order."""

    lists: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)
    knowledge_bases: list[str] = field(default_factory=list)
    dashboards: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.lists or self.new or self.knowledge_bases or self.dashboards)


class AppHomeService:
    def __init__(
        self,
        database: Database,
        records: RecordService,
        flows: FlowService,
        notifications: NotificationService,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.database = database
        self.records = records
        self.flows = flows
        self.notifications = notifications
        self.clock = clock

    def app(self, app_id: str) -> CompiledApp:
        """The installed app; an id no app can have (``%00``, 300 letters) is simply not found."""
        if not APP_ID.fullmatch(app_id):
            raise NotFoundError.says("record.no_app", app=app_id[:64])
        return self.records.compiled_app(app_id)

    # -- counts ------------------------------------------------------------------------------------
    def task_counts(self, principal: Principal) -> Mapping[str, TaskCounts]:
        """Open task counts by app (mine, my groups' unclaimed, overdue)."""
        with self.database.transaction() as session:
            return task_counts(session, principal, self.clock())

    # -- what may be opened ------------------------------------------------------------------------
    def may_open(self, principal: Principal, app: CompiledApp, kind: str, target: str, *, dashboards: bool) -> bool:
        """Whether this person may open a menu target (``dashboards``: whether dashboard pages exist at all)."""
        document = app.document
        if kind == "tasks":
            return bool(document.get("flows")) and self.is_staff(principal, app)
        if kind == "dashboard" and not dashboards:
            return False  # no page to open yet: no link that leads to a 404
        if kind == "knowledge_base" and "knowledge_base" not in _form(document, target):
            return False
        if kind == "view":
            roles = view_roles(document, target)
            if roles is not None and not principal.is_admin and not roles & app.permissions.roles_of(principal):
                return False
        forms = forms_of(document, kind, target)
        return bool(forms) and all(self._allows(principal, app, NEEDS[kind], form) for form in forms)

    def _allows(self, principal: Principal, app: CompiledApp, action: str, form_id: str) -> bool:
        if form_id not in app.forms:
            return False
        try:
            self.records.authorize(principal, action, app, app.form(form_id))
        except REFUSED:
            return False
        return True

    @staticmethod
    def is_staff(principal: Principal, app: CompiledApp) -> bool:
        """Holds a role that is not public: the public and owners work through links, not an inbox."""
        if principal.anonymous:
            return False
        return principal.is_admin or bool(principal.roles_in(app.app_id) - app.permissions.public_roles)

    def menu(self, principal: Principal, app_id: str, *, dashboards: bool) -> list[dict[str, Any]]:
        """The app's menu as this person sees it: entries they may open, groups with at least one."""
        app = self.records.compiled_app(app_id)
        # an administrator sees the entries written for the role "admin" (and those for everyone)
        roles = app.permissions.roles_of(principal) | ({ADMIN_ROLE} if principal.is_admin else set())

        def shown(entry: Entry | Group) -> bool:
            return entry.roles is None or bool(entry.roles & roles)

        def item(entry: Entry) -> dict[str, Any] | None:
            if not shown(entry) or not self.may_open(principal, app, entry.kind, entry.target, dashboards=dashboards):
                return None
            return {"id": entry.id, "label": entry.label, "kind": entry.kind, "target": entry.target}

        found: list[dict[str, Any]] = []
        for entry in menu(app.document):
            if isinstance(entry, Group):
                items = [i for i in (item(e) for e in entry.items) if i] if shown(entry) else []
                if items:
                    found.append({"id": entry.id, "label": entry.label, "items": items})
            elif (one := item(entry)) is not None:
                found.append(one)
        return found

    def offers(self, principal: Principal, app_id: str, *, dashboards: bool) -> Offers:
        app = self.records.compiled_app(app_id)
        offers = Offers()
        for form_id in app.forms:
            for action, into in (("read", offers.lists), ("create", offers.new), ("export", offers.exports)):
                if self._allows(principal, app, action, form_id):
                    into.append(form_id)
            if form_id in offers.lists and "knowledge_base" in _form(app.document, form_id):
                offers.knowledge_bases.append(form_id)
        for board in app.document.get("dashboards", []):
            if self.may_open(principal, app, "dashboard", board["id"], dashboards=dashboards):
                offers.dashboards.append(board["id"])
        return offers

    def apps_of(self, principal: Principal, app_ids: Iterable[str]) -> list[str]:
        """The apps among ``app_ids`` this person can do something in (a form to open, or tasks there)."""
        counts = self.task_counts(principal)
        found = []
        for app_id in app_ids:
            if app_id in counts or self.offers(principal, app_id, dashboards=False).anything:
                found.append(app_id)
        return found

    # -- notifications -----------------------------------------------------------------------------
    def latest_notifications(self, principal: Principal, app_id: str) -> list[dict[str, Any]]:
        """The person's newest notifications from this app, each with what it may link to: the task
        (when this person may open it) or the record (when they may read it), else nothing."""
        found = self.notifications.list(principal.id, limit=NOTIFICATIONS_READ)["items"]
        shown = [n for n in found if n["app_id"] == app_id][:NOTIFICATIONS_SHOWN]
        return [{**n, **self._link(principal, n)} for n in shown]

    def _link(self, principal: Principal, note: Mapping[str, Any]) -> dict[str, Any]:
        if note.get("task_id"):
            try:
                task = self.flows.task(principal, note["task_id"])
            except REFUSED:
                pass
            else:
                return {"link": "task", "task_id": task["id"]}
        record_id, instance_id = note.get("record_id"), note.get("instance_id")
        if record_id is None or not instance_id:
            return {"link": None}
        try:
            form_id = self.flows.instance(SYSTEM, instance_id)["form_id"]
            self.records.get(principal, note["app_id"], form_id, int(record_id))
        except REFUSED:
            return {"link": None}
        return {"link": "record", "form_id": form_id, "record_id": int(record_id)}


def _form(document: Mapping[str, Any], form_id: str) -> Mapping[str, Any]:
    return next((f for f in document.get("forms", []) if f.get("id") == form_id), {})
