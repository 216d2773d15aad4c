"""An app's menu (packages layer): the package's ``navigation``, or one generated from its permissions.

Each entry opens one target: a list view, a form's records, a form's entry page, a task inbox, a
form's knowledge base or a dashboard. What a target needs (which action on which forms) is said
here once, so the package check ("this role cannot open it") and the page ("this person cannot
open it, so it is not shown") ask the same question; the page answers it with the permission
service the API uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import Problem
from engine.forms.spec import localized
from engine.i18n import LOCALES, texts, translate
from engine.packages.messages import problem
from engine.registry import suggest

TARGETS = ("view", "list", "new", "tasks", "knowledge_base", "dashboard")
TASK_BOXES = ("mine", "group", "overdue")
#: the action each target needs on its form(s); tasks need none (anyone signed in has an inbox)
NEEDS = {"view": "read", "list": "read", "new": "create", "knowledge_base": "read", "dashboard": "export"}


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    label: Any  # a package text: a string or one per locale
    kind: str  # one of TARGETS
    target: str
    roles: frozenset[str] | None = None  # None: every role (the target's permissions still decide)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    label: Any
    items: tuple[Entry, ...]
    roles: frozenset[str] | None = None


def target_of(entry: Mapping[str, Any]) -> list[str]:
    """The target keys an entry names (a valid entry names exactly one)."""
    return [key for key in TARGETS if key in entry]


def menu(document: Mapping[str, Any]) -> list[Entry | Group]:
    """The package's menu: its ``navigation`` when it has one, else the generated one."""
    if "navigation" in document:
        return declared_menu(document["navigation"])
    return generated_menu(document)


def declared_menu(navigation: Sequence[Mapping[str, Any]]) -> list[Entry | Group]:
    found: list[Entry | Group] = []
    for entry in navigation:
        roles = frozenset(entry["roles"]) if "roles" in entry else None
        if "items" in entry:
            items = tuple(_entry(item) for item in entry["items"])
            found.append(Group(entry["id"], entry.get("group"), items, roles))
        else:
            found.append(_entry(entry))
    return found


def _entry(entry: Mapping[str, Any]) -> Entry:
    kind = target_of(entry)[0]
    roles = frozenset(entry["roles"]) if "roles" in entry else None
    return Entry(entry["id"], entry.get("label"), kind, entry[kind], roles)


def generated_menu(document: Mapping[str, Any]) -> list[Entry | Group]:
    """A menu from what the package declares: task inboxes when it has flows, each form's records and
    entry page, its knowledge bases and dashboards. Whoever may not open an entry never sees it."""
    forms = document.get("forms", [])
    found: list[Entry | Group] = []
    if document.get("flows"):
        boxes = tuple(Entry(f"tasks_{box}", texts(f"nav.tasks.{box}"), "tasks", box) for box in TASK_BOXES)
        found.append(Group("tasks", texts("nav.group.tasks"), boxes))
    sections = (
        ("lists", "list", forms, lambda f: f["name"]),
        ("new", "new", forms, lambda f: _prefixed("nav.new", f["name"])),
        ("knowledge_base", "knowledge_base", [f for f in forms if "knowledge_base" in f], lambda f: f["name"]),
        ("dashboards", "dashboard", document.get("dashboards", []), lambda d: d["name"]),
    )
    for group_id, kind, items, label in sections:
        entries = tuple(Entry(f"{kind}_{item['id']}", label(item), kind, item["id"]) for item in items)
        if entries:
            found.append(Group(group_id, texts(f"nav.group.{group_id}"), entries))
    return found


def _prefixed(code: str, name: Any) -> dict[str, str]:
    """``新建<name>`` / ``New: <name>``: the catalog's words around the package's name, in each language."""
    return {locale: translate(code, locale, name=localized(name, locale)) for locale in LOCALES}


def forms_of(document: Mapping[str, Any], kind: str, target: str) -> list[str]:
    """The forms a target needs ``NEEDS[kind]`` on (none for tasks; a dashboard: every form its reports read)."""
    if kind in ("list", "new", "knowledge_base"):
        return [target]
    if kind == "view":
        view = next((v for v in document.get("views", []) if v.get("id") == target), None)
        return [view["form"]] if view and isinstance(view.get("form"), str) else []
    if kind == "dashboard":
        return dashboard_forms(document, target)
    return []


def dashboard_forms(document: Mapping[str, Any], dashboard_id: str) -> list[str]:
    board = next((d for d in document.get("dashboards", []) if d.get("id") == dashboard_id), None)
    if board is None:
        return []
    reports = {r["id"]: r for r in document.get("reports", [])}
    flows = {f["id"]: f.get("form") for f in document.get("flows", [])}
    found: list[str] = []
    for widget in board.get("widgets", []):
        source = reports.get(widget.get("report"), {}).get("source", {})
        form = source.get("form") or flows.get(source.get("flow"))
        if isinstance(form, str) and form not in found:
            found.append(form)
    return found


