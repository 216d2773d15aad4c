"""The browser protections of every answer, set in this one place (an ``after_request`` hook).

- ``Content-Security-Policy``: scripts, styles, fonts and fetches from this server only, no inline script
  (the templates carry none: data for a page's script travels in ``<script type="application/json">``
  blocks, which are data, not script; tests/web/test_security_headers.py checks every template),
  images also from ``data:``/``blob:`` URLs (a photo previewed before it is uploaded), no plugins, no
  ``<base>``, forms posting only here, and no framing by any page (``frame-ancestors 'none'``, with
  ``X-Frame-Options: DENY`` for older browsers) — except the builder's form preview, which sets
  ``FRAMED_BY_THIS_SITE`` itself (``frame-ancestors 'self'``) to be shown in the builder's iframe.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (a tracking link's token never
  leaves in a Referer), ``Permissions-Policy``: location for this site (a technician's check-in), no
  camera or microphone (a file input's camera capture needs neither), nothing else.

An answer that set a header itself keeps it (an attachment download's stricter sandbox policy).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: the one exception: the designer's form preview, drawn inside the builder's own page
FRAMED_BY_THIS_SITE = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    "X-Frame-Options": "SAMEORIGIN",
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def init_security_headers(app: Flask) -> None:
    app.after_request(_protect)


def _protect(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
