"""REST API for form records: ``/api/v1/apps/<app>/forms/<form>/records``.

Updates and deletes carry the version the client saw in ``If-Match`` (the record's ETag); a
create may carry ``Idempotency-Key`` so a phone retrying after a dropped connection gets its
first record back instead of a duplicate.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from engine.errors import PreconditionRequiredError, SubmissionError
from engine.i18n import translate
from engine.storage.record_queries import ListQuery
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.records import DeletedQuery, History, Record, RecordPage, RecordQuery
from engine.web.http import json_response, locale, principal, read_record_body
from engine.web.rate_limits import client_address
from engine.whole_numbers import parse_id, parse_whole

bp = Blueprint("api_records", __name__, url_prefix="/api/v1/apps/<app_id>/forms/<form_id>/records")


def _record_response(record: dict[str, Any], status: int = 200) -> Response:
    return json_response(record, status, ETag=f'"{record["version"]}"')


def _expected_version(required: bool) -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        if required:
            raise PreconditionRequiredError.says("record.if_match_required")
        return None
    text = raw.strip().removeprefix("W/").strip('"')
    found = parse_whole(text, high=10**9)
    if found is None:
        raise PreconditionRequiredError.says("record.if_match_invalid", value=repr(raw[:20]))
    return found


def _record_id(raw: str) -> int:
    return parse_id(raw) or 0  # no record has id 0: the service answers 404


@bp.get("")
@operation(
    "List a form's records",
    tags="records",
    access="public_or_signed_in",
    query=RecordQuery,
    answers={200: Answer("a page of records the caller may read", RecordPage)},
)
def list_records(app_id: str, form_id: str) -> Response:
    query = ListQuery.from_args(request.args)
    return json_response(services().records.list_records(principal(), app_id, form_id, query))


@bp.post("")
@operation(
    "Create a record",
    tags="records",
    access="public_or_signed_in",
    raw_body="free_object",
    headers=("Idempotency-Key",),
    answers={
        201: Answer("the new record", Record, headers=("ETag", "Location")),
        200: Answer("the record a retry with the same Idempotency-Key created", Record, headers=("ETag",)),
    },
)
def create_record(app_id: str, form_id: str) -> Response:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key) <= 200:
        refused = SubmissionError.says("record.idempotency_key_too_long")
        refused.field_errors = {"_record": [translate("record.idempotency_key_length", locale())]}
        raise refused
    record, created = services().records.create(
        principal(),
        app_id,
        form_id,
        read_record_body(),
        locale=locale(),
        idempotency_key=key,
        client=client_address(),
    )
    response = _record_response(record, 201 if created else 200)
    response.headers["Location"] = f"{request.path}/{record['id']}"
    return response


@bp.get("/<record_id>")
@operation(
    "A record",
    tags="records",
    access="public_or_signed_in",
    query=DeletedQuery,
    answers={200: Answer("the record", Record, headers=("ETag",))},
)
def get_record(app_id: str, form_id: str, record_id: str) -> Response:
    deleted = request.args.get("deleted", "false").lower() == "true"
    return _record_response(
        services().records.get(principal(), app_id, form_id, _record_id(record_id), deleted=deleted)
    )


@bp.patch("/<record_id>")
@operation(
    "Change a record",
    tags="records",
    raw_body="free_object",
    headers=("If-Match",),
    answers={200: Answer("the record after the change", Record, headers=("ETag",))},
)
def update_record(app_id: str, form_id: str, record_id: str) -> Response:
    expected = _expected_version(required=True)
    assert expected is not None
    record = services().records.update(
        principal(),
        app_id,
        form_id,
        _record_id(record_id),
        read_record_body(),
        expected_version=expected,
        locale=locale(),
    )
    return _record_response(record)


@bp.delete("/<record_id>")
@operation(
    "Delete a record (it can be restored)",
    tags="records",
    headers=("If-Match",),
    answers={200: Answer("the deleted record", Record)},
)
def delete_record(app_id: str, form_id: str, record_id: str) -> Response:
    record = services().records.delete(
        principal(), app_id, form_id, _record_id(record_id), expected_version=_expected_version(required=False)
    )
    return _record_response(record)


@bp.post("/<record_id>/restore")
@operation(
    "Restore a deleted record",
    tags="records",
    headers=("If-Match",),
    answers={200: Answer("the restored record", Record)},
)
def restore_record(app_id: str, form_id: str, record_id: str) -> Response:
    record = services().records.restore(
        principal(), app_id, form_id, _record_id(record_id), expected_version=_expected_version(required=False)
    )
    return _record_response(record)


@bp.get("/<record_id>/history")
@operation("A record's changes", tags="records", answers={200: Answer("oldest first", History)})
def record_history(app_id: str, form_id: str, record_id: str) -> Response:
    return json_response({"items": services().records.history(principal(), app_id, form_id, _record_id(record_id))})
