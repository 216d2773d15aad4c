"""Knowledge-base use cases (services layer): search the published articles of a form, read one,
and take one helpful/unhelpful vote per browser.

What a reader finds is the form's ``published_when`` rule AND the reader's own read grant: the
public finds what the public roles may read, staff the same published articles (never drafts).
Vote counts are shown only to those who may edit the articles. SQL is
``engine.storage.knowledge_base``'s; the per-IP rate limit is the web layer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.errors import NotFoundError
from engine.forms.knowledge_base import KnowledgeBase, knowledge_bases
from engine.forms.permissions import FormAccess
from engine.forms.row_rules import And, Const, RowRule, bind
from engine.forms.spec import localized
from engine.principal import Principal
from engine.services.records import RecordService
from engine.storage import knowledge_base as store
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.database import Database, WriteClashError
from engine.storage.tables import utcnow

MAX_QUERY = 100  # characters of a search that are used
MAX_TERMS = 5
RESULTS = 20
SNIPPET = 80  # characters of body text around the first match
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True, slots=True)
class _Article:
    app: CompiledApp
    form: CompiledForm
    kb: KnowledgeBase
    access: FormAccess
    visible: RowRule


class KnowledgeBaseService:
    def __init__(self, database: Database, records: RecordService, clock: Callable[[], datetime] = utcnow):
        self.database = database
        self.records = records
        self.clock = clock

    def bases(self, principal: Principal, app_id: str, locale: str) -> list[dict[str, Any]]:
        """The knowledge bases of an app this principal may search: ``[{"form": id, "title": text}]``."""
        app = self.records.compiled_app(app_id)
        found = []
        for kb in knowledge_bases(app.document):
            access = app.permissions.effective(principal, app_id, kb.form_id)
            if access.allows("read") and not (principal.anonymous and access.bound_filter("read") == Const(False)):
                found.append({"form": kb.form_id, "title": self._title(app, kb, locale)})
        return found

    def search(self, principal: Principal, app_id: str, form_id: str, query: str, locale: str) -> dict[str, Any]:
        printable = "".join(ch if ch.isprintable() else " " for ch in query[:MAX_QUERY])  # no NUL reaches SQL
        terms = printable.split()[:MAX_TERMS]
        with self.database.transaction() as session:
            found = self._open(session, principal, app_id, form_id)
            fields = [name for name in found.kb.search_fields if found.access.shows_everywhere(name)]
            rows = store.search(session, found.form, found.visible, fields, terms, RESULTS) if fields else []
            items = [self._item(found, row._mapping, terms) for row in rows]
            return {
                "title": self._title(found.app, found.kb, locale),
                "query": " ".join(terms),
                "items": items,
            }

    def article(self, principal: Principal, app_id: str, form_id: str, record_id: int, locale: str) -> dict[str, Any]:
        with self.database.transaction() as session:
            found = self._open(session, principal, app_id, form_id)
            row = self.records.rows.row(session, found.form, record_id, deleted=False, visible=found.visible)
            shown = found.access.redact(dict(row._mapping))
            article = {
                "id": row.id,
                "title": str(shown.get(found.kb.title_field) or ""),
                "body": str(shown.get(found.kb.body_field) or ""),
                "base": self._title(found.app, found.kb, locale),
            }
            if found.access.allows("update"):  # the editors see how the article is received
                article["votes"] = store.vote_counts(session, app_id, form_id, [row.id])[row.id]
            return article

    def vote(self, principal: Principal, app_id: str, form_id: str, record_id: int, token: str, helpful: bool) -> bool:
        """Count this browser's vote; False when it has voted on this article already (nothing changes)."""
        if not TOKEN.match(token):
            return False
        try:
            with self.database.writing() as session:
                found = self._open(session, principal, app_id, form_id)
                self.records.rows.row(session, found.form, record_id, deleted=False, visible=found.visible)
                if store.has_voted(session, app_id, form_id, record_id, token):
                    return False
                store.add_vote(session, app_id, form_id, record_id, token, helpful, self.clock())
        except WriteClashError:  # the same browser's second vote arrived at the same moment
            return False
        return True

    def votes_per_minute(self, app_id: str, form_id: str) -> int:
        app = self.records.compiled_app(app_id)
        return self._declared(app, form_id).votes_per_minute

    # -- helpers ---------------------------------------------------------------------------------
    def _open(self, session: Any, principal: Principal, app_id: str, form_id: str) -> _Article:
        app = self.records.catalog.current(session, app_id)
        kb = self._declared(app, form_id)
        form = app.form(form_id)
        access = self.records.authorize(principal, "read", app, form)
        published = bind(kb.published, principal)
        granted = access.bound_filter("read")
        visible = published if granted is None else And((published, granted))
        return _Article(app, form, kb, access, visible)

    @staticmethod
    def _declared(app: CompiledApp, form_id: str) -> KnowledgeBase:
        kb = KnowledgeBase.of(app.document, form_id)
        if kb is None:
            raise NotFoundError.says("kb.not_published", app=app.app_id, form=form_id)
        return kb

    @staticmethod
    def _title(app: CompiledApp, kb: KnowledgeBase, locale: str) -> str:
        form_name = app.form(kb.form_id).spec.name
        return localized(kb.title or form_name, locale)

    @staticmethod
    def _item(found: _Article, values: Mapping[str, Any], terms: list[str]) -> dict[str, Any]:
        shown = found.access.redact(dict(values))
        body = str(shown.get(found.kb.body_field) or "")
        return {
            "id": values["id"],
            "title": str(shown.get(found.kb.title_field) or ""),
            "snippet": snippet(body, terms),
        }


def snippet(body: str, terms: list[str]) -> str:
    """A short piece of ``body`` around the first term found in it (its start when none is)."""
    flat = " ".join(body.split())
    at = min((flat.find(term) for term in terms if term in flat), default=0)
    start = max(0, min(at - SNIPPET // 4, len(flat) - SNIPPET))  # a short body is shown whole
    piece = flat[start : start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(flat) else "")
