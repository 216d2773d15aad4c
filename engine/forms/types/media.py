"""Attachment and location field types.

Image and file fields hold the ids of attachments uploaded beforehand (the upload endpoint
sniffs, limits and re-encodes them); the record only links to them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from engine.forms.spec import FieldSpec
from engine.forms.types.base import Column, FieldType, FieldValueError, register

ATTACHMENT_ID = re.compile(r"^[0-9a-f]{32}$")


@register
class FileType(FieldType):
    key = "file"
    default_count = 9
    messages = {
        "not_attachments": {
            "en": "{label} must be a list of uploaded attachments",
            "zh-CN": "{label}应为已上传的附件列表",
        },
        "too_many": {"en": "{label} allows at most {limit} files", "zh-CN": "{label}最多 {limit} 个文件"},
    }

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


@register
class ImageType(FileType):
    key = "image"
    messages = {
        **FileType.messages,
        "too_many": {"en": "{label} allows at most {limit} photos", "zh-CN": "{label}最多 {limit} 张照片"},
    }


@register
class LocationType(FieldType):
    key = "location"
    messages = {
        "not_location": {
            "en": "{label} must have a latitude (-90 to 90) and a longitude (-180 to 180)",
            "zh-CN": "{label}应包含纬度(-90 至 90)和经度(-180 至 180)",
        },
    }

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
