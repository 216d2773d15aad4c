"""HTTP connectors (``http``, ``webhook``, ``finance``): send the mapped fields as JSON, read the acknowledgement.

The call goes to the configured URL only: redirects are refused rather than followed, so a
package can never make the worker talk to a host its admin did not configure. The secret comes
from the environment and travels as a bearer token. Every attempt of one outbox item carries the
same ``Idempotency-Key``, so a receiver can drop the repeats retrying produces.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from engine.connectors.base import (
    CONNECTOR_TYPES,
    ConnectorCall,
    ConnectorSpec,
    ConnectorType,
    resolve_secret,
    resolve_template,
)
from engine.errors import ConnectorError
from engine.whole_numbers import parse_whole

MAX_ANSWER_BYTES = 1024 * 1024
OK_WORDS = frozenset({"ok", "success", "succeeded", "accepted", "created", "done", "true"})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise ConnectorError.says("connector.redirect", where=_where(req.full_url), status=code, target=_where(newurl))


_OPENER = urllib.request.build_opener(_NoRedirects())


class HttpConnector(ConnectorType):
    def call(self, spec: ConnectorSpec, request: ConnectorCall, environ: Mapping[str, str]) -> Any:
        config = spec.config
        url = resolve_template(str(config.get("url", "")), environ, spec.id, stored=spec.stored)
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise ConnectorError.says("connector.bad_url", connector=spec.id, url=url)
        method = str(config.get("method", "POST"))
        headers = {
            "Accept": "application/json",
            "User-Agent": "Trellis",
            "Idempotency-Key": request.idempotency_key,
            "X-Trellis-Operation": request.operation,
        }
        for name, value in dict(config.get("headers", {})).items():
            headers[name] = resolve_template(str(value), environ, spec.id, header=name, stored=spec.stored)
        secret = resolve_secret(config.get("secret"), environ, spec.stored)
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        body = None
        if method != "GET":
            body = json.dumps(request.data, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        answer = _send(urllib.request.Request(url, data=body, method=method, headers=headers), spec.timeout_seconds)
        path = config.get("success_path")
        if not path:
            return _json_or_none(answer)
        document = _json(answer, url)
        value = _at(document, str(path))
        if not _acknowledges(value):
            shown = json.dumps(value)[:200]
            raise ConnectorError.says("connector.no_acknowledgement", where=_where(url), path=path, value=shown)
        return document


def _send(request: urllib.request.Request, timeout: float) -> bytes:
    where = _where(request.full_url)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return bytes(response.read(MAX_ANSWER_BYTES))
    except urllib.error.HTTPError as exc:
        snippet = _snippet(exc.read(500) if exc.fp else b"")
        if snippet:
            raise ConnectorError.says(
                "connector.http_status_said", where=where, status=exc.code, snippet=snippet
            ) from None
        raise ConnectorError.says("connector.http_status", where=where, status=exc.code) from None
    except TimeoutError:
        raise ConnectorError.says("connector.timeout", where=where, seconds=timeout) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise ConnectorError.says("connector.timeout", where=where, seconds=timeout) from None
        raise ConnectorError.says("connector.unreachable", where=where, reason=str(exc.reason)) from None
    except (http.client.HTTPException, OSError) as exc:
        error = f"{exc.__class__.__name__} {exc}".strip()
        raise ConnectorError.says("connector.broken", where=where, error=error) from None


def _json(answer: bytes, url: str) -> Any:
    try:
        return json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ConnectorError.says("connector.not_json", where=_where(url), snippet=_snippet(answer)) from None


def _json_or_none(answer: bytes) -> Any:
    try:
        return json.loads(answer.decode("utf-8")) if answer.strip() else None
    except (UnicodeDecodeError, ValueError):
        return None


def _at(document: Any, path: str) -> Any:
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and (index := parse_whole(part, high=len(value) - 1)) is not None:
            value = value[index]
        else:
            shown = json.dumps(document, ensure_ascii=False)[:200]
            raise ConnectorError.says("connector.answer_lacks", path=path, answer=shown)
    return value


def _acknowledges(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in OK_WORDS
    if isinstance(value, int | float):
        return value != 0
    return False


def _where(url: str) -> str:
    """Scheme, host and path: never a query string, which may carry a key."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


def _snippet(raw: bytes) -> str:
    return " ".join(raw[:200].decode("utf-8", "replace").split())


HTTP = HttpConnector()
for _name in ("http", "webhook", "finance"):
    CONNECTOR_TYPES.register(_name, HTTP)
