"""The contract every field type keeps, and the registry that finds a type by its key (forms domain).

A field type is one class and owns everything that depends on its kind of value: the keys of its
definition (``config_schema``, merged into the package schema), the JSON Schema a client may check
values against, how the server cleans a submitted value (or which message refuses it), how it is
stored (an abstract column kind that storage maps to SQL), how it is written back as JSON, what a
form renderer needs to draw it, how a page shows it and how an export writes it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from engine.forms.export_shapes import ExportShape, dumped_shape
from engine.forms.spec import FieldSpec
from engine.i18n import CATALOG, normalize_locale
from engine.registry import Registry

#: a type's own message codes: the code ``clean`` raises -> the catalog code of its sentence
MessageCodes = Mapping[str, str]
#: the UI description of one field (``engine.forms.ui.field_ui``), for a sub-table's columns
Describe = Callable[[FieldSpec], dict[str, Any]]

COMMON_MESSAGES: MessageCodes = {
    "required": "field.required",
    "wrong_type": "field.wrong_type",
    "too_long": "field.too_long",
    "unknown_field": "field.unknown_field",
    "computed": "field.computed",
}


@dataclass(frozen=True, slots=True)
class Column:
    """An abstract column: storage decides the SQL type per back-end."""

    kind: str  # string | text | decimal | integer | boolean | date | datetime | time | json | reference
    length: int | None = None
    scale: int | None = None
    target: str | None = None  # the form a reference points at


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A definition key its ``config_schema`` accepts whose value still makes no sense (min above max)."""

    key: str  # the definition key it points at
    code: str  # the catalog code of its sentence
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PeopleLimit:
    """Who a person field may name: an active user, holding ``role`` (in the app) and in ``group`` when set."""

    role: str | None = None
    group: str | None = None  # a directory group's name or id


