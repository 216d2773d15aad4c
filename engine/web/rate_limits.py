"""Per-client rate limits on the public endpoints: Flask-Limiter on the deployment's one rate-limit
storage (``Services.rate_limits``: Redis shared by every process, memory without it), and the
refusal a breach becomes (``RateLimitedError``, answered as problem+json by ``engine.web.errors``).

Public submissions are counted in the records service instead, by the form's own
``public.rate_limit_per_minute``: the records API's anonymous creates share that count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.exceptions import TooManyRequests

from engine.config import Settings
from engine.errors import RateLimitedError
from engine.storage.rate_limit import RateLimiter, seconds_until
from engine.web.context import services
from engine.web.http import principal

EXTENSION_KEY = "trellis.rate_limits"


@dataclass(frozen=True, slots=True)
class PublicLimit:
    """One endpoint's limit per client address: ``amount(settings)`` requests a ``per`` (minute, hour)."""

    endpoint: str
    amount: Callable[[Settings], int]
    per: str = "minute"
    message: str = "http.too_many_requests"  # catalog code of the refusal; it may use {seconds}
    code: str = "rate_limited"
    anonymous_only: bool = False  # signed-in callers (staff uploading on a task page) are not counted


PUBLIC_LIMITS = (
    PublicLimit("form_pages.public_preview", lambda s: s.public_previews_per_minute),
    PublicLimit("form_pages.public_options", lambda s: s.public_options_per_minute),
    PublicLimit(
        "api_attachments.upload",
        lambda s: s.public_uploads_per_hour,
        per="hour",
        message="record.attachment.too_many_uploads",
        code="attachment_too_many_uploads",
        anonymous_only=True,
    ),
)
_BY_ENDPOINT = {limit.endpoint: limit for limit in PUBLIC_LIMITS}
_ANY = PublicLimit("", lambda settings: 0)  # the code and sentence of a limit not in the table


def client_address() -> str:
    """The caller's address: the peer's, or behind ``TRELLIS_TRUSTED_PROXIES`` the one they forwarded
    (ProxyFix, set up by the app factory, has already put it in ``remote_addr``)."""
    return request.remote_addr or "-"


def init_rate_limits(app: Flask, rate_limits: RateLimiter) -> Limiter:
    """Limit the views of ``PUBLIC_LIMITS`` (registered on ``app`` already) on ``rate_limits``'s storage,
    under its key prefix; if Redis stops answering, each process counts in memory until it is back."""
    limiter = Limiter(
        client_address,
        storage_uri=rate_limits.storage_uri,
        storage_options=rate_limits.storage_options,
        strategy="fixed-window",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        headers_enabled=False,
    )
    limiter.init_app(app)
    for limit in PUBLIC_LIMITS:
        view: Callable[..., Any] = app.view_functions[limit.endpoint]
        exempt = _signed_in if limit.anonymous_only else None
        app.view_functions[limit.endpoint] = limiter.limit(_amount(limit), exempt_when=exempt)(view)
    app.extensions[EXTENSION_KEY] = limiter
    return limiter


def _amount(limit: PublicLimit) -> Callable[[], str]:
    return lambda: f"{limit.amount(services().settings)} per {limit.per}"


def _signed_in() -> bool:
    return not principal().anonymous


def refusal(error: TooManyRequests) -> RateLimitedError:
    """The engine's refusal for a 429: a breached Flask-Limiter limit's code, sentence and seconds to wait,
    or for any other the general ones."""
    if not isinstance(error, RateLimitExceeded):
        wait = error.retry_after if isinstance(error.retry_after, int) and error.retry_after > 0 else 60
        return RateLimitedError.waiting("http.too_many_requests", wait, seconds=wait)
    limit = _BY_ENDPOINT.get(request.endpoint or "", _ANY)
    window = error.limit.limit.get_expiry()
    retry_after = window
    current = current_app.extensions[EXTENSION_KEY].current_limit
    if current is not None:
        try:
            retry_after = seconds_until(current.window.reset_time, window)
        except Exception:  # noqa: BLE001 - the storage went away since the count: the whole window is safe
            retry_after = window
    return RateLimitedError.waiting(limit.message, retry_after, code=limit.code, seconds=retry_after)
