"""Server-side validation of a submitted record: the one gate every write passes.

Order matters and is fixed: refuse unknown and system-owned keys; clean each value by its type;
fill defaults; clean sub-table rows (with their own formulas); compute formulas in dependency
order; check required / required-when on visible fields; check the form's rules. Every problem
is collected, keyed by field id (``parts_used/0/qty`` inside a sub-table), in the reader's language.

Expressions read related records through relation paths (``room.building.community``): the
caller passes ``related`` (``engine.forms.relation_paths.RelatedRecords``), which loads the
records the paths of this form reach, in batches and only as far as the acting person may read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from engine.errors import DefinitionError, ExpressionError, Problem, SubmissionError
from engine.expressions import Expression, LocatedExpressionError, compile_expression
from engine.forms.aggregates import AggregateReader, aggregate_values, aggregates_of
from engine.forms.relation_paths import RelatedRecords, paths_of, relate
from engine.forms.spec import FieldSpec, FormSpec, RuleSpec, localized
from engine.forms.types import FIELD_TYPES, FieldType, FieldValueError
from engine.forms.types.base import common_message
from engine.i18n import LOG_LOCALE, translate

Counted = Callable[[Mapping[str, Any]], Mapping[str, Any]]  # values -> the aggregates' context entries
MAX_ERRORS = 50


def submission_message(code: str, locale: str, **params: Any) -> str:
    """A sentence about a whole record (``field.record.<code>`` in the catalog) in ``locale``."""
    return translate(f"field.record.{code}", locale, **params)


@dataclass(frozen=True, slots=True)
class _Compiled:
    field: FieldSpec
    kind: FieldType
    visible_when: Expression | None
    required_when: Expression | None
    default_expr: Expression | None
    formula: Expression | None


def _compile(field: FieldSpec, pointer: str) -> _Compiled:
    def expression(source: str | None, key: str) -> Expression | None:
        if source is None:
            return None
        try:
            return compile_expression(source)
        except ExpressionError as exc:
            params = exc.sentence_params() if isinstance(exc, LocatedExpressionError) else {}
            problem = Problem(f"{pointer}/{key}", exc.code, exc.message, params)
            raise DefinitionError.says(
                "form.expression_invalid", problems=[problem], where=problem.pointer, reason=exc
            ) from None

    kind = FIELD_TYPES.get(field.type)
    return _Compiled(
        field=field,
        kind=kind,
        visible_when=expression(field.visible_when, "visible_when"),
        required_when=expression(field.required_when, "required_when"),
        default_expr=expression(field.default_expr, "default_expr"),
        formula=expression(kind.formula(field), "expression"),
    )


def formula_order(compiled: list[_Compiled], pointer: str) -> list[_Compiled]:
    """Formulas sorted so each runs after the formulas it reads; a cycle is a definition error."""
    formulas = {c.field.id: c for c in compiled if c.formula is not None}
    ordered: list[_Compiled] = []
    state: dict[str, str] = {}

    def visit(field_id: str, trail: list[str]) -> None:
        if state.get(field_id) == "done":
            return
        if state.get(field_id) == "visiting":
            cycle = " → ".join([*trail[trail.index(field_id) :], field_id])
            problem = Problem(pointer, "form.formula_cycle", translate("form.formula_cycle", LOG_LOCALE, cycle=cycle))
            raise DefinitionError.says("form.formula_cycle", problems=[problem], cycle=cycle)
        state[field_id] = "visiting"
        expression = formulas[field_id].formula
        assert expression is not None
        for name in sorted(expression.names):
            if name in formulas:
                visit(name, [*trail, field_id])
        state[field_id] = "done"
        ordered.append(formulas[field_id])

    for field_id in formulas:
        visit(field_id, [])
    return ordered


class FieldSetValidator:
    """Validates one level of fields: a form's top level, or the rows of one sub-table."""

    def __init__(self, fields: tuple[FieldSpec, ...], pointer: str):
        self.fields = fields
        self.compiled = [_compile(f, f"{pointer}/fields/{i}") for i, f in enumerate(fields)]
        self.paths = paths_of(
            e for c in self.compiled for e in (c.visible_when, c.required_when, c.default_expr, c.formula)
        )
        self.by_id = {c.field.id: c for c in self.compiled}
        self.formulas = formula_order(self.compiled, pointer)
        self.children = {
            c.field.id: FieldSetValidator(c.field.children, f"{pointer}/fields/{i}")
            for i, c in enumerate(self.compiled)
            if c.kind.holds_rows
        }

    def clean(
        self,
        data: Any,
        *,
        locale: str,
        prefix: str,
        errors: dict[str, list[str]],
        base: Mapping[str, Any] | None,
        trusted: frozenset[str],
        related: RelatedRecords | None,
        acting: Mapping[str, Any] | None = None,
        counted: Counted | None = None,
    ) -> dict[str, Any]:
        if not isinstance(data, dict):
            errors.setdefault(prefix.rstrip("/") or "_record", []).append(submission_message("not_object", locale))
            return {}
        values: dict[str, Any] = dict(base or {})
        for key, raw in data.items():
            self._clean_one(
                key,
                raw,
                values,
                locale=locale,
                prefix=prefix,
                errors=errors,
                trusted=trusted,
                related=related,
                acting=acting,
            )
        # what this submission names itself: a derived relation must agree with it, not overwrite it
        sent = {k: values[k] for k in data if isinstance(k, str) and values.get(k) not in (None, "", [])}
        if base is None:
            self._fill_defaults(values, related, acting, counted)
            for compiled in self.compiled:
                if compiled.kind.stores_value and not compiled.kind.computed:
                    values.setdefault(compiled.field.id, compiled.kind.empty_value())
        context = self.full_context(values, related, counted)
        for compiled in self.formulas:
            self._compute(compiled, values, context, locale, prefix, errors, sent)
            if compiled.kind.lookup_target(compiled.field) is not None:
                # a derived relation: paths through it read the record it now points at
                here = [p for p in self.paths if p[0] == compiled.field.id]
                relate(self.fields, [context], here, related)
        for compiled in self.compiled:
            self._check_required(compiled, values, context, locale, prefix, errors)
        return values

    def _clean_one(
        self,
        key: Any,
        raw: Any,
        values: dict[str, Any],
        *,
        locale: str,
        prefix: str,
        errors: dict[str, list[str]],
        trusted: frozenset[str],
        related: RelatedRecords | None,
        acting: Mapping[str, Any] | None = None,
    ) -> None:
        compiled = self.by_id.get(key) if isinstance(key, str) else None
        if compiled is None:
            label = str(key)[:40]
            errors.setdefault(f"{prefix}{label}", []).append(
                common_message("unknown_field", locale).format(label=label)
            )
            return
        field, kind = compiled.field, compiled.kind
        if (kind.computed or field.read_only or not kind.stores_value) and field.id not in trusted:
            errors.setdefault(f"{prefix}{field.id}", []).append(
                kind.error_text("computed", locale, field.title(locale))
            )
            return
        if kind.is_empty(raw):
            values[field.id] = kind.empty_value()
            return
        try:
            cleaned = kind.clean(field, raw)
        except FieldValueError as exc:
            message = kind.error_text(exc.code, locale, field.title(locale), **exc.params)
            errors.setdefault(f"{prefix}{field.id}", []).append(message)
            return
        if kind.holds_rows:
            child = self.children[field.id]
            if related is not None:
                child.prefetch(cleaned, related)
            cleaned = [
                child.clean(
                    row,
                    locale=locale,
                    prefix=f"{prefix}{field.id}/{n}/",
                    errors=errors,
                    base=None,
                    trusted=trusted,
                    related=related,
                    acting=acting,
                )
                for n, row in enumerate(cleaned)
            ]
        values[field.id] = cleaned

    def prefetch(self, rows: list[Any], related: RelatedRecords) -> None:
        """Load the related records the rows' paths reach for all rows at once (each row then finds them loaded)."""
        if not self.paths:
            return
        contexts: list[dict[str, Any]] = []
        for row in rows:
            context: dict[str, Any] = {}
            for compiled in self.compiled:
                raw = row.get(compiled.field.id) if isinstance(row, dict) else None
                if compiled.kind.lookup_target(compiled.field) is not None and not compiled.kind.is_empty(raw):
                    try:
                        context[compiled.field.id] = compiled.kind.clean(compiled.field, raw)
                    except FieldValueError:
                        continue  # refused when the row is cleaned
            contexts.append(context)
        relate(self.fields, contexts, self.paths, related)

    def _fill_defaults(
        self,
        values: dict[str, Any],
        related: RelatedRecords | None,
        acting: Mapping[str, Any] | None,
        counted: Counted | None,
    ) -> None:
        for compiled in self.compiled:
            field = compiled.field
            if values.get(field.id) is not None or compiled.kind.computed or not compiled.kind.stores_value:
                continue
            if field.default is not None:
                values[field.id] = compiled.kind.clean(field, field.default)
            elif compiled.default_expr is not None:
                try:
                    # the acting person (``user``, engine.forms.acting) besides the fields; the clock is a helper
                    result = compiled.default_expr.evaluate(
                        {**self.full_context(values, related, counted), **(acting or {})}
                    )
                    values[field.id] = None if result is None else compiled.kind.clean(field, _jsonish(result))
                except (ExpressionError, FieldValueError):
                    values[field.id] = None  # a default that cannot be computed leaves the field empty

    def context_for(
        self, values: Mapping[str, Any], related: RelatedRecords | None, paths: frozenset[tuple[str, ...]] | None = None
    ) -> dict[str, Any]:
        """The values as expressions read them: relation values on a path carry their records."""
        context = {c.field.id: values.get(c.field.id) for c in self.compiled if c.kind.stores_value}
        wanted = self.paths if paths is None else paths
        if wanted:
            relate(self.fields, [context], wanted, related)
        return context

    def full_context(
        self, values: Mapping[str, Any], related: RelatedRecords | None, counted: Counted | None
    ) -> dict[str, Any]:
        """``context_for`` plus the aggregates across records, computed beforehand (``engine.forms.aggregates``)."""
        context = self.context_for(values, related)
        if counted is not None:
            context.update(counted(values))
        return context

    def _compute(
        self,
        compiled: _Compiled,
        values: dict[str, Any],
        context: dict[str, Any],
        locale: str,
        prefix: str,
        errors: dict[str, list[str]],
        sent: Mapping[str, Any],
    ) -> None:
        field = compiled.field
        assert compiled.formula is not None
        try:
            result = compiled.kind.coerce_result(field, compiled.formula.evaluate(context))
        except (ExpressionError, FieldValueError, ArithmeticError, TypeError, ValueError) as exc:
            inputs = compiled.formula.names & set(self.by_id)
            if any(context.get(n) is None or f"{prefix}{n}" in errors for n in inputs):
                # an input is missing or wrong: that field's own message says what to fix
                values[field.id] = context[field.id] = None
                return
            errors.setdefault(f"{prefix}{field.id}", []).append(
                submission_message(
                    "formula_failed", locale, label=field.title(locale), reason=_reason(exc, compiled, locale)
                )
            )
            return
        if result is None and not compiled.kind.computed:
            return  # a derived value that reaches nothing keeps the value sent (or stays empty)
        if not compiled.kind.computed and field.id in sent and sent[field.id] != result:
            # a room of another building than the one chosen: say so, as a cascading picker does
            source = self.by_id[compiled.formula.source.split(".")[0]].field.title(locale)
            message = submission_message("derived_mismatch", locale, label=field.title(locale), source=source)
            errors.setdefault(f"{prefix}{field.id}", []).append(message)
            return
        values[field.id] = result
        context[field.id] = result

    def _check_required(
        self,
        compiled: _Compiled,
        values: dict[str, Any],
        context: Mapping[str, Any],
        locale: str,
        prefix: str,
        errors: dict[str, list[str]],
    ) -> None:
        field, kind = compiled.field, compiled.kind
        if kind.computed or not kind.stores_value or not kind.is_empty(values.get(field.id)):
            return
        if f"{prefix}{field.id}" in errors or not self.holds(compiled.visible_when, context, default=True):
            return
        if field.required or self.holds(compiled.required_when, context, default=False):
            errors.setdefault(f"{prefix}{field.id}", []).append(
                kind.error_text("required", locale, field.title(locale))
            )

    @staticmethod
    def holds(expression: Expression | None, context: Mapping[str, Any], *, default: bool) -> bool:
        if expression is None:
            return default
        try:
            return bool(expression.evaluate(context))
        except ExpressionError:
            return default


