"""``GET /api/v1/builder/field-types`` (web layer): the form designer's palette, for builders only."""

from __future__ import annotations

from flask import Blueprint, Response

from engine.errors import PermissionDeniedError
from engine.services.builder_access import may_create_apps
from engine.services.builder_palette import field_type_palette
from engine.web.contract import operation
from engine.web.contract.builder_palette import FieldTypes
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_builder_palette", __name__, url_prefix="/api/v1/builder")


@bp.get("/field-types")
@operation(
    "Every field type the engine has, with the definition keys each takes (the designer's palette)",
    tags="builder",
    answers={200: Answer("the registered field types in palette order", FieldTypes)},
)
def field_types() -> Response:
    if not may_create_apps(principal()):  # whoever builds some app (or may create one) designs forms
        raise PermissionDeniedError.says("builder.no_access")
    return json_response({"items": field_type_palette(locale())})
