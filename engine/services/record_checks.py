"""What a record write must pass beyond validation (services layer): field rights, references,
uniqueness, and the writer's row rules (a record may not be created or moved outside them).

Each check collects every finding as field errors in the writer's language and raises them
together, so a form shows all of them at once under their fields.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import PermissionDeniedError, SubmissionError
from engine.forms.permissions import FormAccess
from engine.forms.row_rules import fields_of
from engine.forms.spec import FieldSpec
from engine.forms.types import FIELD_TYPES
from engine.forms.types.base import common_message
from engine.forms.validation import submission_message
from engine.i18n import LOG_LOCALE, translate
from engine.storage.catalog import CompiledApp, CompiledForm
from engine.storage.flow_directory import ActivePerson
from engine.storage.records import RecordRepository, Transaction

#: (transaction, app id, user ids or logins) -> the active ones among them, keyed by id and login
PeopleLookup = Callable[[Transaction, str, Collection[str]], Mapping[str, ActivePerson]]


def refuse(errors: Mapping[str, list[str]], locale: str) -> None:
    """Raise the collected field errors, if any, as one submission error."""
    if errors:
        raise SubmissionError(submission_message("invalid", locale, count=len(errors)), errors)


def refuse_fields(
    access: FormAccess, data: Any, record: Mapping[str, Any] | None, action: str, form: CompiledForm, locale: str
) -> None:
    """Fields this principal may not write (hidden or read-only for them) are refused by name."""
    if not isinstance(data, dict):
        return
    fields = {f.id: f for f in form.spec.fields}
    errors = {
        key: [translate("record.not_yours", locale, label=fields[key].title(locale))]
        for key in data
        if key in fields and access.field_mode(key, record=record, action=action) != "editable"
    }
    refuse(errors, locale)


@dataclass(frozen=True, slots=True)
class Titles:
    """Form and field titles as an error parameter, said in the reader's language when rendered."""

    titled: tuple[Any, ...]  # FormSpec / FieldSpec: anything with ``title(locale)``

    def localized(self, locale: str | None) -> str:
        separator = translate("record.list_separator", locale)
        return separator.join(item.title(locale or "en") for item in self.titled)


def refuse_outside_rows(
    rows: RecordRepository,
    session: Transaction,
    access: FormAccess,
    action: str,
    form: CompiledForm,
    values: Mapping[str, Any],
    row: Any | None,
) -> None:
    """A writer limited by row rules may create only a record their rules for ``action`` match, and
    update one only into a state they still match (no moving a record out of their rows).

    The refusal is a 403, like every other "you may not": the values are valid, only not this
    writer's to put there. It names the form and the fields the rules read that the writer can
    see, never the rule or another field's value.
    """
    rule = access.rows_for(action)
    if rule is None:
        return
    if access.admits(action, rows.rule_values(session, form, values, row, access.principal)):
        return
    read = {name.split(".", 1)[0] for name in fields_of(rule)}
    shown = [f for f in form.spec.fields if f.id in read and access.field_mode(f.id, action=action) != "hidden"]
    if shown:
        error = PermissionDeniedError.says(
            f"record.rows.{action}_fields", form=Titles((form.spec,)), fields=Titles(tuple(shown))
        )
    else:
        error = PermissionDeniedError.says(f"record.rows.{action}", form=Titles((form.spec,)))
    error.details["fields"] = [f.id for f in shown]
    raise error


def refuse_missing(form: CompiledForm, values: Mapping[str, Any], required: frozenset[str], locale: str) -> None:
    """Fields a flow step requires that are still empty."""
    fields = {f.id: f for f in form.spec.fields}
    missing = {
        k: [common_message("required", locale).format(label=fields[k].title(locale))]
        for k in sorted(required)
        if k in fields and values.get(k) in (None, "", [])
    }
    refuse(missing, locale)


