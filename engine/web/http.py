"""The small HTTP vocabulary every blueprint shares: JSON answers, the request's language and body."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.routing import BaseConverter, ValidationError

from engine.errors import EngineError, SubmissionError
from engine.i18n import pick_locale
from engine.packages import PackageReadError, parse_json, parse_package
from engine.packages.messages import problem, refusal
from engine.principal import Principal
from engine.whole_numbers import parse_id

MAX_RECORD_BYTES = 2 * 1024 * 1024


def json_response(body: object, status: int = 200, **headers: str) -> Response:
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers.update(headers)
    return response


def principal() -> Principal:
    from engine.web.auth import current_principal  # auth answers refusals in ``locale()``: imported late

    return current_principal()


def locale() -> str:
    """The language an API answer is written in: ``?lang=``, else Accept-Language, else the default."""
    return pick_locale(request.args.get("lang") or request.headers.get("Accept-Language"))


def read_record_body() -> Any:
    """The request's JSON with every limit applied; garbage becomes a 422 naming the record, never a 500."""
    try:
        return parse_json(request.get_data(cache=False), max_bytes=MAX_RECORD_BYTES)
    except EngineError as exc:
        raise SubmissionError(exc.message, {"_record": [exc.message]}) from None


def read_package(file_field: str, max_bytes: int) -> dict[str, Any]:
    """The app package a request carries: its JSON body, or the file ``file_field`` of a multipart form.

    An upload is read one byte past ``max_bytes`` at most (enough to refuse it); then every limit of
    ``parse_package`` applies. A missing file, too many bytes, bytes that are not UTF-8, text that is
    not JSON or JSON that is not an object is a 422 naming what is wrong and how to send it, never a 500.
    """
    if request.mimetype == "multipart/form-data":
        upload = request.files.get(file_field)
        if upload is None:
            missing = [problem("", "package.missing_file", field=file_field)]
            raise refusal(PackageReadError, "app.missing_file_field", missing, field=file_field)
        raw = upload.read(max_bytes + 1)
    else:
        raw = request.get_data(cache=False)
    return parse_package(raw, max_bytes=max_bytes)


class IdConverter(BaseConverter):
    """``<id:name>`` in a route: ASCII digits that fit a database id; anything else is a 404, never an overflow."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        found = parse_id(value)
        if found is None:
            raise ValidationError()
        return found

    def to_url(self, value: object) -> str:
        return str(value)