class FieldValueError(Exception):
    """A submitted value is refused; ``code`` finds the sentence in the type's message codes."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


class Reader(Protocol):
    """What showing or editing a value needs from the page around it (the web layer supplies it)."""

    @property
    def locale(self) -> str: ...

    def record_title(self, target: str, record_id: int) -> str:
        """The title of a related record (``#12`` when the reader may not see it)."""
        ...

    def attachment_url(self, attachment_id: str) -> str: ...

    def thumbnail_url(self, attachment_id: str) -> str:
        """A small preview of an image attachment (a page links it to :meth:`attachment_url`)."""
        ...

    def person_name(self, user_id: str) -> str:
        """A person's display name (never their login); the id itself when it names nobody."""
        ...

    def choices(self, target: str) -> list[dict[str, Any]]:
        """Records of ``target`` a relation input offers."""
        ...


class FieldType(ABC):
    key: ClassVar[str]
    computed: ClassVar[bool] = False  # set by the server (formulas, serial numbers, timestamps)
    stores_value: ClassVar[bool] = True  # False for layout elements
    captured: ClassVar[bool] = False  # filled in by the phone (a check-in's location): shown, never typed
    collects_lines: ClassVar[bool] = False  # text an approval may add one "name: opinion" line per signer to
    system_column: ClassVar[str | None] = None  # an alias of a column every record has
    messages: ClassVar[MessageCodes] = {}
    #: JSON Schema of the type's own definition keys (``options``, ``min``, ``target`` ...): the package
    #: schema merges it in, so a new type never edits ``form.schema.json``. Types sharing one object share
    #: one branch of that schema.
    config_schema: ClassVar[Mapping[str, Any]] = {}
    holds_rows: ClassVar[bool] = False  # a sub-table: its value is rows of the child fields, [] when empty
    holds_attachments: ClassVar[bool] = False  # its value is the ids of files uploaded beforehand
    images_only: ClassVar[bool] = False  # its attachments are pictures Trellis can decode and re-encode
    always_unique: ClassVar[bool] = False  # no two records share a value, whatever the definition says
    #: the definition key of the expression the server computes the value with (a formula)
    formula_key: ClassVar[str | None] = None
    input_kind: ClassVar[str] = "text"  # the HTML input a renderer draws
    invalid_code: ClassVar[str | None] = None  # the message a client shows for a malformed value

    @abstractmethod
    def column(self, spec: FieldSpec) -> Column | None:
        """The column in the form's own table; None when the value lives elsewhere (or nowhere)."""
        ...

    @abstractmethod
    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """JSON Schema of a present (non-null) value, for clients and documentation."""
        ...

    @abstractmethod
    def clean(self, spec: FieldSpec, value: Any) -> Any:
        """Turn a submitted JSON value into the stored Python value, or raise FieldValueError."""
        ...

    def dump(self, spec: FieldSpec, value: Any) -> Any:
        """The stored value as JSON."""
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or value == "" or value == []

    def empty_value(self) -> Any:
        """What an empty field holds: None, or no rows."""
        return [] if self.holds_rows else None

    def formula(self, spec: FieldSpec) -> str | None:
        """The expression the server computes the value with, for a computed type that has one."""
        return None if self.formula_key is None else spec.config.get(self.formula_key)

    def serial_pattern(self, spec: FieldSpec) -> str | None:
        """The pattern storage draws a new record's number with (``{seq}`` the next in sequence), if any."""
        return None

    def coerce_result(self, spec: FieldSpec, result: Any) -> Any:
        """A formula's result as the stored value; raises TypeError when it has the wrong kind."""
        return result

    def lookup_target(self, spec: FieldSpec) -> str | None:
        """The form whose record an expression sees in place of the stored id (a single relation)."""
        return None

    def related_form(self, spec: FieldSpec) -> str | None:
        """The form whose records the value names by id (a relation, one or many), which must exist."""
        return None

    def link_target(self, spec: FieldSpec) -> str | None:
        """The form a many-valued reference points at through a table of pairs instead of a column."""
        return None

    def narrowed_by(self, spec: FieldSpec) -> Mapping[str, str]:
        """Which records the value may name, by the form's other answers: ``{field of the related
        record: field of this form}`` (a room of the chosen building); empty when nothing narrows it."""
        return {}

    def numeric(self, spec: FieldSpec) -> bool:
        """Whether the stored value is a number SQL can add up and compare (``related_sum``, ``related_min`` ...)."""
        return False

    def people_limit(self, spec: FieldSpec) -> PeopleLimit | None:
        """For a field naming people by user id: who it may name (checked against the directory on write)."""
        return None

    def config_problems(self, spec: FieldSpec) -> list[ConfigProblem]:
        """What the type's own definition keys get wrong beyond what ``config_schema`` can say."""
        return []

    # -- messages ------------------------------------------------------------------------------
    def message(self, code: str, locale: str) -> str | None:
        """The template (``{label}`` and the error's parameters still open) of ``code`` in ``locale``."""
        catalog_code = self.messages.get(code) or COMMON_MESSAGES.get(code)
        if catalog_code is None:
            return None
        return template(catalog_code, locale)

    def error_text(self, code: str, locale: str, label: str, **params: Any) -> str:
        """The sentence refusing a value: the template filled in (nouns in ``params`` translated)."""
        if "expected" in params:
            params = {**params, "expected": template(f"field.expected.{params['expected']}", locale)}
        found = self.message(code, locale) or template("field.not_valid", locale)
        return found.format(label=label, **params)

    # -- the form renderer ---------------------------------------------------------------------
    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        """The type's own keys of the field's UI description (options, limits, columns ...)."""
        return {}

    def ui_messages(self, spec: FieldSpec, locale: str) -> dict[str, str]:
        """The sentences a client shows before sending, the very ones the server would answer."""
        label = spec.title(locale)
        found = {"required": (self.message("required", locale) or "").format(label=label)}
        if self.invalid_code:
            found["invalid"] = (self.message(self.invalid_code, locale) or "").format(label=label)
        return found

    def input_extras(self, spec: FieldSpec, ui: dict[str, Any], reader: Reader) -> None:
        """Fill in what an input needs beyond the UI description (choices, local times, rows)."""
        return None  # most inputs need nothing more

    # -- pages and exports ---------------------------------------------------------------------
    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        """A stored (JSON) value as a page shows it read-only: text, or a small structure."""
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return str(value)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        """How an export writes the field's values: the cell, its number format and its width."""
        return dumped_shape(self.dump)

    def linked_records(self, spec: FieldSpec, value: Any) -> Iterable[tuple[str, int]]:
        """The (form, record id) pairs a value points at, whose titles an export shows."""
        return ()


def template(code: str, locale: str) -> str:
    """A catalog template in ``locale``, unformatted (the caller fills in the label)."""
    templates = CATALOG.templates(code)
    return templates.get(normalize_locale(locale)) or templates["en"]


def common_message(code: str, locale: str) -> str:
    return template(COMMON_MESSAGES[code], locale)


FIELD_TYPES: Registry[FieldType] = Registry("field type")


def register(cls: type[FieldType]) -> type[FieldType]:
    """One instance per type, registered under its key (duplicates refused); usable as a class decorator."""
    FIELD_TYPES.register(cls.key, cls())
    return cls


def expect_string(value: Any, *, limit: int) -> str:
    if not isinstance(value, str):
        raise FieldValueError("wrong_type", expected="text")
    if len(value) > limit:
        raise FieldValueError("too_long", limit=limit)
    return value
