"""Check a package against the meta-schemas and turn jsonschema's findings into Problems.

jsonschema reports every failed keyword; people want one sentence per real mistake. So:
an unknown ``type`` gets a did-you-mean, a property left "unevaluated" only because its own
value was wrong is not reported twice, and the text-or-translations union reads as one rule.

Walking a whole package takes jsonschema 0.1–0.3 s, and the builder asks again about the same draft
on every check it makes while someone types (an expression, a report preview, the publish preview).
So the last few documents found sound are remembered: a document is a pure input and the validator
is rebuilt whenever a registry changes, so the same text judged by the same validator is sound
again. Documents with problems are always walked (their problems are what the person reads).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.errors import Problem
from engine.packages.messages import problem
from engine.packages.schema_assembly import app_validator
from engine.registry import suggest

_TYPE_NAMES = {
    "string": "a text",
    "object": "an object",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_PATTERN_HELP = {
    "^[a-z][a-z0-9_]{0,62}$": (
        "is not a valid id: use lower-case letters, digits and _ (start with a letter, at most 63)"
    ),
    "duration": "is not an ISO-8601 duration such as PT15M, PT4H or P3D",
    "semver": "is not a version like 1.0.0",
}


def pointer_of(path: Iterable[Any]) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


SOUND_REMEMBERED = 32  # documents: a handful of drafts being edited at once, each in a few versions


class _SoundDocuments:
    """The digests of the documents a validator last found sound, most recent last (bounded)."""

    def __init__(self, size: int):
        self.size = size
        self._seen: OrderedDict[bytes, Draft202012Validator] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def digest(document: Any) -> bytes | None:
        try:
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):  # not JSON (a caller's garbage): never remembered
            return None
        return hashlib.blake2b(text.encode(), digest_size=32).digest()

    def holds(self, digest: bytes, validator: Draft202012Validator) -> bool:
        with self._lock:
            if self._seen.get(digest) is not validator:  # another validator (a registry changed) judges anew
                return False
            self._seen.move_to_end(digest)
            return True

    def add(self, digest: bytes, validator: Draft202012Validator) -> None:
        with self._lock:
            self._seen[digest] = validator
            self._seen.move_to_end(digest)
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)


_SOUND = _SoundDocuments(SOUND_REMEMBERED)


def structure_problems(document: Any) -> list[Problem]:
    validator = app_validator()
    digest = _SOUND.digest(document)
    if digest is not None and _SOUND.holds(digest, validator):
        return []
    found = _problems(validator, document)
    if digest is not None and not found:
        _SOUND.add(digest, validator)
    return found


def _problems(validator: Draft202012Validator, document: Any) -> list[Problem]:
    errors = list(validator.iter_errors(document))
    found = [_convert(error) for error in errors if not _is_echo(error, errors)]
    unique: dict[tuple[str, str], Problem] = {}
    for item in found:
        unique.setdefault((item.pointer, item.message), item)
    return sorted(unique.values(), key=lambda p: pointer_sort_key(p.pointer))


def pointer_sort_key(pointer: str) -> list[Any]:
    """Order pointers as the document reads: /a/2 before /a/10."""
    return [(0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part) for part in pointer.split("/")]


def _is_echo(error: ValidationError, errors: list[ValidationError]) -> bool:
    """True for 'unevaluated property' findings on an object that has another finding inside it.

    When any branch of an object's schema fails, jsonschema drops that branch's annotations, so
    every property the branch knew about is reported as unexpected too. Those echoes are noise;
    the real finding is reported, and a true unknown property shows once the rest is fixed.
    """
    if error.validator != "unevaluatedProperties":
        return False
    here = list(error.absolute_path)
    return any(
        other is not error
        and other.validator != "unevaluatedProperties"
        and list(other.absolute_path)[: len(here)] == here
        for other in errors
    )


def _unexpected_names(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = set(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        known |= set(branch.get("then", {}).get("properties", {}))
    listed = [name for name in instance if f"'{name}'" in error.message]
    return listed or [name for name in instance if name not in known]


def _convert(error: ValidationError) -> Problem:
    pointer = pointer_of(error.absolute_path)
    kind = error.validator
    value: Any = error.validator_value
    instance = error.instance
    if kind == "required":
        name = error.message.split("'")[1] if "'" in error.message else str(value)
        return problem(pointer, "schema.required", name=name)
    if kind in ("unevaluatedProperties", "additionalProperties"):
        names = _unexpected_names(error)
        name = names[0] if names else "?"
        allowed = _allowed_properties(error.schema)
        if name in allowed:
            hint = f" for type '{error.instance.get('type')}'" if isinstance(error.instance, dict) else ""
        else:
            hint = suggest(name, allowed)
        return problem(f"{pointer}/{name}", "schema.unknown_property", name=name, hint=hint)
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        return problem(
            pointer,
            "schema.type",
            expected=" or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected),
            actual=_describe(instance),
        )
    if kind == "enum":
        allowed = [str(v) for v in value]
        shown = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(allowed[:12]) + ", ..."
        return problem(
            pointer, "schema.enum", value=_short(instance), allowed=shown, hint=suggest(str(instance), allowed)
        )
    if kind == "const":
        return problem(pointer, "schema.const", expected=value)
    if kind == "pattern":
        return problem(pointer, "schema.pattern", value=f"'{_short(instance)}'", pattern_help=_pattern_help(value))
    if kind in ("minLength", "minItems", "minProperties"):
        return problem(pointer, "schema.too_short", limit=value, unit=_unit(kind))
    if kind in ("maxLength", "maxItems", "maxProperties"):
        return problem(pointer, "schema.too_long", limit=value, unit=_unit(kind))
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        rule = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        return problem(pointer, "schema.range", value=_short(instance), rule=f"{rule} {value}")
    if kind == "uniqueItems":
        return problem(pointer, "schema.not_unique")
    if kind == "anyOf" and _is_text_union(value):
        return problem(pointer, "schema.text")
    if kind == "oneOf":
        return problem(pointer, "schema.one_of", message=_one_of_message(error))
    return problem(pointer, "schema.invalid", message=error.message[:300])


def _allowed_properties(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return []
    names = set(schema.get("properties", {}))
    for branch in schema.get("allOf", []):
        names |= set(branch.get("then", {}).get("properties", {}))
    return sorted(names)


def _is_text_union(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) and v.get("type") == "string" for v in value)


def _one_of_message(error: ValidationError) -> str:
    branches: Any = error.validator_value
    options = [sorted(branch.get("required", [])) for branch in branches if isinstance(branch, dict)]
    if all(len(o) == 1 for o in options):
        names = " or ".join(f"'{o[0]}'" for o in options)
        return f"give exactly one of {names}"
    return str(error.message)[:300]


def _pattern_help(pattern: str) -> str:
    if pattern in _PATTERN_HELP:
        return _PATTERN_HELP[pattern]
    if pattern.startswith("^P(?!$)"):
        return _PATTERN_HELP["duration"]
    if pattern.startswith("^(0|[1-9]"):
        return _PATTERN_HELP["semver"]
    return f"does not match the expected form {pattern}"


def _unit(kind: str) -> str:
    return {"minLength": "characters", "maxLength": "characters", "minItems": "items", "maxItems": "items"}.get(
        kind, "entries"
    )


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    for python_type, name in ((dict, "object"), (list, "array"), (str, "string"), (int, "integer"), (float, "number")):
        if isinstance(value, python_type):
            return _TYPE_NAMES[name]
    return _TYPE_NAMES["null"]


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