def check_references(
    rows: RecordRepository,
    session: Transaction,
    app: CompiledApp,
    form: CompiledForm,
    values: Mapping[str, Any],
    locale: str,
) -> None:
    """Every related record exists and is not deleted: one query per target form for the whole record."""
    named: list[tuple[FieldSpec, str, str, list[Any]]] = []  # (field, error key, target, ids)

    def note(field: FieldSpec, value: Any, key: str) -> None:
        target = FIELD_TYPES.get(field.type).related_form(field)
        if target is not None and value not in (None, []):
            named.append((field, key, target, value if isinstance(value, list) else [value]))

    for field in form.spec.fields:
        note(field, values.get(field.id), field.id)
        if FIELD_TYPES.get(field.type).holds_rows:
            for n, row in enumerate(values.get(field.id) or []):
                for child in field.children:
                    note(child, row.get(child.id), f"{field.id}/{n}/{child.id}")
    wanted: dict[str, set[Any]] = {}
    for _, _, target, items in named:
        wanted.setdefault(target, set()).update(items)
    present = {target: rows.live_ids(session, app.forms[target], sorted(ids)) for target, ids in wanted.items()}
    errors: dict[str, list[str]] = {}
    for field, key, target, items in named:
        for item in items:
            if item not in present[target]:
                errors.setdefault(key, []).append(
                    translate("record.missing", locale, label=field.title(locale), value=item)
                )
    refuse(errors, locale)


def check_narrowing(
    rows: RecordRepository,
    session: Transaction,
    app: CompiledApp,
    form: CompiledForm,
    values: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    locale: str,
) -> None:
    """A relation narrowed by another answer (``filter_by``: a room of the chosen building) names only
    records that fit it. An empty narrowing answer narrows nothing; an update is checked only where the
    relation or its narrowing answers change, so a room moved since does not block editing the rest."""
    errors: dict[str, list[str]] = {}

    def check(
        field: FieldSpec,
        siblings: Sequence[FieldSpec],
        level: Mapping[str, Any],
        old: Mapping[str, Any] | None,
        key: str,
    ) -> None:
        kind = FIELD_TYPES.get(field.type)
        pairs = kind.narrowed_by(field)
        value = level.get(field.id)
        wanted = {theirs: level.get(ours) for theirs, ours in pairs.items() if level.get(ours) is not None}
        if not wanted or value in (None, []):
            return
        if old is not None and all(level.get(f) == old.get(f) for f in (field.id, *pairs.values())):
            return
        target = kind.related_form(field)
        assert target is not None  # only relations narrow their choices
        chosen = value if isinstance(value, list) else [value]
        fitting = rows.live_ids(session, app.forms[target], chosen, equal=wanted)
        if set(chosen) - fitting:  # a missing record is check_references' to report
            fitting |= set(chosen) - rows.live_ids(session, app.forms[target], chosen)
        titles = {f.id: f.title(locale) for f in siblings}
        labels = translate("record.list_separator", locale).join(
            titles[ours] for theirs, ours in pairs.items() if theirs in wanted
        )
        for item in value if isinstance(value, list) else [value]:
            if item not in fitting:
                errors.setdefault(key, []).append(
                    translate("record.not_narrowed", locale, label=field.title(locale), value=item, sources=labels)
                )

    old_values = before or {}
    for field in form.spec.fields:
        check(field, form.spec.fields, values, before, field.id)
        if FIELD_TYPES.get(field.type).holds_rows:
            old_rows = old_values.get(field.id) or []
            for n, row in enumerate(values.get(field.id) or []):
                old_row = old_rows[n] if before is not None and n < len(old_rows) else None
                for child in field.children:
                    check(child, field.children, row, old_row, f"{field.id}/{n}/{child.id}")
    refuse(errors, locale)


