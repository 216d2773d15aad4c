"""One expression of a draft, checked as publishing would check it and completed as it is typed (services layer).

The checks are the package validator's own, run on the one expression where it will live: the
sandbox compiler with the names that place offers, the relation path walk, the aggregate checks,
the ``user.*`` check of a default and the row rule shapes; so the designer accepts exactly what
publish accepts and says it in the same sentence. Each problem is placed by character offsets
(``start``/``end``) in the text, for the editor to underline.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.automations import TRIGGER_TYPES, PackageIndex, expression_names
from engine.errors import ExpressionError, NotFoundError, Problem
from engine.expressions import AGGREGATE_NAMES, HELPER_NAMES, Expression, LocatedExpressionError, compile_expression
from engine.expressions.aggregates import SIGNATURES
from engine.expressions.checker import HELPER_FUNCTIONS
from engine.forms.acting import USER_ATTRIBUTES
from engine.forms.relation_paths import SYSTEM_STEPS, PathEnd, walk
from engine.forms.row_rule_checks import one_rule_problems
from engine.forms.row_rule_parser import CLOCKS
from engine.forms.spec import FieldSpec, localized
from engine.forms.types import FIELD_TYPES
from engine.i18n import translate
from engine.packages.aggregate_checks import aggregate_problems
from engine.packages.expression_checks import FLOW_NAMES, SYSTEM_NAMES, default_user_problems, expression_problem
from engine.packages.messages import localize
from engine.packages.path_checks import PathChecker

#: the places an expression is written, and what each offers
KINDS = ("formula", "default", "visible_when", "required_when", "row_rule", "condition", "automation")
#: a form's own field expressions: aggregates across records are computed there
FORM_KINDS = frozenset({"formula", "default", "visible_when", "required_when"})
_CHAIN = re.compile(r"\w+(?:\s*\.\s*\w+)*")
_BEFORE_CURSOR = re.compile(r"((?:[^\W\d]\w*\s*\.\s*)*)([^\W\d]\w*)?$")
_WORD = re.compile(r"\w+")
_LOOK_BACK = 400
_AUTOMATION = re.compile(r"^/automations/(\d{1,4})(?:/|$)")


@dataclass(frozen=True, slots=True)
class Place:
    """Where an expression runs: the names it may read, the fields its paths start from, whether
    aggregates are computed there."""

    names: tuple[str, ...]
    fields: Sequence[FieldSpec]  # the form's own, where relation paths start
    walks: bool  # whether the expression checks walk its paths (a row rule's are the row rule checks')
    form: Mapping[str, Any] | None  # the form whose aggregates are computed here; None: none are
    user: bool  # whether ``user`` is offered


def find_form(document: Mapping[str, Any], form_id: str) -> Mapping[str, Any]:
    found: Mapping[str, Any] | None = next((f for f in document.get("forms", []) if f["id"] == form_id), None)
    if found is not None:
        return found
    raise NotFoundError.says("builder_checks.no_form", form=form_id)


def automation_place(document: Mapping[str, Any], pointer: str, paths: PathChecker) -> Place:
    """An automation's condition, action expression or schedule ``where`` (the automation at ``pointer``):
    the names its trigger offers, as the package check gives them (``before``, ``event`` ...)."""
    found = _AUTOMATION.match(pointer)
    automations = document.get("automations")
    index = int(found.group(1)) if found else -1
    if not isinstance(automations, list) or not 0 <= index < len(automations):
        raise NotFoundError.says("builder_checks.no_automation", pointer=pointer[:100])
    trigger = automations[index].get("trigger") if isinstance(automations[index], Mapping) else None
    if not isinstance(trigger, Mapping) or trigger.get("type") not in TRIGGER_TYPES:
        raise NotFoundError.says("builder_checks.no_automation", pointer=pointer[:100])
    flows = [f for f in document.get("flows", []) if isinstance(f, Mapping) and isinstance(f.get("id"), str)]
    package = PackageIndex.from_document({"forms": document.get("forms", []), "flows": flows})
    names = expression_names(trigger, package)
    record_form = TRIGGER_TYPES.get(trigger["type"]).record_form(trigger, package)
    if names is None:  # the trigger names a form or flow the draft does not have
        raise NotFoundError.says("builder_checks.no_form", form=str(trigger.get("form") or trigger.get("flow"))[:100])
    return Place(tuple(names), paths.fields_of(record_form) or () if record_form else (), True, None, True)


def place_of(
    document: Mapping[str, Any], form_id: str, kind: str, paths: PathChecker, table: str | None = None
) -> Place:
    """The names of ``engine.packages.expression_checks`` for this kind of expression on this form
    (``table``: on a row of that sub-table, whose columns are all it reads; no aggregate there)."""
    form = find_form(document, form_id)
    if table is not None and kind in FORM_KINDS:
        holder = next((f for f in form["fields"] if f["id"] == table and FIELD_TYPES.get(f["type"]).holds_rows), None)
        if holder is None:
            raise NotFoundError.says("builder_checks.no_table", form=form_id, table=table)
        rows = tuple(FieldSpec.from_definition(child) for child in holder["fields"])
        names = tuple(child.id for child in rows)
        return Place((*names, "user") if kind == "default" else names, rows, True, None, kind == "default")
    top = (*(f["id"] for f in form["fields"]), *SYSTEM_NAMES)
    fields = paths.fields_of(form_id) or ()
    if kind in FORM_KINDS:
        return Place((*top, "user") if kind == "default" else top, fields, True, form, kind == "default")
    if kind == "condition":
        return Place((*top, *FLOW_NAMES), fields, True, None, True)
    return Place((*top, "user"), fields, False, None, True)


def expression_report(
    document: Mapping[str, Any],
    form_id: str,
    kind: str,
    source: str,
    locale: str,
    *,
    pointer: str = "",
    cursor: int | None = None,
    table: str | None = None,
) -> dict[str, Any]:
    """``{"problems": [...], "completions": [...], "from", "to"}`` for ``source`` as a ``kind`` of ``form_id``."""
    paths = PathChecker(document)
    if kind == "automation":  # its names are its trigger's: the automation at ``pointer`` says which
        place = automation_place(document, pointer, paths)
    else:
        place = place_of(document, form_id, kind, paths, table)
    located = _problems(document, form_id, kind, source, pointer, place, paths)
    at = len(source) if cursor is None else max(0, min(cursor, len(source)))
    completions, start = _completions(document, kind, source[:at], place, paths, locale)
    return {
        "problems": [{**localize(item, locale).as_dict(), "start": begin, "end": end} for item, begin, end in located],
        "completions": completions,
        "from": start,
        "to": at,
    }


# -- problems ------------------------------------------------------------------------------------


def _problems(
    document: Mapping[str, Any],
    form_id: str,
    kind: str,
    source: str,
    pointer: str,
    place: Place,
    paths: PathChecker,
) -> list[tuple[Problem, int, int]]:
    whole = (0, len(source))
    try:
        expression = compile_expression(source, names=place.names)
    except ExpressionError as exc:
        return [(expression_problem(pointer, exc), *_error_span(source, exc))]
    found: list[tuple[Problem, int, int]] = []
    if place.walks:
        found += [(p, *_path_span(source, expression, p)) for p in paths.problems(pointer, expression, place.fields)]
    found += [(p, *whole) for p in aggregate_problems(document, pointer, expression, place.form)]
    if kind == "default":
        found += [(_at(p, pointer), *_user_span(source, p)) for p in default_user_problems(_holding(source))]
    if kind == "row_rule":
        found += [(p, *whole) for p in one_rule_problems(document, form_id, source, pointer)]
    return found


def _holding(source: str) -> dict[str, Any]:
    """A package of one field whose default is ``source``: what the default checks walk over."""
    return {"forms": [{"id": "f", "fields": [{"id": "f", "type": "text", "default_expr": source}]}]}


def _at(item: Problem, pointer: str) -> Problem:
    return Problem(pointer, item.code, item.message, item.params)


def offset(source: str, line: int | None, column: int | None) -> int:
    """The character offset of a 1-based line and column (both counted in characters)."""
    if line is None or column is None:
        return 0
    lines = source.split("\n")
    before = sum(len(text) + 1 for text in lines[: max(line - 1, 0)])
    return max(0, min(before + column - 1, len(source)))


def _word_end(source: str, start: int, name: str | None = None) -> int:
    if name and source.startswith(name, start):
        return start + len(name)
    found = _WORD.match(source, start)
    return found.end() if found else min(start + 1, len(source))


def _error_span(source: str, error: ExpressionError) -> tuple[int, int]:
    if not isinstance(error, LocatedExpressionError) or not error.located:
        return 0, len(source)
    start = offset(source, error.line, error.column)
    name = error.params.get("name")
    return start, _word_end(source, start, name if isinstance(name, str) else None)


def _path_span(source: str, expression: Expression, item: Problem) -> tuple[int, int]:
    """The step a path cannot take (``building`` of ``room.building``), else the whole path."""
    where = expression.path_positions().get(tuple(str(item.params.get("path", "")).split(".")))
    if where is None:
        return 0, len(source)
    start = offset(source, *where)
    chain = _CHAIN.match(source, start)
    if chain is None:
        return start, _word_end(source, start)
    steps = list(_WORD.finditer(source, start, chain.end()))
    for step in steps[1:]:
        if step.group() == item.params.get("step"):
            return step.start(), step.end()
    return chain.start(), chain.end()


def _user_span(source: str, item: Problem) -> tuple[int, int]:
    start = offset(source, item.params.get("line"), item.params.get("column"))
    chain = _CHAIN.match(source, start)
    return start, chain.end() if chain else len(source)


# -- completions ---------------------------------------------------------------------------------


def _completions(
    document: Mapping[str, Any], kind: str, before: str, place: Place, paths: PathChecker, locale: str
) -> tuple[list[dict[str, str]], int]:
    """What may follow the text before the cursor, and where the word being completed starts."""
    typed = _BEFORE_CURSOR.search(before[-_LOOK_BACK:])  # a path is short; never rescan a long text
    steps = [s.strip() for s in (typed.group(1) if typed else "").split(".") if s.strip()]
    partial = (typed.group(2) if typed else None) or ""
    start = len(before) - len(partial)
    if steps == ["user"] and place.user:
        items = [_user(name, locale, dotted=False) for name in USER_ATTRIBUTES]
    elif steps:
        items = _next_steps(document, steps, place, paths, locale)
    else:
        items = _top(kind, place, locale)
    return [item for item in items if item["label"].lower().startswith(partial.lower())], start


def _next_steps(
    document: Mapping[str, Any], steps: list[str], place: Place, paths: PathChecker, locale: str
) -> list[dict[str, str]]:
    """The fields one hop past ``room.building.``: those of the form the last relation points at."""
    end = walk(tuple(steps), place.fields, paths.fields_of)
    if not isinstance(end, PathEnd) or end.target is None or end.multiple:
        return []
    target = next((f for f in document.get("forms", []) if f["id"] == end.target), None)
    if target is None:
        return []
    form_name = localized(target.get("name"), locale, end.target)
    found = []
    for field in paths.fields_of(end.target) or ():
        label = translate("builder_checks.path_detail", locale, label=field.title(locale), form=form_name)
        found.append({"label": field.id, "type": "path", "detail": label, "path": ".".join([*steps, field.id])})
    for name in sorted(SYSTEM_STEPS):
        detail = translate("builder_checks.path_detail", locale, label=_system(name, locale), form=form_name)
        found.append({"label": name, "type": "path", "detail": detail, "path": ".".join([*steps, name])})
    return found


def _top(kind: str, place: Place, locale: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    fields = {f.id: f for f in place.fields}
    for name in place.names:
        if name in fields:
            found.append({"label": name, "type": "field", "detail": fields[name].title(locale)})
        elif name in SYSTEM_NAMES:
            found.append({"label": name, "type": "field", "detail": _system(name, locale)})
        elif name in ("outcome", "instance"):
            found.append({"label": name, "type": "field", "detail": translate(f"builder_checks.flow.{name}", locale)})
        elif name in ("before", "event"):  # an automation's trigger: the record as it was, what happened
            found.append(
                {"label": name, "type": "field", "detail": translate(f"builder_checks.automation.{name}", locale)}
            )
        elif name == "user":
            found.append({"label": "user", "type": "user", "detail": translate("builder_checks.user", locale)})
            found += [_user(attribute, locale, dotted=True) for attribute in USER_ATTRIBUTES]
    return found + functions(kind, locale, aggregates=place.form is not None)


def _system(name: str, locale: str) -> str:
    return translate(f"builder_checks.system.{name}", locale)


def _user(name: str, locale: str, *, dotted: bool) -> dict[str, str]:
    label = f"user.{name}" if dotted else name
    return {"label": label, "type": "user", "detail": translate(f"builder_checks.user.{name}", locale)}


def functions(kind: str, locale: str, *, aggregates: bool = True) -> list[dict[str, str]]:
    """The functions an expression of ``kind`` may call, each with its parameters and one line saying what
    it does; ``aggregates``: whether aggregates across records are computed where it runs."""
    if kind == "row_rule":
        names = sorted(CLOCKS)
    elif kind in FORM_KINDS and aggregates:
        names = sorted(HELPER_NAMES | AGGREGATE_NAMES)
    else:
        names = sorted(HELPER_NAMES)
    return [
        {
            "label": name,
            "type": "function",
            "detail": translate(f"builder_checks.function.{name}", locale),
            "signature": signature(name),
        }
        for name in names
    ]


def signature(name: str) -> str:
    """``round(value, digits)``: the function's parameters as a builder writes them."""
    function = HELPER_FUNCTIONS.get(name) or SIGNATURES[name]
    parameters = inspect.signature(function).parameters.values()
    words = [
        ("*" if p.kind is p.VAR_POSITIONAL else "") + p.name + ("=" if p.kind is p.KEYWORD_ONLY else "")
        for p in parameters
    ]
    return f"{name}({', '.join(words)})"
