"""Type-check the relation paths of a package's expressions against its forms (package validation).

``room.building.community`` must walk: ``room`` a single relation of the form the expression runs
on, ``building`` a field of the form it points at and again a single relation, ``community`` a field
of that one. A path that would not walk is refused here at the expression's pointer, naming the
path and the step, so no evaluation ever fails for a path's reason. A derived relation's path must
end at a relation to the very form the field points at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import Problem
from engine.expressions import Expression
from engine.forms.relation_paths import PathEnd, PathFault, walk
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.packages.messages import problem


class PathChecker:
    """The forms of one package, and the checks of paths over them."""

    def __init__(self, document: Mapping[str, Any]):
        self._forms = {
            form["id"]: tuple(FieldSpec.from_definition(f) for f in form["fields"])
            for form in document.get("forms", [])
        }

    def fields_of(self, form_id: str | None) -> Sequence[FieldSpec] | None:
        return None if form_id is None else self._forms.get(form_id)

    def problems(self, pointer: str, expression: Expression, root: Sequence[FieldSpec]) -> list[Problem]:
        """One problem per path of ``expression`` that cannot be walked from ``root``."""
        found = []
        for path in sorted(expression.paths):
            result = walk(path, root, self.fields_of)
            if isinstance(result, PathFault):
                found.append(
                    problem(
                        pointer,
                        f"form.path.{result.code}",
                        path=".".join(path),
                        step=result.name,
                        through=result.through,
                    )
                )
        return found

    def derived(
        self, pointer: str, field: FieldSpec, expression: Expression, root: Sequence[FieldSpec]
    ) -> list[Problem]:
        """A derived relation's path (``derived_from``) ends at one record of the field's own target form."""
        kind = FIELD_TYPES.get(field.type)
        target = kind.related_form(field)
        if target is None or kind.lookup_target(field) is None or len(expression.paths) != 1:
            return []
        path = next(iter(expression.paths))
        result = walk(path, root, self.fields_of)
        if not isinstance(result, PathEnd):
            return []  # a fault is reported by ``problems``; a name that is no field, by the name check
        text = ".".join(path)
        if result.target is None or result.multiple:
            return [problem(pointer, "form.derived_not_relation", path=text, target=target)]
        if result.target != target:
            return [problem(pointer, "form.derived_target", path=text, found=result.target, target=target)]
        return []
