"""Global search (services layer): one box over every form of every app the viewer may read.

Each form is searched through :meth:`RecordService.list_records` with the list's own ``q``, so
global search answers exactly what the form's list would: the viewer's rows only (row rules in
SQL), and only in fields they may read everywhere (a hit in a hidden field is no hit). Results are
grouped by app and form, a few per form, each group with a link to its full list.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from engine.errors import NotAuthenticatedError, NotFoundError, PermissionDeniedError
from engine.forms.spec import localized
from engine.forms.types import FIELD_TYPES
from engine.principal import Principal
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.record_queries import MAX_SEARCH, ListQuery

PER_FORM = 5  # hits shown per form; the group's "more" link opens the form's list with the same search


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: int
    title: str
    serial: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "serial": self.serial, "url": self.url}


@dataclass(frozen=True, slots=True)
class SearchGroup:
    app_id: str
    app_name: str
    form_id: str
    form_title: str
    hits: list[SearchHit] = field(default_factory=list)
    more_url: str | None = None  # the form's list searched for the same text, when it holds more

    def as_dict(self) -> dict[str, Any]:
        return {
            "app": self.app_id,
            "app_name": self.app_name,
            "form": self.form_id,
            "form_title": self.form_title,
            "items": [hit.as_dict() for hit in self.hits],
            "more_url": self.more_url,
        }


def cleaned(raw: str) -> str:
    """The search text as searched: control characters dropped, spaces trimmed, at most ``MAX_SEARCH`` long."""
    kept = "".join(ch for ch in raw[: MAX_SEARCH * 4] if not unicodedata.category(ch).startswith("C"))
    return kept.strip()[:MAX_SEARCH].strip()


class SearchService:
    def __init__(self, records: RecordService, apps: AppService):
        self.records = records
        self.apps = apps

    def may_search(self, principal: Principal) -> bool:
        """Whether ``principal`` may read some form of some app: only then has a search box anything to find."""
        if principal.anonymous:
            return False
        for info in self.apps.list_apps():
            app = self.records.compiled_app(info["id"])
            if any(app.permissions.effective(principal, app.app_id, form).allows("read") for form in app.forms):
                return True
        return False

    def search(self, principal: Principal, raw: str, *, locale: str, per_form: int = PER_FORM) -> list[SearchGroup]:
        """The groups of records ``principal`` may read holding ``raw``, app by app, form by form."""
        if principal.anonymous:
            raise NotAuthenticatedError.says("search.sign_in")
        text = cleaned(raw)
        if not text:
            return []
        groups: list[SearchGroup] = []
        for info in self.apps.list_apps():
            app = self.records.compiled_app(info["id"])
            app_name = localized(app.document.get("name"), locale, app.app_id)
            for form_id, form in app.forms.items():
                if not app.permissions.effective(principal, app.app_id, form_id).allows("read"):
                    continue
                try:
                    found = self.records.list_records(
                        principal, app.app_id, form_id, ListQuery(limit=per_form, search=text)
                    )
                except (NotFoundError, PermissionDeniedError, NotAuthenticatedError):
                    continue  # read only through a rule this principal cannot meet: nothing to show
                if not found["items"]:
                    continue
                serial = next((f.id for f in form.spec.fields if FIELD_TYPES.get(f.type).serial_pattern(f)), None)
                title = form.spec.title_field
                base = f"/apps/{quote(app.app_id)}/forms/{quote(form_id)}/records"
                hits = [
                    SearchHit(
                        id=item["id"],
                        title=_text(item["data"].get(title)) if title else "",
                        serial=_text(item["data"].get(serial)) if serial and serial != title else "",
                        url=f"{base}/{item['id']}",
                    )
                    for item in found["items"]
                ]
                more = f"{base}?{urlencode({'q': text})}" if found["next_cursor"] else None
                groups.append(SearchGroup(app.app_id, app_name, form_id, form.spec.title(locale), hits, more))
        return groups


def _text(value: Any) -> str:
    return "" if value is None else str(value)
