"""Who is acting: passed to every service call, so permission checks have one place to live.

A principal is built once per request (from a session, an API token, a tracking link, or
nobody) and never changes while the request runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.i18n import DEFAULT_LOCALE


@dataclass(frozen=True, slots=True)
class Principal:
    id: str
    name: str = ""
    app_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)  # app id -> role ids held there
    groups: frozenset[str] = field(default_factory=frozenset)  # group ids, with every group above them
    communities: frozenset[int] = field(default_factory=frozenset)  # community record ids covered
    locale: str = DEFAULT_LOCALE
    ui_locale: str | None = None  # the page language the person chose; None: their browser's
    is_admin: bool = False
    anonymous: bool = False  # nobody signed in: holds only the app's public roles
    scopes: frozenset[str] | None = None  # an API token's scopes; None for a signed-in person

    def roles_in(self, app_id: str) -> frozenset[str]:
        return self.app_roles.get(app_id, frozenset())


SYSTEM = Principal(id="system", name="Trellis", is_admin=True)
LOCAL_ADMIN = Principal(id="admin", name="Administrator", is_admin=True)
PUBLIC = Principal(id="public", name="Public", anonymous=True)
