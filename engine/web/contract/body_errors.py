"""A marshmallow refusal told the way the engine tells every refused submission: a 422 whose
``errors`` map each field (dotted path) to a sentence in the reader's language.

Marshmallow's own sentences are English, so they are never shown: each refused field is told by
what kind of value it wants (read off the schema's field), and a validator built with
``limits.py`` carries a catalog code and its bound in its message instead of English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import Schema, fields
from marshmallow import ValidationError as SchemaError

from engine.errors import SubmissionError
from engine.i18n import translate

#: a validator message that is a catalog code: ``"api.body.code|bound"`` (see ``limits.py``)
CODE_MARK = "api.body."

#: the kind of value a field wants, by marshmallow field class (first match in the class's MRO)
KINDS: tuple[tuple[type[fields.Field[Any]], str], ...] = (
    (fields.Boolean, "api.kind.boolean"),
    (fields.Integer, "api.kind.integer"),
    (fields.Number, "api.kind.number"),
    (fields.DateTime, "api.kind.moment"),
    (fields.Date, "api.kind.date"),
    (fields.List, "api.kind.list"),
    (fields.Dict, "api.kind.object"),
    (fields.Nested, "api.kind.object"),
    (fields.String, "api.kind.text"),
)


def refusal_of(error: SchemaError, schema: Schema, data: Any, locale: str) -> SubmissionError:
    field_errors: dict[str, list[str]] = {}
    for path, messages in _flatten(error.messages):
        field_errors[path or "_body"] = [_sentence(schema, data, path, messages, locale)]
    first = next(iter(field_errors))
    refused = SubmissionError.says("api.body.refused", field=first)
    refused.field_errors = field_errors
    return refused


def _flatten(messages: Any, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            name = "" if key == "_schema" else str(key)
            yield from _flatten(inner, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        yield prefix, list(messages)
    elif isinstance(messages, list):
        for inner in messages:
            yield from _flatten(inner, prefix)
    else:
        yield prefix, [str(messages)]


def _sentence(schema: Schema, data: Any, path: str, messages: list[str], locale: str) -> str:
    for message in messages:
        if message.startswith(CODE_MARK):
            code, _, bound = message.partition("|")
            return translate(code, locale, bound=bound)
    if not path:
        return translate("api.body.not_object", locale)
    field = _field_at(schema, path)
    if field is None:
        return translate("api.body.unknown_field", locale, allowed=", ".join(_names(schema, path)))
    if field.required and not _present(data, path):
        return translate("api.body.required", locale)
    if field.error_messages.get("null") in messages:
        return translate("api.body.not_null", locale)
    return translate("api.body.wants", locale, kind=translate(_kind(field), locale))


def _field_at(schema: Schema, path: str) -> fields.Field[Any] | None:
    current: Any = schema
    found: fields.Field[Any] | None = None
    for part in path.split("."):
        if part.isdigit() and isinstance(found, fields.List):
            found = found.inner
            current = found.schema if isinstance(found, fields.Nested) else None
            continue
        if not isinstance(current, Schema):
            return found
        found = current.fields.get(part)
        if found is None:
            return None
        current = found.schema if isinstance(found, fields.Nested) else None
    return found


def _names(schema: Schema, path: str) -> list[str]:
    parent = path.rpartition(".")[0]
    holder = _field_at(schema, parent) if parent else None
    inner = holder.schema if isinstance(holder, fields.Nested) else schema
    return sorted(name for name, f in inner.fields.items() if not f.dump_only)


def _present(data: Any, path: str) -> bool:
    current = data
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return False
    return current is not None


def _kind(field: fields.Field[Any]) -> str:
    for kind, code in KINDS:
        if isinstance(field, kind):
            return code
    return "api.kind.value"