class FormValidator:
    """Compiled once per published form version; validates every create and update."""

    def __init__(self, spec: FormSpec, pointer: str = ""):
        self.spec = spec
        self.fields = FieldSetValidator(spec.fields, pointer)
        self.rules: list[tuple[RuleSpec, Expression]] = [(rule, compile_expression(rule.check)) for rule in spec.rules]
        self.paths = self.fields.paths | paths_of(expression for _, expression in self.rules)
        top = self.fields.compiled
        self.aggregates = aggregates_of(
            [c.formula for c in top]
            + [c.visible_when for c in top]
            + [c.required_when for c in top]
            + [c.default_expr for c in top]
            + [expression for _, expression in self.rules]
        )
        live = {c.field.id for c in self.fields.formulas if c.formula is not None and c.formula.aggregates}
        for compiled in self.fields.formulas:  # in dependency order: a formula reading a live one is live too
            if compiled.formula is not None and compiled.formula.names & live:
                live.add(compiled.field.id)
        #: formulas whose value changes when other records do: computed again whenever the record is read
        self.live_formulas = frozenset(live)
        self.live_aggregates = aggregates_of(c.formula for c in self.fields.formulas if c.field.id in live)

    def counted(self, reader: AggregateReader | None, *, live: bool = False) -> Counted | None:
        """What fills in this form's aggregates (``live``: those of live formulas) for a record's values."""
        wanted = self.live_aggregates if live else self.aggregates
        if reader is None or not wanted:
            return None
        return lambda values: aggregate_values(wanted, self.spec.id, values, reader)

    def validate(
        self,
        data: Any,
        *,
        locale: str = "zh-CN",
        existing: Mapping[str, Any] | None = None,
        trusted: frozenset[str] = frozenset(),
        related: RelatedRecords | None = None,
        acting: Mapping[str, Any] | None = None,
        aggregates: AggregateReader | None = None,
    ) -> dict[str, Any]:
        """Cleaned values of the whole record (``existing`` merged with ``data`` for an update).

        ``acting``: the names besides the fields a ``default_expr`` reads (``engine.forms.acting``).
        ``aggregates`` computes the aggregates across records the form's expressions read; without
        it an expression reading one fails (a formula is left empty, a rule refuses).
        """
        errors: dict[str, list[str]] = {}
        counted = self.counted(aggregates)
        values = self.fields.clean(
            data,
            locale=locale,
            prefix="",
            errors=errors,
            base=existing,
            trusted=trusted,
            related=related,
            acting=acting,
            counted=counted,
        )
        if not errors:
            self._check_rules(values, locale, errors, related, counted)
        if errors:
            trimmed = dict(list(errors.items())[:MAX_ERRORS])
            count = sum(len(v) for v in trimmed.values())
            raise SubmissionError(submission_message("invalid", locale, count=count), trimmed)
        return values

    def preview(self, data: Any, *, related: RelatedRecords | None = None) -> dict[str, Any]:
        """Which fields show and which are required for the values typed so far, and the formulas.

        Used by forms while someone types, so visible-when and required-when change live with
        exactly the server's rules. Values that do not clean are treated as empty; nothing raises.
        """
        errors: dict[str, list[str]] = {}
        values = self.fields.clean(
            data if isinstance(data, dict) else {},
            locale="en",
            prefix="",
            errors=errors,
            base=None,
            trusted=frozenset(),
            related=related,
        )
        context = self.fields.context_for(values, related)
        visible, required = {}, {}
        for compiled in self.fields.compiled:
            field = compiled.field
            visible[field.id] = self.fields.holds(compiled.visible_when, context, default=True)
            required[field.id] = field.required or self.fields.holds(compiled.required_when, context, default=False)
        formulas = {c.field.id: c.kind.dump(c.field, values.get(c.field.id)) for c in self.fields.formulas}
        # each sub-table row as it would be kept: read-only columns filled in (a unit price), amounts computed
        rows = {
            c.field.id: [
                {
                    child.field.id: child.kind.dump(child.field, row.get(child.field.id))
                    for child in self.fields.children[c.field.id].compiled
                    if child.kind.stores_value
                }
                for row in values.get(c.field.id) or []
                if isinstance(row, dict)
            ]
            for c in self.fields.compiled
            if c.kind.holds_rows
        }
        return {"visible": visible, "required": required, "formulas": formulas, "rows": rows}

    def refresh(
        self, values: Mapping[str, Any], *, related: RelatedRecords | None, aggregates: AggregateReader
    ) -> dict[str, Any]:
        """The live formulas of a stored record computed again (a formula that fails now is empty)."""
        found: dict[str, Any] = {}
        if not self.live_formulas:
            return found
        context = self.fields.full_context(values, related, self.counted(aggregates, live=True))
        for compiled in self.fields.formulas:
            if compiled.field.id in self.live_formulas:
                assert compiled.formula is not None
                try:
                    result = compiled.kind.coerce_result(compiled.field, compiled.formula.evaluate(context))
                except (ExpressionError, FieldValueError, ArithmeticError, TypeError, ValueError):
                    result = None
                found[compiled.field.id] = context[compiled.field.id] = result
        return found

    def _check_rules(
        self,
        values: Mapping[str, Any],
        locale: str,
        errors: dict[str, list[str]],
        related: RelatedRecords | None,
        counted: Counted | None = None,
    ) -> None:
        context = self.fields.context_for(values, related, self.paths)
        if counted is not None:
            context.update(counted(values))
        for rule, expression in self.rules:
            key = rule.fields[0] if rule.fields else "_record"
            try:
                holds = bool(expression.evaluate(context))
            except ExpressionError as exc:
                errors.setdefault(key, []).append(
                    submission_message("rule_failed", locale, rule=rule.id, reason=exc.message)
                )
                continue
            if not holds:
                errors.setdefault(key, []).append(localized(rule.message, locale, rule.id))


def _reason(error: Exception, compiled: _Compiled, locale: str) -> str:
    """Why a formula failed, in the reader's language where the engine wrote the sentence."""
    if isinstance(error, FieldValueError):
        return compiled.kind.error_text(error.code, locale, compiled.field.title(locale), **error.params)
    if isinstance(error, ExpressionError):
        return error.localized(locale)
    return str(error)


def _jsonish(value: Any) -> Any:
    """A computed default as the JSON a client would have sent, so the type's cleaning applies."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