def check_unique(
    rows: RecordRepository,
    session: Transaction,
    form: CompiledForm,
    values: Mapping[str, Any],
    locale: str,
    exclude: int | None,
) -> None:
    """No other record holds the value of a unique field (``exclude``: the record being changed)."""
    errors: dict[str, list[str]] = {}
    for field in form.spec.fields:
        value = values.get(field.id)
        if not field.unique or value in (None, ""):
            continue
        if rows.value_taken(session, form, field.id, value, exclude):
            shown = FIELD_TYPES.get(field.type).dump(field, value)
            errors.setdefault(field.id, []).append(
                translate("record.taken", locale, label=field.title(locale), value=shown)
            )
    for group in unique_groups(form):
        fields = [form.spec.field(field_id) for field_id in group]
        wanted = {f.id: values.get(f.id) for f in fields}
        if any(value in (None, "") for value in wanted.values()):
            continue  # an empty answer never clashes, as NULL in the unique index
        if rows.combination_taken(session, form, wanted, exclude):
            labels = translate("record.list_separator", locale).join(f.title(locale) for f in fields)
            message = translate("record.taken_together", locale, labels=labels)
            for field in fields:
                errors.setdefault(field.id, []).append(message)
    refuse(errors, locale)


def unique_groups(form: CompiledForm) -> list[tuple[str, ...]]:
    """The field groups no two records may share answers in: ``unique_together`` and unique indexes."""
    groups = list(form.spec.unique_together)
    groups.extend(tuple(index["fields"]) for index in form.spec.indexes if index.get("unique"))
    return groups


def check_people(
    people: PeopleLookup,
    session: Transaction,
    app: CompiledApp,
    form: CompiledForm,
    values: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    locale: str,
) -> None:
    """Every person a write puts in a user field is an active user holding the field's role and group.

    Only people the write adds are checked (a person who left does not block editing an old record),
    and all of them in one directory query.
    """
    wanted: list[tuple[FieldSpec, str, str]] = []  # (field, error key, person)

    def collect(field: FieldSpec, value: Any, old: set[str], key: str) -> None:
        if FIELD_TYPES.get(field.type).people_limit(field) is None or value in (None, "", []):
            return
        for item in value if isinstance(value, list) else [value]:
            if str(item) not in old:
                wanted.append((field, key, str(item)))

    def held(value: Any) -> set[str]:
        return {str(v) for v in (value if isinstance(value, list) else [value]) if v not in (None, "")}

    old_values = before or {}
    for field in form.spec.fields:
        collect(field, values.get(field.id), held(old_values.get(field.id)), field.id)
        if FIELD_TYPES.get(field.type).holds_rows:
            old_rows = old_values.get(field.id) or []
            for child in field.children:
                old = set().union(*(held(r.get(child.id)) for r in old_rows)) if old_rows else set()
                for n, row in enumerate(values.get(field.id) or []):
                    collect(child, row.get(child.id), old, f"{field.id}/{n}/{child.id}")
    if not wanted:
        return
    found = people(session, app.app_id, {person for _, _, person in wanted})
    errors: dict[str, list[str]] = {}
    for field, key, person in wanted:
        problem = _person_problem(field, found.get(person), person, locale)
        if problem:
            errors.setdefault(key, []).append(problem)
    refuse(errors, locale)


def _person_problem(field: FieldSpec, found: ActivePerson | None, person: str, locale: str) -> str | None:
    limit = FIELD_TYPES.get(field.type).people_limit(field)
    label = field.title(locale)
    if found is None:
        return translate("record.person_unknown", locale, label=label, value=person)
    if limit is not None and limit.role and limit.role not in found.roles:
        return translate("record.person_not_in_role", locale, label=label, value=person, role=limit.role)
    if limit is not None and limit.group and limit.group not in found.groups:
        return translate("record.person_not_in_group", locale, label=label, value=person, group=limit.group)
    return None


def people_refusal(
    people: PeopleLookup | None, session: Transaction, app: CompiledApp, form: CompiledForm, values: Mapping[str, Any]
) -> str | None:
    """Why the record would refuse these people in its user fields, in the log's language; None when it
    would take them. A flow asks before it writes the person a dispatch chose."""
    if people is None:
        return None
    try:
        check_people(people, session, app, form, values, None, LOG_LOCALE)
    except SubmissionError as refused:
        return "; ".join(m for messages in refused.field_errors.values() for m in messages)
    return None
