"""Publishing a builder's draft, and an app's history (services layer).

Publishing runs what an import runs — full validation, then the additive evolution of the form
tables, checked against every earlier version's columns — and makes the next immutable version
(origin ``builder``). A draft equal to the current version (same fingerprint) publishes nothing
and says "unchanged". The preview is the same work without the commit: the readable changes, the
planned schema changes, the problems, and the flows whose running instances stay on their
version. A rollback publishes an earlier version's document again as a new version.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar

from engine.builder.changes import changes
from engine.builder.merge import merge
from engine.connectors.environment import EnvPolicy
from engine.errors import ConflictError, NotFoundError, Problem
from engine.forms.spec import localized
from engine.i18n import translate
from engine.packages import check_package, dumps, fingerprint, package_problems, upgrade_package
from engine.packages.dispatch_checks import dispatch_warnings
from engine.packages.messages import problem, refusal
from engine.packages.validation import PackageInvalidError
from engine.principal import Principal
from engine.services.app_results import ImportResult
from engine.services.builder import BuilderService, actor_of, person_named, said_problems, stale
from engine.services.builder_access import require_builder
from engine.storage.builder_drafts import StoredDraft, running_instances
from engine.storage.form_tables import TableStep

P = ParamSpec("P")
T = TypeVar("T")


def _naming_who_saved(
    method: Callable[Concatenate[BuilderPublishing, P], T],
) -> Callable[Concatenate[BuilderPublishing, P], T]:
    """A stale revision refused by ``method`` names who saved since by the person's name.

    The clash is found inside a storage transaction; the name is looked up here, once that
    transaction is over (see engine/services/builder.py)."""

    def naming(self: BuilderPublishing, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except ConflictError as clash:
            self.builder.named(clash)
            raise

    functools.update_wrapper(naming, method)
    return naming


class BuilderPublishing:
    def __init__(self, builder: BuilderService):
        self.builder = builder
        self.apps = builder.apps
        self.repository = builder.repository
        self.drafts = builder.drafts

    @_naming_who_saved
    def preview(self, principal: Principal, app_id: str, revision: int, locale: str) -> dict[str, Any]:
        """What publishing the draft at ``revision`` would do, changing nothing."""
        require_builder(principal, app_id)
        with self.repository.transaction() as session:
            draft = self._draft(session, app_id, revision, locale)
            raw, conflicts, _ = self._onto_current(session, draft, locale)
            problems = conflicts or package_problems(raw, self.apps.env_policy)
            document = upgrade_package(raw)[0] if not problems else raw
            app = self.repository.app(session, app_id)
            current = self.apps.stored(session, app_id, app.current_version) if app else None
            previous = json.loads(current.document) if current else {}
            tables: list[TableStep] = []
            if not problems:
                tables, more = self.repository.plan_publish(session, app_id, previous, document)
                problems = [*problems, *more]
            running = running_instances(session, app_id)
        drafted = {flow.get("id"): flow for flow in document.get("flows", []) if isinstance(flow, Mapping)}
        return {
            "unchanged": current is not None and fingerprint(document) == current.fingerprint,
            "changes": [c.as_dict() for c in changes(previous, document, locale)],
            "tables": [_said_step(step, locale) for step in tables],
            "flows": [
                {
                    "flow": flow["id"],
                    "name": localized(flow.get("name"), locale, flow["id"]),
                    "running_instances": running[flow["id"]],
                    "stays_on_version": True,
                    "changed": flow != drafted.get(flow["id"]),  # the builder may try moving them (a dry run)
                }
                for flow in previous.get("flows", [])
                if running.get(flow.get("id"), 0)
            ],
            "problems": said_problems(problems, locale, document),
            # what publishing takes but may not work as meant (a dispatch table with a gap, say), said once more
            "warnings": said_problems(dispatch_warnings(document) if not problems else [], locale, document),
        }

    @_naming_who_saved
    def publish(self, principal: Principal, app_id: str, revision: int, locale: str) -> ImportResult:
        """The draft at ``revision`` becomes the next version; refused with problems when it is not valid."""
        require_builder(principal, app_id)
        actor = actor_of(principal)
        with self.repository.transaction() as session:
            draft = self._draft(session, app_id, revision, locale)
            raw, conflicts, seen = self._onto_current(session, draft, locale)
        if conflicts:
            code = "package.invalid_one" if len(conflicts) == 1 else "package.invalid_many"
            raise refusal(PackageInvalidError, code, conflicts, count=len(conflicts))
        document = publishable(raw, app_id, self.apps.env_policy)

        def work(session: Any) -> ImportResult:
            self._draft(session, app_id, revision, locale)  # still the revision the builder looked at
            app = self.repository.app(session, app_id, lock=True)
            if (app.current_version if app else None) != seen:
                raise ConflictError.says("builder.write_race", app=app_id)  # published by someone meanwhile
            result = self.apps.install(session, document, [], actor, "builder")
            if seen is not None and seen != draft.based_on_version:  # the draft now holds what was merged in
                self.drafts.save(session, app_id, dumps(document), revision, actor)
            self.drafts.rebase(session, app_id, result.version)
            self.repository.add_audit(
                session, actor, "builder.publish", app_id, {**result.as_dict(), "revision": revision}
            )
            return result

        return self.apps.run(app_id, work)

    def rollback(self, principal: Principal, app_id: str, version: int) -> ImportResult:
        """Publish an earlier version's document again, as the next version (origin ``rollback``)."""
        require_builder(principal, app_id)
        actor = actor_of(principal)
        with self.repository.transaction() as session:
            self.apps.app(session, app_id)
            document = json.loads(self.apps.stored(session, app_id, version).document)
        check_package(document, self.apps.env_policy)

        def work(session: Any) -> ImportResult:
            result = self.apps.install(session, document, [], actor, "rollback")
            self.repository.add_audit(session, actor, "builder.rollback", app_id, {**result.as_dict(), "from": version})
            return result

        return self.apps.run(app_id, work)

    def versions(self, principal: Principal, app_id: str) -> list[dict[str, Any]]:
        require_builder(principal, app_id)
        with self.repository.transaction() as session:
            app = self.apps.app(session, app_id)
            found = self.repository.versions(session, app_id)
        names = {who: person_named(self.builder.directory, who) for who in {v.created_by for v in found}}
        return [
            {**v.as_dict(), "created_by": names[v.created_by], "current": v.number == app.current_version}
            for v in found
        ]

    def diff(self, principal: Principal, app_id: str, older: int, newer: int | None, locale: str) -> dict[str, Any]:
        """The readable changes from version ``older`` to version ``newer`` (None: to the draft)."""
        require_builder(principal, app_id)
        with self.repository.transaction() as session:
            self.apps.app(session, app_id)
            before = json.loads(self.apps.stored(session, app_id, older).document)
            if newer is None:
                draft = self.drafts.get(session, app_id)
                after = json.loads(draft.document) if draft else before
            else:
                after = json.loads(self.apps.stored(session, app_id, newer).document)
        return {"changes": [c.as_dict() for c in changes(before, after, locale)]}

    def export_text(self, principal: Principal, app_id: str, version: int | None) -> str:
        """A version's package (the current one by default; the draft of an app never published)."""
        require_builder(principal, app_id)
        actor = actor_of(principal)
        with self.repository.transaction() as session:
            app = self.repository.app(session, app_id)
            if app is None and version is None and (draft := self.drafts.get(session, app_id)) is not None:
                text = draft.document
            else:
                app = self.apps.app(session, app_id)
                text = self.apps.stored(session, app_id, version or app.current_version).document
            self.repository.add_audit(session, actor, "builder.export", app_id, {"version": version})
        return text

    def _onto_current(
        self, session: Any, draft: StoredDraft, locale: str
    ) -> tuple[Mapping[str, Any], list[Problem], int | None]:
        """The draft as it would be published, the conflicts refusing it, and the current version seen.

        A draft opened on an older version than the current one (another builder published, a
        rollback, a merged bundled upgrade) is merged onto the current version three-way (base:
        the version it was opened on), so publishing it never undoes what was published since;
        a value changed on both sides refuses the publish, pointing into the draft."""
        raw = json.loads(draft.document)
        app = self.repository.app(session, draft.app_id)
        if app is None:
            return raw, [], None
        if draft.based_on_version is None or draft.based_on_version == app.current_version:
            return raw, [], app.current_version
        base = json.loads(self.apps.stored(session, draft.app_id, draft.based_on_version).document)
        current = json.loads(self.apps.stored(session, draft.app_id, app.current_version).document)
        merged = merge(base, raw, current, locale)
        conflicts = [
            problem(c.path, "builder.publish_conflict", label=c.label, version=app.current_version)
            for c in merged.conflicts
        ]
        return merged.document, conflicts, app.current_version

    def _draft(self, session: Any, app_id: str, revision: int, locale: str) -> StoredDraft:
        draft = self.drafts.get(session, app_id)
        if draft is None:
            error = NotFoundError.says("builder.no_draft", app=app_id)
            error.details = {"app_id": app_id}
            raise error
        if draft.revision != revision:
            raise stale(draft, None, locale)
        return draft


def publishable(raw: Mapping[str, Any], app_id: str, env_policy: EnvPolicy) -> Mapping[str, Any]:
    """The draft in the current format, refused (422, every problem with its pointer) unless publish would take it."""
    problems = package_problems(raw, env_policy)
    if raw.get("id") != app_id:
        problems = [problem("/id", "builder.id_changed", app=app_id), *problems]
    if problems:
        code = "package.invalid_one" if len(problems) == 1 else "package.invalid_many"
        raise refusal(PackageInvalidError, code, problems, count=len(problems))
    return upgrade_package(raw)[0]


def _said_step(step: TableStep, locale: str) -> dict[str, str]:
    return {
        "action": step.action,
        "table": step.table,
        "name": step.name,
        "detail": translate(f"builder.table.{step.action}", locale, table=step.table, name=step.name),
    }
