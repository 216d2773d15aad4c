"""The builder's drafts and workspace (services layer): who builds what, drafts saved with revisions.

A builder edits a draft of an app's package document; nothing reaches users until it is published
(engine/services/builder_publish.py). A draft is made from the current version the first time it
is asked for. Every save names the revision it started from: a stale one is refused with who
saved since and what changed, so two builders never overwrite each other silently. Creating an
app makes its creator its builder. Everything is audited (``builder.*``).

Who saved is stored as an actor (``user:ID``) and shown by the person's name from the directory.
The name is looked up once the storage transaction is over: on SQLite a directory read inside a
write transaction waits on that very transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from engine.builder.changes import changes
from engine.errors import ConflictError, NotFoundError, PermissionDeniedError, Problem
from engine.forms.spec import localized
from engine.i18n import LOCALES, LOG_LOCALE, translate
from engine.packages import dumps, fingerprint, package_problems
from engine.packages.dispatch_checks import dispatch_warnings
from engine.packages.messages import localize_named, problem
from engine.packages.semantics import BUILDER_ROLE
from engine.principal import Principal
from engine.services.app_upgrades import pending_upgrade
from engine.services.apps import AppService
from engine.services.builder_access import can_build, may_create_apps, require_builder
from engine.services.directory import DirectoryService
from engine.services.refusals import field_text, invalid
from engine.storage.builder_drafts import DraftRepository, StoredDraft
from engine.storage.database import WriteClashError

T = TypeVar("T")
APP_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
FORMAT = "trellis.app/1"


def actor_of(principal: Principal) -> str:
    return f"user:{principal.id}"


def person_named(directory: DirectoryService, actor: str) -> str:
    """The display name of who ``actor`` is (``user:ID``, an id or a login); the actor itself for
    someone the directory does not know (a command line's ``cli:ops``, a person since removed).

    Call it outside any storage transaction: it reads the directory in a transaction of its own."""
    try:
        return str(directory.get_user(actor.removeprefix("user:"))["name"])
    except NotFoundError:
        return actor


def said_problems(problems: Sequence[Problem], locale: str, document: Any = None) -> list[dict[str, str]]:
    """Problems in the reader's language, each with the JSON pointer of the element it is about; the
    roles and forms of ``document`` (the draft) said by their names."""
    return [{"pointer": p.pointer, "message": localize_named(p, locale, document).message} for p in problems]


def stale(draft: StoredDraft, theirs: Mapping[str, Any] | None, locale: str) -> ConflictError:
    """Someone saved the draft since the caller read it: who, the revision now, what differs from the caller's."""
    error = ConflictError.says("builder.draft_stale", app=draft.app_id, by=draft.updated_by, revision=draft.revision)
    error.code = "draft_changed"
    found = changes(theirs or {}, json.loads(draft.document), locale) if theirs is not None else []
    error.details = {
        "app_id": draft.app_id,
        "current_revision": draft.revision,
        "changed_by": draft.updated_by,
        "changes": [c.as_dict() for c in found],
    }
    return error


def draft_view(draft: StoredDraft, problems: Sequence[Problem], locale: str, who: str) -> dict[str, Any]:
    """The draft as the designer opens it; ``who`` is the name of whoever saved it last."""
    document = json.loads(draft.document)
    return {
        "app_id": draft.app_id,
        "document": document,
        "revision": draft.revision,
        "based_on_version": draft.based_on_version,
        "updated_by": draft.updated_by,
        "who": who,
        "updated_at": draft.updated_at.isoformat(),
        "problems": said_problems(problems, locale, document),
        "warnings": said_problems(dispatch_warnings(document), locale, document),
    }


class BuilderService:
    def __init__(self, apps: AppService, directory: DirectoryService):
        self.apps = apps
        self.repository = apps.repository
        self.drafts = DraftRepository()
        self.directory = directory

    # the workspace

    def workspace(self, principal: Principal, locale: str) -> dict[str, Any]:
        """The apps ``principal`` may build, with their drafts and any bundled upgrade waiting for them."""
        require_signed_in(principal)
        items: list[dict[str, Any]] = []
        with self.repository.transaction() as session:
            drafts = {d.app_id: d for d in self.drafts.all(session)}
            apps = {a.id: a for a in self.repository.apps(session)}
            for app_id in sorted(set(apps) | set(drafts)):
                if not can_build(principal, app_id):
                    continue
                app, draft = apps.get(app_id), drafts.get(app_id)
                stored = self.repository.stored_versions(session, app_id) if app else []
                current = next((v for v in stored if app and v.number == app.current_version), None)
                document = json.loads(draft.document) if draft else json.loads(current.document if current else "{}")
                pending = pending_upgrade(stored, app.current_version, locale) if app else None
                items.append(
                    {
                        "id": app_id,
                        "name": localized(document.get("name") or (app.name if app else None), locale, app_id),
                        "current_version": app.current_version if app else None,
                        "draft": None
                        if draft is None
                        else {
                            "revision": draft.revision,
                            "updated_by": draft.updated_by,
                            "updated_at": draft.updated_at.isoformat(),
                        },
                        # a draft that differs from what users have now
                        "can_publish": draft is not None
                        and (current is None or fingerprint(document) != current.fingerprint),
                        "upgrade": None if pending is None else pending.as_dict(),
                    }
                )
        for item in items:  # named now that the transaction is over
            if item["draft"] is not None:
                item["draft"]["updated_by"] = person_named(self.directory, item["draft"]["updated_by"])
        return {"items": items, "may_create": may_create_apps(principal)}

    def create_app(self, principal: Principal, app_id: Any, name: Any, locale: str) -> dict[str, Any]:
        """A new app, as a draft of a minimal package; its creator becomes its builder."""
        require_signed_in(principal)
        if not may_create_apps(principal):
            raise PermissionDeniedError.says("builder.may_not_create")
        _check_new_app(app_id, name)
        document = {"format": FORMAT, "id": app_id, "version": "0.1.0", "name": dict(name), "roles": [], "forms": []}
        actor = actor_of(principal)

        def work(session: Any) -> StoredDraft:
            if self.repository.app(session, app_id) is not None or self.drafts.get(session, app_id) is not None:
                raise ConflictError.says("builder.app_exists", app=app_id)
            draft = self.drafts.create(session, app_id, dumps(document), None, actor)
            self.repository.add_audit(session, actor, "builder.app_create", app_id, {"name": dict(name)})
            return draft

        draft = self._write(app_id, work)
        self._make_builder(principal, app_id, actor)
        return self._view(draft, package_problems(document, self.apps.env_policy), locale)

    def import_draft(self, principal: Principal, document: Any, locale: str) -> dict[str, Any]:
        """A package becomes the draft of its app (a new app, or the next revision); never published here."""
        require_signed_in(principal)
        problems = package_problems(document, self.apps.env_policy)
        app_id = document.get("id") if isinstance(document, Mapping) else None
        if not isinstance(app_id, str) or not APP_ID.match(app_id):
            raise invalid("builder.import_no_id", {"id": [field_text("builder.field.app_id")]})
        actor = actor_of(principal)
        with self.repository.transaction() as session:
            known = self.repository.app(session, app_id) is not None or self.drafts.get(session, app_id) is not None
        if known:
            require_builder(principal, app_id)
        elif not may_create_apps(principal):
            raise PermissionDeniedError.says("builder.may_not_create")

        def work(session: Any) -> StoredDraft:
            draft = self.drafts.get(session, app_id)
            text = dumps(document)
            if draft is None:
                app = self.repository.app(session, app_id)
                draft = self.drafts.create(session, app_id, text, app.current_version if app else None, actor)
            elif not self.drafts.save(session, app_id, text, draft.revision, actor):
                raise stale(self.drafts.get(session, app_id) or draft, document, locale)
            details = {"problems": len(problems), "fingerprint": fingerprint(document)}
            self.repository.add_audit(session, actor, "builder.import", app_id, details)
            return self.drafts.get(session, app_id) or draft

        draft = self._write(app_id, work)
        if not known:
            self._make_builder(principal, app_id, actor)
        return self._view(draft, problems, locale)

    # one app's draft

    def draft(self, principal: Principal, app_id: str, locale: str) -> dict[str, Any]:
        """The app's draft, made from its current version when there is none yet."""
        require_builder(principal, app_id)
        draft = self._draft(principal, app_id)
        return self._view(draft, package_problems(json.loads(draft.document), self.apps.env_policy), locale)

    def draft_document(self, principal: Principal, app_id: str) -> dict[str, Any]:
        """The draft's document alone, unchecked: what the designer's live preview evaluates as one types."""
        require_builder(principal, app_id)
        found: dict[str, Any] = json.loads(self._draft(principal, app_id).document)
        return found

    def save_draft(
        self, principal: Principal, app_id: str, document: Any, revision: int, locale: str
    ) -> dict[str, Any]:
        """Store the next revision of the draft; a stale ``revision`` says who saved since and what changed."""
        require_builder(principal, app_id)
        self._draft(principal, app_id)
        actor = actor_of(principal)
        problems = list(package_problems(document, self.apps.env_policy))
        if isinstance(document, Mapping) and document.get("id") != app_id:
            problems.insert(0, problem("/id", "builder.id_changed", app=app_id))

        def work(session: Any) -> int:
            if not self.drafts.save(session, app_id, dumps(document), revision, actor):
                current = self.drafts.get(session, app_id)
                if current is None:
                    raise _no_app(app_id)
                raise stale(current, document if isinstance(document, Mapping) else None, locale)
            self.repository.add_audit(session, actor, "builder.draft_save", app_id, {"revision": revision + 1})
            return revision + 1

        saved = self._write(app_id, work)
        warnings = dispatch_warnings(document)
        return {
            "revision": saved,
            "problems": said_problems(problems, locale, document),
            "warnings": said_problems(warnings, locale, document),
        }

    def discard_draft(self, principal: Principal, app_id: str) -> None:
        require_builder(principal, app_id)
        actor = actor_of(principal)
        with self.repository.transaction() as session:
            if not self.drafts.delete(session, app_id):
                raise _no_app(app_id)
            self.repository.add_audit(session, actor, "builder.draft_discard", app_id, {})

    def _draft(self, principal: Principal, app_id: str) -> StoredDraft:
        with self.repository.transaction() as session:
            found = self.drafts.get(session, app_id)
            if found is not None:
                return found
            app = self.repository.app(session, app_id)
            if app is None:
                raise _no_app(app_id)

        def work(session: Any) -> StoredDraft:
            current = self.apps.stored(session, app_id, app.current_version)
            return self.drafts.create(session, app_id, current.document, current.number, actor_of(principal))

        try:
            return self._write(app_id, work)
        except ConflictError:  # opened by someone else at the same moment: theirs is the draft
            with self.repository.transaction() as session:
                return self.drafts.get(session, app_id) or work(session)

    def named(self, clash: ConflictError) -> ConflictError:
        """``clash`` saying who saved by the person's name instead of the stored actor (``user:ID``).

        Only outside the transaction that found the clash (see the module's docstring)."""
        if "changed_by" in clash.details:
            clash.details["changed_by"] = person_named(self.directory, clash.details["changed_by"])
        if clash.message_code is not None and "by" in clash.params:
            clash.params["by"] = person_named(self.directory, clash.params["by"])
            clash.message = translate(clash.message_code, LOG_LOCALE, **clash.params)
        return clash

    def _view(self, draft: StoredDraft, problems: Sequence[Problem], locale: str) -> dict[str, Any]:
        return draft_view(draft, problems, locale, person_named(self.directory, draft.updated_by))

    def _write(self, app_id: str, work: Callable[[Any], T]) -> T:
        try:
            with self.repository.transaction() as session:
                return work(session)
        except WriteClashError:
            raise ConflictError.says("builder.write_race", app=app_id) from None
        except ConflictError as clash:  # someone else saved: named now that the transaction is over
            self.named(clash)
            raise

    def _make_builder(self, principal: Principal, app_id: str, actor: str) -> None:
        if not principal.is_admin:  # administrators build every app already
            self.directory.grant_role(principal.id, app_id, BUILDER_ROLE, actor=actor)


def require_signed_in(principal: Principal) -> None:
    if principal.anonymous:
        require_builder(principal, "")


def _no_app(app_id: str) -> NotFoundError:
    error = NotFoundError.says("app.not_found", app_id=app_id)
    error.details = {"app_id": app_id}
    return error


def _check_new_app(app_id: Any, name: Any) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(app_id, str) or not APP_ID.match(app_id):
        errors["id"] = [field_text("builder.field.app_id")]
    if not isinstance(name, Mapping) or any(not isinstance(name.get(k), str) or not name[k].strip() for k in LOCALES):
        errors["name"] = [field_text("builder.field.app_name")]
    if errors:
        raise invalid("builder.app_invalid", errors)
