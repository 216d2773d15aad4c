"""Attachment and location field types.

Image and file fields hold the ids of attachments uploaded beforehand (the upload endpoint
sniffs, limits and re-encodes them); the record only links to them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from engine.forms.export_shapes import ExportShape, address_cell, count_cell
from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, Describe, FieldType, FieldValueError, Reader

ATTACHMENT_ID = re.compile(r"^[0-9a-f]{32}$")


class FileType(FieldType):
    key = "file"
    holds_attachments = True
    default_count = 9
    config_schema = {
        "properties": {
            "max_count": {"type": "integer", "minimum": 1, "maximum": 100},
            "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 1024},
            "accept": {
                "type": "array",
                "maxItems": 50,
                "items": {"type": "string", "pattern": "^[a-z]+/[a-z0-9.+*-]+$"},
            },
        }
    }
    default_accept: tuple[str, ...] = ()
    photos = False  # an image field offers the camera whatever it accepts
    messages = {"not_attachments": "field.file.not_attachments", "too_many": "field.file.too_many"}

    def max_count(self, spec: FieldSpec) -> int:
        return int(spec.config.get("max_count", self.default_count))

    def column(self, spec: FieldSpec) -> Column:
        return Column("json")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {
            "type": "array",
            "maxItems": self.max_count(spec),
            "items": {"type": "string", "pattern": ATTACHMENT_ID.pattern},
        }

    def clean(self, spec: FieldSpec, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(i, str) and ATTACHMENT_ID.match(i) for i in value):
            raise FieldValueError("not_attachments")
        if len(value) > self.max_count(spec):
            raise FieldValueError("too_many", limit=self.max_count(spec))
        return list(dict.fromkeys(value))

    def ui(self, spec: FieldSpec, locale: str, describe: Describe) -> dict[str, Any]:
        accept = spec.config.get("accept", list(self.default_accept))
        return {
            "accept": ",".join(accept),
            "max_count": spec.config.get("max_count", 9),
            "max_size_mb": spec.config.get("max_size_mb", 20),
            "capture": self.photos or any(a.startswith("image/") for a in spec.config.get("accept", [])),
        }

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        if isinstance(value, list):
            return {"files": [reader.attachment_url(item) for item in value]}
        return super().display(spec, value, reader)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(count_cell, "0", 10)


class ImageType(FileType):
    key = "image"
    images_only = True
    default_accept = ("image/*",)
    photos = True
    messages = {**FileType.messages, "too_many": "field.image.too_many"}

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        """The files, each with its thumbnail (a page shows the thumbnails and links them to full size)."""
        shown = super().display(spec, value, reader)
        if isinstance(shown, dict):
            shown["thumbnails"] = [reader.thumbnail_url(item) for item in value]
        return shown


class LocationType(FieldType):
    key = "location"
    captured = True  # the phone's check-in records it; a form shows it, never edits it
    messages = {"not_location": "field.location.not_location"}

    def column(self, spec: FieldSpec) -> Column:
        return Column("json")

    def value_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["lat", "lng"],
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lng": {"type": "number", "minimum": -180, "maximum": 180},
                "address": {"type": "string", "maxLength": 300},
            },
            "additionalProperties": False,
        }

    def clean(self, spec: FieldSpec, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or set(value) - {"lat", "lng", "address"}:
            raise FieldValueError("not_location")
        lat, lng, address = value.get("lat"), value.get("lng"), value.get("address", "")
        for number, limit in ((lat, 90), (lng, 180)):
            if isinstance(number, bool) or not isinstance(number, int | float) or not -limit <= number <= limit:
                raise FieldValueError("not_location")
        if not isinstance(address, str) or len(address) > 300:
            raise FieldValueError("not_location")
        # six decimals is about 10 cm: enough for a check-in, and exact to store
        return {
            "lat": float(round(Decimal(str(lat)), 6)),
            "lng": float(round(Decimal(str(lng)), 6)),
            "address": address,
        }

    def display(self, spec: FieldSpec, value: Any, reader: Reader) -> Any:
        if isinstance(value, dict):
            return value.get("address") or f"{value.get('lat')}, {value.get('lng')}"
        return super().display(spec, value, reader)

    def export_shape(self, spec: FieldSpec) -> ExportShape:
        return ExportShape(address_cell, width=30)
