"""A newer bundled package meets a company's own version (services layer).

``trellis import apps/`` (run by ``make run``) brings the bundled packages. When the app's current
version came from the builder (or a rollback), the company owns it: the bundled package is stored
as a version of its own without becoming current, then merged three-way — base: the newest
bundled version the company's version started from, ours: the current version, theirs: the new
bundled one. Without conflicts the merge is published as the next version; with conflicts the
company's version stays current and the conflicts are audited, printed and shown in the builder's
workspace until a builder publishes a version that settles them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.builder.merge import MergeResult, merge
from engine.errors import DefinitionError
from engine.i18n import LOG_LOCALE
from engine.packages import check_package, dumps, fingerprint
from engine.packages.messages import localize
from engine.services.app_results import CUSTOMISED, ImportResult
from engine.storage.apps import AppInfo, StoredVersion

if TYPE_CHECKING:
    from engine.services.apps import AppService


@dataclass(frozen=True, slots=True)
class PendingUpgrade:
    version: int  # the stored bundled version not merged yet
    result: MergeResult

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "conflicts": [c.as_dict() for c in self.result.conflicts]}


def pending_upgrade(stored: Sequence[StoredVersion], current: int, locale: str) -> PendingUpgrade | None:
    """The newer bundled version waiting to be merged into a customised current version, if any."""
    ours = next((v for v in stored if v.number == current), None)
    if ours is None or ours.origin not in CUSTOMISED:
        return None
    theirs = [v for v in stored if v.origin == "bundled" and v.number > current]
    if not theirs:
        return None
    bases = [v for v in stored if v.origin == "bundled" and v.number < current]
    base = json.loads(bases[-1].document) if bases else {}
    result = merge(base, json.loads(ours.document), json.loads(theirs[-1].document), locale)
    return PendingUpgrade(theirs[-1].number, result)


def bundled_upgrade(service: AppService, session: Any, app: AppInfo, document: Any, actor: str) -> ImportResult:
    """Store a bundled package beside the company's version and merge it in when nothing conflicts."""
    repository = service.repository
    digest = fingerprint(document)
    stored = repository.stored_versions(session, app.id)
    if any(v.origin == "bundled" and v.fingerprint == digest for v in stored):
        return ImportResult(app.id, app.current_version, "unchanged")  # this bundle is known already
    number = repository.next_number(session, app.id)
    text = dumps(document)
    repository.add_version(
        session, document, number=number, fingerprint=digest, text=text, actor=actor, origin="bundled", current=False
    )
    pending = pending_upgrade(
        [*stored, StoredVersion(number, digest, text, "bundled")], app.current_version, LOG_LOCALE
    )
    conflicts = [] if pending is None else [c.as_dict() for c in pending.result.conflicts]
    if pending is not None and not conflicts:
        try:
            check_package(pending.result.document, service.env_policy)
        except DefinitionError as exc:
            conflicts = [_problem_conflict(p) for p in exc.problems]
    if pending is None or conflicts:
        details = {"bundled_version": number, "conflicts": conflicts}
        service.audit(session, actor, "app.upgrade_kept", app.id, details)
        return ImportResult(app.id, app.current_version, "kept", tuple(conflicts))
    merged = service.install(session, pending.result.document, [], actor, "builder")
    service.audit(session, actor, "app.upgrade_merged", app.id, {"bundled_version": number, "version": merged.version})
    return ImportResult(app.id, merged.version, "merged")


def _problem_conflict(item: Any) -> dict[str, str]:
    said = localize(item, LOG_LOCALE)
    return {"area": "app", "path": said.pointer, "label": "", "detail": said.message}
