"""What the designer asks while a builder edits a draft (services layer): is this expression right
and what may follow it, what does this form look like, and what would a role see of a real record.

The draft (``document``) comes with the request and is never saved here; without one the app's
current version is used. Every answer comes from the engine's own code: the package validator's
expression checks, the form UI description the form pages draw, and the permission code the
records service enforces, applied to a principal that holds only the role asked about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from engine.connectors.environment import DEFAULT_POLICY, EnvPolicy
from engine.errors import DefinitionError, NotFoundError, PermissionDeniedError
from engine.forms.permissions import AppPermissions, FormAccess
from engine.forms.row_rule_checks import PathError
from engine.forms.spec import FieldSpec, FormSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.forms.ui import form_ui
from engine.forms.validation import FormValidator
from engine.i18n import translate
from engine.packages.format_upgrade import upgrade_package
from engine.packages.messages import refusal
from engine.packages.structure import structure_problems
from engine.packages.validation import PackageInvalidError, check_package
from engine.principal import Principal
from engine.services.builder import person_named
from engine.services.builder_access import require_builder
from engine.services.builder_expressions import expression_report, find_form
from engine.services.directory import DirectoryService
from engine.services.records import RecordService
from engine.services.row_rule_words import rows_in_words, rows_text
from engine.storage.catalog import CompiledApp, judged_by

DEVICES = ("phone", "desktop")
VIEW_ACTIONS = ("read", "create", "update", "delete")


class BuilderChecks:
    def __init__(
        self, records: RecordService, env_policy: EnvPolicy = DEFAULT_POLICY, directory: DirectoryService | None = None
    ):
        self.records = records
        self.env_policy = env_policy
        self.directory = directory

    # -- the document a question is about ------------------------------------------------------
    def _published(self, app_id: str) -> CompiledApp | None:
        try:
            return self.records.compiled_app(app_id)
        except NotFoundError:
            return None

    def _document(self, app_id: str, document: Mapping[str, Any] | None) -> Mapping[str, Any]:
        """The draft sent, in the current format; else the current version's document."""
        if document is not None:
            return upgrade_package(document)[0]
        return self.records.compiled_app(app_id).document  # 404 when the app has no version

    def _valid(self, app_id: str, document: Mapping[str, Any] | None) -> Mapping[str, Any]:
        """The draft, refused with every problem and its pointer (422) unless publish would take it."""
        found = self._document(app_id, document)
        if document is not None:
            check_package(found, self.env_policy)
        return found

    # -- check-expression ----------------------------------------------------------------------
    def check_expression(
        self, principal: Principal, app_id: str, body: Mapping[str, Any], locale: str
    ) -> dict[str, Any]:
        """Problems located in the text (``start``/``end``) and the completions at ``cursor`` (default: the end)."""
        require_builder(principal, app_id)
        document = self._document(app_id, body.get("document"))
        unreadable = [p for p in structure_problems(document) if (p.pointer + "/").startswith("/forms/")]
        if unreadable:  # the forms must be readable to check names against them; the rest may be unfinished
            raise refusal(PackageInvalidError, "builder_checks.forms_unreadable", unreadable)
        return expression_report(
            document,
            body["form"],
            body["kind"],
            body["expression"],
            locale,
            pointer=body.get("pointer", ""),
            cursor=body.get("cursor"),
            table=body.get("table"),
        )

    # -- preview-form --------------------------------------------------------------------------
    def preview_form(self, principal: Principal, app_id: str, body: Mapping[str, Any], locale: str) -> dict[str, Any]:
        """The UI description the form pages draw (``engine.forms.ui.form_ui``), of the draft's form:
        phone as the public link steps through it, desktop as the staff entry form lays it out."""
        require_builder(principal, app_id)
        document = self._valid(app_id, body.get("document"))
        spec = FormSpec.from_definition(app_id, find_form(document, body["form"]))
        return form_ui(spec, locale, staff=body.get("device") == "desktop")

    def preview_values(
        self, principal: Principal, app_id: str, form_id: str, document: Mapping[str, Any], values: Any
    ) -> dict[str, Any]:
        """What the draft's form shows, requires and computes for the values typed into its preview: the
        answer the published form's preview gives, from the draft's rules (a visible-when or formula
        being written reacts at once). Relations read the published records, as the draft will."""
        require_builder(principal, app_id)
        checked = self._valid(app_id, document)
        validator = FormValidator(FormSpec.from_definition(app_id, find_form(checked, form_id)))
        published = self._published(app_id)
        if published is None or form_id not in published.forms:
            return validator.preview(values)
        with self.records.rows.transaction() as session:
            return validator.preview(values, related=self.records.related(session, published, principal))

    # -- view-as -------------------------------------------------------------------------------
    def view_as(self, principal: Principal, app_id: str, body: Mapping[str, Any], locale: str) -> dict[str, Any]:
        """What ``role`` may do on ``form`` and, with ``record_id``, what it would get of that record."""
        require_builder(principal, app_id)
        drafted = body.get("document") is not None
        document = self._valid(app_id, body.get("document"))
        role, form_id = body["role"], body["form"]
        form = find_form(document, form_id)
        declared = next((r for r in document.get("roles", []) if r["id"] == role), None)
        if declared is None:
            raise NotFoundError.says("builder_checks.no_role", role=role)
        who = self.acting_as(app_id, role, body, locale)
        published = self._published(app_id)
        app = self.judging(published, document) if drafted and published is not None else published
        permissions = app.permissions if app is not None else _permissions(app_id, document)
        access = permissions.effective(who, app_id, form_id)
        rule = access.rows_for("read")
        answer: dict[str, Any] = {
            "role": role,
            "form": form_id,
            "rows": rows_in_words(rule, document, form_id, locale),
            "rows_text": rows_text(rule, document, form_id, locale),
            "record": None,
        }
        record_id = body.get("record_id")
        stored = None if record_id is None else self._stored(app, form_id, record_id)
        answer["can"] = {a: access.allows(a, None if a == "create" else stored) for a in VIEW_ACTIONS}
        fields = [FieldSpec.from_definition(f) for f in form["fields"]]
        answer["fields"] = {f.id: _mode(access, f.id, stored) for f in fields}
        answer["labels"] = {f.id: localized(f.label, locale, f.id) for f in fields}
        if app is not None and record_id is not None:
            named = localized(declared.get("name"), locale, role)
            answer.update(self._seen(who, app, form_id, record_id, named, locale))
            answer["names"] = self._people_in(answer.get("record"), fields)
        return answer

    def _people_in(self, record: Mapping[str, Any] | None, fields: list[FieldSpec]) -> dict[str, str]:
        """The names of the people the record's person fields hold, so the builder reads names, not ids."""
        data = (record or {}).get("data") or {}
        held = [data.get(f.id) for f in fields if FIELD_TYPES.get(f.type).people_limit(f) is not None]
        ids = {v for value in held for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)}
        if self.directory is None:
            return {}
        return {i: person_named(self.directory, i) for i in ids}

    def people(self, principal: Principal, app_id: str, role: str) -> list[dict[str, str]]:
        """Who holds ``role`` in the app: a builder views a record as one of them (their ``user.*``)."""
        require_builder(principal, app_id)
        return self.directory.people_with_role(app_id, role) if self.directory else []

    def find_people(self, principal: Principal, app_id: str, query: str, logins: list[str]) -> list[dict[str, str]]:
        """People a builder names in a flow (a task's or a notice's "people"): at most 20 whose name or
        login holds ``query``, or the ``logins`` already chosen; their login (what the flow stores) and name."""
        require_builder(principal, app_id)
        if self.directory is None:
            return []
        if logins:
            return self.directory.people_by_login(logins[:50])
        found = self.directory.list_users(query[:100], limit=20)["items"]
        return [{"login": p["login"], "name": p.get("name") or p["login"]} for p in found if p.get("active", True)]

    def groups(self, principal: Principal, app_id: str) -> list[dict[str, Any]]:
        """The directory's groups a flow may send tasks to, as the organisation chart orders them: their
        names (what the flow stores), depth and how many people each has."""
        require_builder(principal, app_id)
        if self.directory is None:
            return []
        groups = self.directory.list_groups()
        return [{"name": g["name"], "depth": g["depth"], "members": len(g["members"])} for g in groups]

    def acting_as(self, app_id: str, role: str, body: Mapping[str, Any], locale: str) -> Principal:
        """Someone holding only ``role``: the person ``user_id`` (their ``user.*`` for row rules), or
        nobody in particular."""
        acting = self._acting(app_id, role, body)
        return Principal(
            id=acting.get("id") or f"view-as:{role}",
            name=acting.get("name") or role,
            app_roles={app_id: frozenset({role})},
            groups=frozenset(acting.get("groups", ())),
            communities=frozenset(acting.get("communities", ())),
            locale=locale,
            ui_locale=locale,
        )

    def _acting(self, app_id: str, role: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        """``user`` as sent, or the real person ``user_id`` who holds ``role``: their id, name, groups, communities."""
        user_id = body.get("user_id")
        if not user_id or self.directory is None:
            return body.get("user") or {}
        try:
            person = self.directory.principal_for(user_id)  # one read: who they are and the roles they hold
        except NotFoundError:
            person = None
        if person is None or role not in person.roles_in(app_id):
            raise NotFoundError.says("builder_checks.no_holder", role=role)
        return {"id": person.id, "name": person.name, "groups": person.groups, "communities": person.communities}

    def judging(self, published: CompiledApp, document: Mapping[str, Any]) -> CompiledApp:
        try:
            return judged_by(published, document)
        except PathError as exc:
            raise DefinitionError.says("builder_checks.path_unknown", path=str(exc)) from None

    def _stored(self, app: CompiledApp | None, form_id: str, record_id: int) -> dict[str, Any]:
        """The record as row rules read it (stored values and the paths they follow), whoever may see it."""
        if app is None or form_id not in app.forms:
            raise NotFoundError.says("builder_checks.no_record", id=record_id, form=form_id)
        rows = self.records.rows
        form = app.form(form_id)
        with rows.transaction() as session:
            try:
                row = rows.row(session, form, record_id, deleted=False)
            except NotFoundError:
                raise NotFoundError.says("builder_checks.no_record", id=record_id, form=form_id) from None
            return rows.rule_records(session, form, [row])[0]

    def _seen(
        self, who: Principal, app: CompiledApp, form_id: str, record_id: int, role: str, locale: str
    ) -> dict[str, Any]:
        """The record as the records service hands it to ``who`` (hidden fields left out), or why not
        (``role``: the role's name in the reader's language)."""
        try:
            return {"record": self.records.get_in(who, app, form_id, record_id), "visible": True}
        except PermissionDeniedError:
            return {"visible": False, "reason": translate("builder_checks.cannot_read", locale, role=role)}
        except NotFoundError:
            return {"visible": False, "reason": translate("builder_checks.not_visible", locale, role=role)}


def _permissions(app_id: str, document: Mapping[str, Any]) -> AppPermissions:
    """A draft of an app never published: its own permissions (no record exists to judge)."""
    return replace(AppPermissions.from_definition(document), app_id=app_id)


def _mode(access: FormAccess, field_id: str, record: Mapping[str, Any] | None) -> str:
    """``edit`` when some grant lets the role write the field (on this record), ``read``, else ``hidden``."""
    writes = ("update",) if record is not None else ("create", "update")
    if any(access.field_mode(field_id, record, action) == "editable" for action in writes):
        return "edit"
    return "read" if access.field_mode(field_id, record, "read") != "hidden" else "hidden"
