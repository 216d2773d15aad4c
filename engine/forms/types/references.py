"""Reference field types: relation (to another form's records), user and group pickers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from engine.forms.export_shapes import ExportShape, listed_cell, related_cell
from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, ConfigProblem, Describe, FieldType, FieldValueError, PeopleLimit, Reader

PRINCIPAL = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MAX_LINKS = 1000


#: a relation path: field ids joined by dots, at least two steps (``room.building``)
RELATION_PATH = r"^[A-Za-z][A-Za-z0-9_]{0,62}(\.[A-Za-z][A-Za-z0-9_]{0,62}){1,7}$"


class RelationType(FieldType):
    """A link to a record of ``target`` (or several, ``multiple``).

    ``derived_from`` (a relation path such as ``room.building``) makes it a derived relation: on
    every save the server sets it to the record the path reaches, whatever was sent; when the
    path reaches nothing (no room chosen yet) the value sent, if any, is kept.
    """

    key = "relation"
    formula_key = "derived_from"
    config_schema = {
        "required": ["target"],
        "properties": {
            "target": {"$ref": "common.schema.json#/$defs/id"},
            "display_field": {"$ref": "common.schema.json#/$defs/id"},
            "multiple": {"type": "boolean"},
            "on_delete": {"enum": ["restrict", "set_null"]},
            # a cascading picker: {field of the target form: field of this form (or of this row)}
            "filter_by": {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 8,
                "propertyNames": {"$ref": "common.schema.json#/$defs/id"},
                "additionalProperties": {"$ref": "common.schema.json#/$defs/id"},
            },
            "derived_from": {"type": "string", "pattern": RELATION_PATH},
        },
    }
    messages = {"not_id": "field.relation.not_id", "missing": "field.relation.missing"}

    def column(self, spec: FieldSpec) -> Column | None:
        if spec.config.get("multiple"):
            return None  # a link table holds the pairs
        return Column("reference", target=spec.config["target"])

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        one = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        return {"type": "array", "items": one, "uniqueItems": True} if spec.config.get("multiple") else one

    def clean(self, spec: FieldSpec, value: Any) -> int | list[int]:
        if spec.config.get("multiple"):
            if not isinstance(value, list) or len(value) > MAX_LINKS:
                raise FieldValueError("not_id", target=spec.config["target"])
            return list(dict.fromkeys(self._one(spec, item) for item in value))
        return self._one(spec, value)

    def _one(self, spec: FieldSpec, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise FieldValueError("not_id", target=spec.config["target"])
        return int(value)

    def coerce_result(self, spec: FieldSpec, result: Any) -> Any:
        """A derived relation's value: the id the path reached (None keeps what was sent)."""
        return None if result is None else self.clean(spec, result)

    def config_problems(self, spec: FieldSpec) -> list[ConfigProblem]:
        """A derived relation holds one record: the path's end is one id, never a list."""
        if "derived_from" in spec.config and spec.config.get("multiple"):
            return [ConfigProblem("derived_from", "form.derived_multiple", {"path": spec.config["derived_from"]})]
        return []

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        found = {"target": spec.config["target"], "multiple": bool(spec.config.get("multiple"))}
        if spec.config.get("filter_by"):
            found["filter_by"] = dict(spec.config["filter_by"])
        return found

    def lookup_target(self, spec: FieldSpec) -> str | None:
        return None if spec.config.get("multiple") else spec.config["target"]

    def related_form(self, spec: FieldSpec) -> str:
        return str(spec.config["target"])

    def link_target(self, spec: FieldSpec) -> str | None:
        return spec.config["target"] if spec.config.get("multiple") else None

    def narrowed_by(self, spec: FieldSpec) -> Mapping[str, str]:
        return spec.config.get("filter_by") or {}

    def input_extras(self, spec: FieldSpec, ui: dict[str, Any], reader: Reader) -> None:
        ui["options"] = reader.choices(spec.config["target"])

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        if isinstance(value, int):
            return reader.record_title(spec.config["target"], value)
        return super().display(spec, value, reader)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(related_cell, width=20)

    def linked_records(self, spec: FieldSpec, value: Any) -> Iterable[tuple[str, int]]:
        if value is None:
            return ()
        return [(spec.config["target"], i) for i in (value if isinstance(value, list) else [value])]


class UserType(FieldType):
    key = "user"
    config_schema = {
        "properties": {
            "multiple": {"type": "boolean"},
            "role": {"$ref": "common.schema.json#/$defs/id"},
            "group": {"type": "string", "minLength": 1, "maxLength": 200},
        }
    }
    messages = {"not_principal": "field.user.not_principal"}

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        """People by name, never by login."""
        if isinstance(value, list):
            return "、".join(reader.person_name(str(v)) for v in value)
        return reader.person_name(str(value))

    def column(self, spec: FieldSpec) -> Column:
        return Column("json") if spec.config.get("multiple") else Column("string", length=64)

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        one = {"anyOf": [{"type": "string", "pattern": PRINCIPAL.pattern}, {"type": "integer", "minimum": 1}]}
        return {"type": "array", "items": one, "uniqueItems": True} if spec.config.get("multiple") else one

    def clean(self, spec: FieldSpec, value: Any) -> str | list[str]:
        if spec.config.get("multiple"):
            if not isinstance(value, list) or len(value) > MAX_LINKS:
                raise FieldValueError("not_principal")
            return list(dict.fromkeys(self._one(item) for item in value))
        return self._one(value)

    def _one(self, value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            value = str(value)
        if not isinstance(value, str) or not PRINCIPAL.match(value):
            raise FieldValueError("not_principal")
        return value

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(listed_cell)

    def people_limit(self, spec: FieldSpec) -> PeopleLimit | None:
        return PeopleLimit(role=spec.config.get("role"), group=spec.config.get("group"))


class GroupType(UserType):
    key = "group"
    config_schema = {"properties": {"multiple": {"type": "boolean"}, "role": {"$ref": "common.schema.json#/$defs/id"}}}
    messages = {"not_principal": "field.group.not_principal"}

    def people_limit(self, spec: FieldSpec) -> PeopleLimit | None:
        return None  # a group id, not a person
