"""Turn untrusted bytes into a package document, or into problems that say what is wrong.

Checks run cheapest first — size, encoding, nesting depth — so a hostile file (50 MB, 10,000
levels deep, not text at all) is refused before the JSON parser or the schema validator sees it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, NoReturn

from engine.errors import DefinitionError
from engine.packages.messages import problem, refusal

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64


class PackageReadError(DefinitionError):
    code = "package_unreadable"


def read_package_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            _fail("package.too_large", size_mb=_mb(size), limit_mb=_mb(max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        _fail("package.unreadable", path=str(path), reason=exc.strerror or exc.__class__.__name__)
    return parse_package(data, max_bytes=max_bytes)


def parse_package(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Parse a package document; raise PackageReadError with one problem when that is impossible."""
    document = parse_json(data, max_bytes=max_bytes)
    if not isinstance(document, dict):
        _fail("package.not_object", kind=_json_kind(document))
    return document


def parse_json(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse untrusted JSON of any shape with every limit applied (size, encoding, depth, keys, numbers)."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            _fail("package.too_large", size_mb=_mb(len(data)), limit_mb=_mb(max_bytes))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            _fail("package.not_utf8", position=exc.start)
    else:
        text = data
        if len(text) > max_bytes:
            _fail("package.too_large", size_mb=_mb(len(text)), limit_mb=_mb(max_bytes))
    _check_depth(text, MAX_DEPTH)
    try:
        document = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_reject_constant,
            parse_int=_bounded_int,
            parse_float=_bounded_float,
        )
    except json.JSONDecodeError as exc:
        _fail("package.not_json", line=exc.lineno, column=exc.colno, reason=exc.msg)
    except _DuplicateKey as exc:
        _fail("package.duplicate_key", key=exc.key)
    except _BadNumber as exc:
        _fail(exc.code, token=exc.token, most=MAX_NUMBER_DIGITS)
    except RecursionError:
        _fail("package.too_deep", limit=MAX_DEPTH)
    try:
        # JSON may spell lone surrogates (\\ud800) that no database or file can store as UTF-8
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        _fail("package.bad_character", character=repr(exc.object[exc.start : exc.end]))
    return document


def _check_depth(text: str, limit: int) -> None:
    """Scan brackets outside strings; linear time, no recursion, so depth bombs cost nothing."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                _fail("package.too_deep", limit=limit)
        elif char in "]}":
            depth -= 1


MAX_NUMBER_DIGITS = 30


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


class _BadNumber(Exception):
    def __init__(self, token: str, code: str = "package.bad_number"):
        self.token = token
        self.code = code


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(token: str) -> Any:
    raise _BadNumber(token)


def _bounded_int(token: str) -> int:
    """A whole number of at most MAX_NUMBER_DIGITS digits: no record, id or setting needs more,
    and Python refuses to convert very long ones (a 5,000-digit number was a traceback)."""
    if len(token.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _BadNumber(token[:20] + "…", "package.number_too_long")
    return int(token)


def _bounded_float(token: str) -> float:
    if len(token) > MAX_NUMBER_DIGITS * 2:
        raise _BadNumber(token[:20] + "…", "package.number_too_long")
    if not math.isfinite(value := float(token)):
        raise _BadNumber(token)
    return value


def _json_kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _fail(code: str, **params: Any) -> NoReturn:
    raise refusal(PackageReadError, code, [problem("", code, **params)], **params)