def view_roles(document: Mapping[str, Any], view_id: str) -> frozenset[str] | None:
    """The roles a list view is for (None: every role that may read its form)."""
    view = next((v for v in document.get("views", []) if v.get("id") == view_id), None)
    return frozenset(view["roles"]) if view and isinstance(view.get("roles"), list) else None


# -- the package check ------------------------------------------------------------------------------
def navigation_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every problem of a structurally valid package's ``navigation``, each with its JSON pointer."""
    navigation = document.get("navigation")
    if not isinstance(navigation, list):
        return []
    return _Checker(document).run(navigation)


class _Checker:
    def __init__(self, document: Mapping[str, Any]):
        self.doc = document
        self.roles = [r["id"] for r in document.get("roles", [])]
        self.forms = {f["id"]: f for f in document.get("forms", [])}
        self.views = [v.get("id") for v in document.get("views", []) if isinstance(v, Mapping)]
        self.dashboards = [d["id"] for d in document.get("dashboards", [])]
        self.grants: dict[tuple[str, str], set[str]] = {}
        for grant in document.get("permissions", []):
            self.grants.setdefault((grant["role"], grant["form"]), set()).update(grant["actions"])
        self.problems: list[Problem] = []
        self.seen: dict[str, str] = {}

    def run(self, navigation: Sequence[Mapping[str, Any]]) -> list[Problem]:
        for i, entry in enumerate(navigation):
            here = f"/navigation/{i}"
            self._id(here, entry["id"])
            roles = self._roles(here, entry.get("roles"))
            if "items" in entry:
                self._group(here, entry, roles)
            else:
                self._item(here, entry, roles)
        return self.problems

    def _group(self, here: str, entry: Mapping[str, Any], roles: list[str]) -> None:
        if "group" not in entry:
            self.problems.append(problem(f"{here}/items", "nav.group_without_label"))
        extra = [key for key in (*TARGETS, "label") if key in entry]
        if extra:
            self.problems.append(problem(f"{here}/{extra[0]}", "nav.group_with_target", key=extra[0]))
        for k, item in enumerate(entry["items"]):
            self._id(f"{here}/items/{k}", item["id"])
            own = self._roles(f"{here}/items/{k}", item.get("roles"))
            self._item(f"{here}/items/{k}", item, own or roles)

    def _item(self, here: str, entry: Mapping[str, Any], roles: list[str]) -> None:
        if "group" in entry:
            self.problems.append(problem(f"{here}/group", "nav.group_without_items"))
            return
        if "label" not in entry:
            self.problems.append(problem(here, "nav.no_label"))
        keys = target_of(entry)
        if len(keys) != 1:
            code = "nav.no_target" if not keys else "nav.many_targets"
            self.problems.append(problem(here, code, targets=", ".join(TARGETS)))
            return
        kind = keys[0]
        target = entry[kind]
        if not self._known(f"{here}/{kind}", kind, target):
            return
        for k, role in enumerate(roles):
            if role in self.roles and not self._may_open(role, kind, target):
                self.problems.append(
                    problem(f"{here}/roles/{k}", "nav.role_cannot_open", role=role, kind=kind, target=target)
                )

    def _known(self, pointer: str, kind: str, target: str) -> bool:
        if kind == "tasks":
            if not self.doc.get("flows"):
                self.problems.append(problem(pointer, "nav.no_flows"))
                return False
            return True
        names = {"view": self.views, "dashboard": self.dashboards}.get(kind, list(self.forms))
        if target not in names:
            what = {"view": "view", "dashboard": "dashboard"}.get(kind, "form")
            self.problems.append(problem(pointer, "ref.unknown", kind=what, id=target, hint=suggest(target, names)))
            return False
        if kind == "knowledge_base" and "knowledge_base" not in self.forms[target]:
            self.problems.append(problem(pointer, "nav.not_knowledge_base", form=target))
            return False
        return True

    def _may_open(self, role: str, kind: str, target: str) -> bool:
        if kind == "tasks":
            return True
        if kind == "view":
            allowed = view_roles(self.doc, target)
            if allowed is not None and role not in allowed:
                return False
        needed = NEEDS[kind]
        forms = forms_of(self.doc, kind, target)
        return bool(forms) and all(needed in self.grants.get((role, form), ()) for form in forms)

    def _roles(self, here: str, roles: Sequence[str] | None) -> list[str]:
        for k, role in enumerate(roles or ()):
            if role not in self.roles:
                hint = suggest(role, self.roles)
                self.problems.append(problem(f"{here}/roles/{k}", "ref.unknown", kind="role", id=role, hint=hint))
        return list(roles or ())

    def _id(self, here: str, ident: str) -> None:
        if ident in self.seen:
            first = self.seen[ident]
            self.problems.append(problem(f"{here}/id", "ref.duplicate_id", kind="menu_entry", id=ident, first=first))
        else:
            self.seen[ident] = here
