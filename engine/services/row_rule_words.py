"""A row rule in words, with the form's field labels in the reader's language (services layer).

"View as role" says which records a role reads (``site.area.region in user.communities`` →
"Site › Area › Region is one of the viewer's communities") from the compiled rule the permission code enforces, so
the words never drift from what is enforced.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from engine.forms.row_rules import Clock, Cmp, Const, Eq, In, IsTrue, Not, Or, RowRule, UserAttr
from engine.forms.spec import FieldSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.i18n import translate

_ORDERS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_SYSTEM = frozenset({"id", "created_at", "updated_at", "created_by", "updated_by"})


def rows_in_words(rule: RowRule | None, document: Mapping[str, Any], form_id: str, locale: str) -> str:
    """``all`` for every record, else ``rule: <the rule in words>`` (for programs: the prefix is fixed)."""
    if rule is None:
        return "all"
    return "rule: " + _Words(document, form_id, locale).rule(rule, top=True)


def rows_text(rule: RowRule | None, document: Mapping[str, Any], form_id: str, locale: str) -> str:
    """The records a role reads, as a phrase in the reader's language: "every record" without a
    row rule, else "the records where <the rule in words>" (for people: nothing left in English)."""
    if rule is None:
        return translate("builder_checks.rows_all", locale)
    return translate("builder_checks.rows_where", locale, rule=_Words(document, form_id, locale).rule(rule, top=True))


class _Words:
    def __init__(self, document: Mapping[str, Any], form_id: str, locale: str):
        self.forms = {form["id"]: form for form in document.get("forms", [])}
        self.form_id = form_id
        self.locale = locale

    def say(self, code: str, **params: Any) -> str:
        return translate(f"builder_checks.rows.{code}", self.locale, **params)

    def rule(self, rule: RowRule, *, top: bool = False) -> str:
        if isinstance(rule, Const):
            return self.say("all" if rule.value else "none")
        if isinstance(rule, Not):
            return self._negated(rule.operand)
        if isinstance(rule, Or):
            joined = self.say("or").join(self.rule(part) for part in rule.operands)
            return joined if top else f"({joined})"
        if isinstance(rule, Eq | Cmp | In | IsTrue):
            return self._atom(rule, negated=False)
        joined = self.say("and").join(self.rule(part) for part in rule.operands)  # And
        return joined if top else f"({joined})"

    def _negated(self, rule: RowRule) -> str:
        if isinstance(rule, Eq | In | IsTrue):
            return self._atom(rule, negated=True)
        return self.say("not", rule=self.rule(rule, top=True))

    def _atom(self, atom: Eq | Cmp | In | IsTrue, *, negated: bool) -> str:
        field = self.label(atom.field)
        if isinstance(atom, IsTrue):
            return self.say("not_true" if negated else "is_true", field=field)
        if isinstance(atom, Eq):
            return self.say("ne" if negated else "eq", field=field, value=self.value(atom.value))
        if isinstance(atom, Cmp):
            return self.say(_ORDERS[atom.op], field=field, value=self.value(atom.value))
        return self.say("not_in" if negated else "in", field=field, value=self.value(atom.values))

    def value(self, value: Any) -> str:
        if isinstance(value, UserAttr):
            return self.say(f"user.{value.name}")
        if isinstance(value, Clock):
            return self.say(f"clock.{value.name}")
        if isinstance(value, tuple):
            return "(" + ", ".join(self.value(item) for item in value) + ")"
        if isinstance(value, str):
            return f"“{value}”"
        if isinstance(value, datetime | date | time):
            return value.isoformat()
        return str(value)

    def label(self, path: str) -> str:
        """``Site › Area › Region`` for ``site.area.region``: each step's label on the form it reaches."""
        labels: list[str] = []
        form_id: str | None = self.form_id
        for step in path.split("."):
            form = self.forms.get(form_id or "")
            found = next((f for f in form["fields"] if f["id"] == step), None) if form else None
            if found is None:
                labels.append(
                    translate(f"builder_checks.system_label.{step}", self.locale) if step in _SYSTEM else step
                )
                form_id = None
                continue
            spec = FieldSpec.from_definition(found)
            labels.append(localized(spec.label, self.locale, step))
            form_id = FIELD_TYPES.get(spec.type).related_form(spec)
        return " › ".join(labels)
