"""Compile every expression of a package where it will run, so a typo such as ``urgncy`` is found
when the package is validated instead of when the first ticket reaches that branch; and walk every
relation path it reads (``room.building.community``) over the forms (``path_checks``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from engine.automations import ACTION_TYPES, TRIGGER_TYPES, PackageIndex, expression_names
from engine.errors import DefinitionError, ExpressionError, Problem
from engine.expressions import Expression, LocatedExpressionError, compile_expression
from engine.forms.acting import USER_ATTRIBUTES, unknown_user_attribute
from engine.forms.spec import FieldSpec, FormSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.validation import FormValidator
from engine.packages.aggregate_checks import aggregate_problems
from engine.packages.messages import problem
from engine.packages.path_checks import PathChecker
from engine.registry import suggest

SYSTEM_NAMES = ("id", "created_at", "updated_at", "created_by", "updated_by")
FLOW_NAMES = ("outcome", "user", "instance")


class Check(Protocol):
    def __call__(
        self,
        pointer: str,
        source: str,
        names: Iterable[str] | None,
        root: Sequence[FieldSpec] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> Expression | None: ...


def expression_problems(document: Mapping[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    forms = {f["id"]: f for f in document.get("forms", [])}
    paths = PathChecker(document)

    def check(
        pointer: str,
        source: str,
        names: Iterable[str] | None,
        root: Sequence[FieldSpec] | None = None,
        form: Mapping[str, Any] | None = None,
    ) -> Expression | None:
        """Compile ``source`` where it runs; with ``root`` (the fields it runs on) walk its relation paths.

        ``form``: the expression is one of that form's own (its fields and rules), where aggregates
        across records are computed; anywhere else an aggregate is refused.
        """
        try:
            expression = compile_expression(source, names=None if names is None else list(names))
        except ExpressionError as exc:
            found.append(expression_problem(pointer, exc))
            return None
        if root is not None:
            found.extend(paths.problems(pointer, expression, root))
        found.extend(aggregate_problems(document, pointer, expression, form))
        return expression

    def fields_of(form_id: str | None) -> list[str]:
        form = forms.get(form_id or "")
        return [f["id"] for f in form["fields"]] if form else []

    for i, form in enumerate(document.get("forms", [])):
        base = f"/forms/{i}"
        top = [*fields_of(form["id"]), *SYSTEM_NAMES]
        top_fields = paths.fields_of(form["id"]) or ()
        before = len(found)
        for j, field in enumerate(form["fields"]):
            found.extend(_field_expressions(check, paths, f"{base}/fields/{j}", field, top, top_fields, form))
            if FIELD_TYPES.get(field["type"]).holds_rows:
                rows = tuple(FieldSpec.from_definition(c) for c in field["fields"])
                for k, child in enumerate(field["fields"]):
                    here = f"{base}/fields/{j}/fields/{k}"
                    found.extend(_field_expressions(check, paths, here, child, [c.id for c in rows], rows))
        for r, rule in enumerate(form.get("rules", [])):
            check(f"{base}/rules/{r}/check", rule["check"], top, top_fields, form)
        if len(found) == before:
            try:
                FormValidator(FormSpec.from_definition(document["id"], form), base)
            except DefinitionError as exc:
                found.extend(exc.problems)

    found.extend(default_user_problems(document))

    for i, flow in enumerate(document.get("flows", [])):
        names = [*fields_of(flow["form"]), *SYSTEM_NAMES, *FLOW_NAMES]
        root = paths.fields_of(flow["form"])
        for k, edge in enumerate(flow["edges"]):
            if "condition" in edge:
                check(f"/flows/{i}/edges/{k}/condition", edge["condition"], names, root)
        for n, node in enumerate(flow["nodes"]):
            here = f"/flows/{i}/nodes/{n}"
            for key in ("set", "assign", "mapping"):
                for target, source in node.get(key, {}).items():
                    check(f"{here}/{key}/{target}", source, names, root)
            for r, row in enumerate(node.get("assignee", {}).get("table", [])):
                if "when" in row:
                    check(f"{here}/assignee/table/{r}/when", row["when"], names, root)
            if isinstance(node.get("idempotency_key"), str):
                check(f"{here}/idempotency_key", node["idempotency_key"], names, root)
            if isinstance(node.get("business_hours"), str):  # a timer node's own wait
                check(f"{here}/business_hours", node["business_hours"], names, root)
            for t, timer in enumerate(node.get("timers", [])):
                for key in ("when", "business_hours"):
                    if isinstance(timer.get(key), str):
                        check(f"{here}/timers/{t}/{key}", timer[key], names, root)

    index = PackageIndex.from_document(document)
    for i, automation in enumerate(document.get("automations", [])):
        if automation["trigger"]["type"] not in TRIGGER_TYPES:
            continue
        trigger_names = expression_names(automation["trigger"], index)
        root = paths.fields_of(automation["trigger"].get("form"))
        if "where" in automation["trigger"]:
            check(f"/automations/{i}/trigger/where", automation["trigger"]["where"], trigger_names, root)
        if "condition" in automation:
            check(f"/automations/{i}/condition", automation["condition"], trigger_names, root)
        for a, action in enumerate(automation["actions"]):
            if action["type"] in ACTION_TYPES:
                for key, source in ACTION_TYPES.get(action["type"]).expressions(action).items():
                    check(f"/automations/{i}/actions/{a}/{key}", source, trigger_names, root)

    for i, grant in enumerate(document.get("permissions", [])):
        if "rows" in grant:
            check(f"/permissions/{i}/rows", grant["rows"], [*fields_of(grant["form"]), *SYSTEM_NAMES, "user"])

    for i, report in enumerate(document.get("reports", [])):
        form_id = report["source"].get("form")
        measure_ids = [m["id"] for m in report["measures"]]
        for m, measure in enumerate(report["measures"]):
            if "where" in measure:
                where_names = [*fields_of(form_id), *SYSTEM_NAMES, "user"] if form_id else None  # user: the viewer
                check(f"/reports/{i}/measures/{m}/where", measure["where"], where_names, paths.fields_of(form_id))
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
    check: Check,
    paths: PathChecker,
    base: str,
    field: Mapping[str, Any],
    names: list[str],
    root: Sequence[FieldSpec],
    form: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """Check a field's expressions; the problems of a derived relation's path are returned.

    ``form``: a top-level field of that form (aggregates run there); None inside a sub-table row.
    """
    for key in ("visible_when", "required_when", "default_expr"):
        if key in field:
            check(f"{base}/{key}", field[key], [*names, "user"] if key == "default_expr" else names, root, form)
    formula_key = FIELD_TYPES.get(field["type"]).formula_key
    if formula_key is None or formula_key not in field:
        return []
    expression = check(f"{base}/{formula_key}", field[formula_key], names, root, form)
    if expression is None:
        return []
    return paths.derived(f"{base}/{formula_key}", FieldSpec.from_definition(field), expression, root)


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
