"""Who is acting: passed to every service call, so permission checks have one place to live."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    id: str
    name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)
    communities: frozenset[int] = field(default_factory=frozenset)
    locale: str = "zh-CN"
    is_admin: bool = False


SYSTEM = Principal(id="system", name="Trellis", is_admin=True)
LOCAL_ADMIN = Principal(id="admin", name="Administrator", is_admin=True)
PUBLIC = Principal(id="public", name="Public", roles=frozenset({"owner"}))
