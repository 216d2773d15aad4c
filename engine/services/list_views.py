"""A package's named list views (services layer): which a person may open, and what each fixes.

A view (``"views"`` in the package) is a form's list with chosen columns, a default sort and fixed
filters, offered to some roles. Opening one (``view=<id>`` on the list page, the records API or an
export) puts its filters in front of the caller's own: the caller can narrow it, never widen it.
A view is offered to a person who holds one of its roles (any role, when it names none) and may
read its form; everything else about what they see is the records API's (row rules, hidden fields).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import NotFoundError
from engine.forms.list_filters import split_filter
from engine.forms.spec import localized
from engine.principal import Principal
from engine.storage.catalog import CompiledApp


@dataclass(frozen=True, slots=True)
class ListView:
    id: str
    form: str
    name: Any  # a plain string or one per locale
    roles: frozenset[str] | None  # None: every role that may read the form
    columns: tuple[str, ...]  # field ids or relation paths; empty: the generated default
    sort: str  # "" : the generated default
    filters: tuple[tuple[str, str, str], ...]  # (name, operator, raw value), as ``ListQuery`` holds them

    @classmethod
    def from_definition(cls, data: Mapping[str, Any]) -> ListView:
        roles = data.get("roles")
        return cls(
            id=data["id"],
            form=data["form"],
            name=data["name"],
            roles=None if roles is None else frozenset(roles),
            columns=tuple(data.get("columns", ())),
            sort=data.get("sort", ""),
            filters=tuple((*split_filter(key), _raw(value)) for key, value in data.get("filters", {}).items()),
        )

    def title(self, locale: str) -> str:
        return localized(self.name, locale, self.id)

    def offered_to(self, app: CompiledApp, principal: Principal) -> bool:
        if self.form not in app.forms:
            return False
        if not app.permissions.effective(principal, app.app_id, self.form).allows("read"):
            return False
        admin = principal.is_admin and not principal.anonymous
        return admin or self.roles is None or bool(self.roles & app.permissions.roles_of(principal))


def views_of(app: CompiledApp) -> list[ListView]:
    return [ListView.from_definition(data) for data in app.document.get("views", ())]


def open_view(app: CompiledApp, principal: Principal, form_id: str, view_id: str) -> ListView:
    """The view ``view_id`` of ``form_id`` if this person may open it; otherwise not found (404)."""
    for view in views_of(app):
        if view.id == view_id and view.form == form_id and view.offered_to(app, principal):
            return view
    raise NotFoundError.says("record.query.view", view=view_id[:63])


def offered_views(
    app: CompiledApp, principal: Principal, locale: str, form_id: str | None = None
) -> list[dict[str, Any]]:
    """The views this person may open (of one form, or all), in the package's order: id, form, name, url."""
    return [
        {
            "id": view.id,
            "form": view.form,
            "name": view.title(locale),
            "url": f"/apps/{app.app_id}/forms/{view.form}/records?view={view.id}",
        }
        for view in views_of(app)
        if (form_id is None or view.form == form_id) and view.offered_to(app, principal)
    ]


def _raw(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_raw(item) for item in value)
    return str(value)
