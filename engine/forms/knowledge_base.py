"""A form published as a knowledge base (domain): which fields are the title, the body and the
searched text, and which records are published.

Declared on the form as ``knowledge_base`` (see docs/app-format.md). ``published_when`` is a
rule of the same small shapes as a permission's ``rows`` (``engine.forms.row_rules``), so storage
turns it into SQL; it narrows what every reader sees, staff included, on top of their own grants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.forms.row_rule_checks import typed_rule
from engine.forms.row_rules import RowRule

DEFAULT_VOTES_PER_MINUTE = 30


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    form_id: str
    title: Mapping[str, str] | str | None
    title_field: str
    body_field: str
    search_fields: tuple[str, ...]
    published: RowRule
    votes_per_minute: int

    @classmethod
    def of(cls, document: Mapping[str, Any], form_id: str) -> KnowledgeBase | None:
        """The knowledge base a checked package declares on ``form_id``; None when it declares none."""
        form = next((f for f in document.get("forms", ()) if f["id"] == form_id), None)
        spec = (form or {}).get("knowledge_base")
        if not spec or not spec.get("enabled", True):
            return None
        title_field, body_field = spec["title_field"], spec["body_field"]
        return cls(
            form_id=form_id,
            title=spec.get("title"),
            title_field=title_field,
            body_field=body_field,
            search_fields=tuple(spec.get("search_fields") or (title_field, body_field)),
            published=typed_rule(document, form_id, spec["published_when"]),
            votes_per_minute=int(spec.get("votes_per_minute", DEFAULT_VOTES_PER_MINUTE)),
        )


def knowledge_bases(document: Mapping[str, Any]) -> list[KnowledgeBase]:
    """Every published knowledge base of a package, in form order."""
    found = (KnowledgeBase.of(document, form["id"]) for form in document.get("forms", ()))
    return [kb for kb in found if kb is not None]
