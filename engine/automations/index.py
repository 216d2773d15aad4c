"""What an automation may name in its package: forms and their fields, flows, connectors (domain).

Trigger and action types check their references against a ``PackageIndex`` built once from the
package document, and report what is missing as ``Finding``s (a key under the definition they
check, a catalog code and its parameters); ``engine.packages.semantics`` turns them into
Problems at their JSON pointers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.registry import suggest

#: the names every record carries besides its fields
SYSTEM_NAMES = ("id", "created_at", "updated_at", "created_by", "updated_by")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an automation's definition gets wrong, at ``key`` below the part checked."""

    key: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PackageIndex:
    forms: Mapping[str, Mapping[str, Mapping[str, Any]]]  # form id -> field id -> field definition
    relations: Mapping[str, Mapping[str, str]]  # form id -> relation field id -> the form it points at
    flows: Mapping[str, str]  # flow id -> the form its records are of
    connectors: frozenset[str]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> PackageIndex:
        forms: dict[str, dict[str, Mapping[str, Any]]] = {}
        relations: dict[str, dict[str, str]] = {}
        for form in document.get("forms", []):
            fields = forms.setdefault(form["id"], {})
            for definition in form.get("fields", []):
                fields.setdefault(definition["id"], definition)
                target = _related_form(definition)
                if target is not None:
                    relations.setdefault(form["id"], {}).setdefault(definition["id"], target)
        return cls(
            forms=forms,
            relations=relations,
            flows={flow["id"]: flow.get("form", "") for flow in document.get("flows", [])},
            connectors=frozenset(c["id"] for c in document.get("connectors", [])),
        )

    def names(self, form_id: str) -> list[str]:
        """The names an expression over a record of ``form_id`` may read (its fields and the system names)."""
        return [*self.forms.get(form_id, {}), *SYSTEM_NAMES]


def unknown(key: str, kind: str, ident: str, known: Iterable[str]) -> Finding:
    return Finding(key, "ref.unknown", {"kind": kind, "id": ident, "hint": suggest(ident, list(known))})


def field_findings(key: str, index: PackageIndex, form_id: str, names: Iterable[str]) -> list[Finding]:
    """Every name that is not a field of ``form_id`` (``key`` is the object whose keys the names are)."""
    fields = index.forms.get(form_id)
    if fields is None:
        return []  # the form itself is reported where it is named
    return [unknown(f"{key}/{name}", "field", name, fields) for name in names if name not in fields]


def _related_form(definition: Mapping[str, Any]) -> str | None:
    if definition.get("type") not in FIELD_TYPES:
        return None
    return FIELD_TYPES.get(definition["type"]).related_form(FieldSpec.from_definition(definition))
