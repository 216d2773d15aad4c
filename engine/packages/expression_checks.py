"""Compile every expression of a package where it will run, so a typo such as ``urgncy`` is found
when the package is validated instead of when the first ticket reaches that branch."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.errors import DefinitionError, ExpressionError, Problem
from engine.expressions import LocatedExpressionError, compile_expression
from engine.forms.acting import USER_ATTRIBUTES, unknown_user_attribute
from engine.forms.spec import FormSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.validation import FormValidator
from engine.packages.aggregate_checks import aggregate_problems
from engine.packages.messages import problem
from engine.registry import suggest

SYSTEM_NAMES = ("id", "created_at", "updated_at", "created_by", "updated_by")
FLOW_NAMES = ("outcome", "user", "instance")


def expression_problems(document: Mapping[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    forms = {f["id"]: f for f in document.get("forms", [])}

    def check(pointer: str, source: str, names: Iterable[str] | None, form: Mapping[str, Any] | None = None) -> None:
        """``form``: the expression is one of that form's own (its fields and rules), where aggregates are computed."""
        try:
            expression = compile_expression(source, names=None if names is None else list(names))
        except ExpressionError as exc:
            found.append(expression_problem(pointer, exc))
            return
        found.extend(aggregate_problems(document, pointer, expression, form))

    def fields_of(form_id: str | None) -> list[str]:
        form = forms.get(form_id or "")
        return [f["id"] for f in form["fields"]] if form else []

    for i, form in enumerate(document.get("forms", [])):
        base = f"/forms/{i}"
        top = [*fields_of(form["id"]), *SYSTEM_NAMES]
        before = len(found)
        for j, field in enumerate(form["fields"]):
            _field_expressions(check, f"{base}/fields/{j}", field, top, form)
            for k, child in enumerate(field.get("fields", []) if FIELD_TYPES.get(field["type"]).holds_rows else []):
                _field_expressions(check, f"{base}/fields/{j}/fields/{k}", child, [c["id"] for c in field["fields"]])
        for r, rule in enumerate(form.get("rules", [])):
            check(f"{base}/rules/{r}/check", rule["check"], top, form)
        if len(found) == before:
            try:
                FormValidator(FormSpec.from_definition(document["id"], form), base)
            except DefinitionError as exc:
                found.extend(exc.problems)

    found.extend(default_user_problems(document))

    for i, flow in enumerate(document.get("flows", [])):
        names = [*fields_of(flow["form"]), *SYSTEM_NAMES, *FLOW_NAMES]
        for k, edge in enumerate(flow["edges"]):
            if "condition" in edge:
                check(f"/flows/{i}/edges/{k}/condition", edge["condition"], names)
        for n, node in enumerate(flow["nodes"]):
            here = f"/flows/{i}/nodes/{n}"
            for key in ("set", "assign", "mapping"):
                for target, source in node.get(key, {}).items():
                    check(f"{here}/{key}/{target}", source, names)
            for r, row in enumerate(node.get("assignee", {}).get("table", [])):
                if "when" in row:
                    check(f"{here}/assignee/table/{r}/when", row["when"], names)
            for t, timer in enumerate(node.get("timers", [])):
                if "when" in timer:
                    check(f"{here}/timers/{t}/when", timer["when"], names)

    for i, automation in enumerate(document.get("automations", [])):
        form_id = automation["trigger"].get("form")
        trigger_names: list[str] | None = [*fields_of(form_id), *SYSTEM_NAMES, "user"] if form_id in forms else None
        if "condition" in automation:
            check(f"/automations/{i}/condition", automation["condition"], trigger_names)
        for a, action in enumerate(automation["actions"]):
            for target, source in action.get("set", {}).items():
                check(f"/automations/{i}/actions/{a}/set/{target}", source, trigger_names)

    for i, grant in enumerate(document.get("permissions", [])):
        if "rows" in grant:
            check(f"/permissions/{i}/rows", grant["rows"], [*fields_of(grant["form"]), *SYSTEM_NAMES, "user"])

    for i, report in enumerate(document.get("reports", [])):
        form_id = report["source"].get("form")
        measure_ids = [m["id"] for m in report["measures"]]
        for m, measure in enumerate(report["measures"]):
            if "where" in measure:
                where_names = [*fields_of(form_id), *SYSTEM_NAMES] if form_id else None
                check(f"/reports/{i}/measures/{m}/where", measure["where"], where_names)
            if "expression" in measure:
                check(f"/reports/{i}/measures/{m}/expression", measure["expression"], measure_ids)

    for i, connector in enumerate(document.get("connectors", [])):
        for target, source in connector.get("mapping", {}).items():
            check(f"/connectors/{i}/mapping/{target}", source, None)
    return found


def expression_problem(pointer: str, error: ExpressionError) -> Problem:
    """The Problem for an expression that does not compile, readable in either language.

    A sandbox error keeps its reason and hint as catalog phrases with its position, so
    ``engine.packages.messages.localize`` renders the whole sentence for a Chinese reader too.
    """
    if isinstance(error, LocatedExpressionError):
        return problem(pointer, error.code, **error.sentence_params())
    return problem(pointer, error.code, message=error.message)


def _field_expressions(
    check: Any, base: str, field: Mapping[str, Any], names: list[str], form: Mapping[str, Any] | None = None
) -> None:
    for key in ("visible_when", "required_when", "default_expr"):
        if key in field:
            check(f"{base}/{key}", field[key], [*names, "user"] if key == "default_expr" else names, form)
    formula_key = FIELD_TYPES.get(field["type"]).formula_key
    if formula_key is not None:
        check(f"{base}/{formula_key}", field[formula_key], names, form)


def default_user_problems(document: Mapping[str, Any]) -> list[Problem]:
    """``user.<name>`` in a ``default_expr`` that the acting person does not offer (``user.nope``)."""
    found: list[Problem] = []
    for i, form in enumerate(document.get("forms", [])):
        for j, field in enumerate(form["fields"]):
            children = field.get("fields", []) if FIELD_TYPES.get(field["type"]).holds_rows else []
            located = [(f"/forms/{i}/fields/{j}", field)]
            located += [(f"/forms/{i}/fields/{j}/fields/{k}", child) for k, child in enumerate(children)]
            for base, item in located:
                source = item.get("default_expr")
                try:
                    compile_expression(source)
                except ExpressionError:
                    continue  # not an expression at all: the compile check above said so
                unknown = unknown_user_attribute(source)
                if unknown is not None:
                    name, line, column = unknown
                    hint = suggest(name, USER_ATTRIBUTES)
                    found.append(
                        problem(
                            f"{base}/default_expr",
                            "form.unknown_user_attribute",
                            name=name,
                            line=line,
                            column=column,
                            known=", ".join(f"user.{a}" for a in USER_ATTRIBUTES),
                            hint=hint,
                        )
                    )
    return found
