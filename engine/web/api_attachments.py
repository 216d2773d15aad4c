"""Attachment upload and download for image and file fields (``/api/v1/.../attachments``).

A phone uploads each photo on its own, before the record is saved, and puts the returned id
into the field's value. Downloads never let the browser guess: the type is the sniffed one,
``nosniff`` is set, and only images Trellis re-encoded are shown inline.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, request, send_file, url_for

from engine.errors import RateLimitedError, SubmissionError
from engine.services.attachments import AttachmentFile, AttachmentService, UploadRules
from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.operations import Answer
from engine.web.contract.records import Attachment
from engine.web.errors import problem_response
from engine.web.http import json_response, locale, principal
from engine.web.rate_limits import client_address

bp = Blueprint("api_attachments", __name__)
MULTIPART_OVERHEAD = 64 * 1024  # part headers and boundaries around the file itself
EXTENSION_KEY = "trellis.attachments"
HOUR = 3600
BUSY_RETRY_SECONDS = 30


def attachments() -> AttachmentService:
    return services().attachments


@bp.errorhandler(SubmissionError)
def refused(error: SubmissionError) -> Response:
    # a file over the field's limit is 413, so clients can tell "smaller please" from "wrong file";
    # "busy" (every image decode of this process taken) is 503: the same file may be sent again soon
    if error.code == "attachment_busy":
        response = problem_response(503, "Service Unavailable", error.message, error.code, errors=error.field_errors)
        response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return response
    status = 413 if error.code == "attachment_too_large" else 422
    title = "Content Too Large" if status == 413 else "Unprocessable Content"
    return problem_response(status, title, error.message, error.code, errors=error.field_errors)


@bp.post("/api/v1/apps/<app_id>/forms/<form_id>/fields/<field_id>/attachments")
@operation(
    "Upload a file for a field",
    tags="attachments",
    access="public_or_signed_in",
    raw_body="multipart_file",
    answers={201: Answer("the stored file", Attachment, headers=("Location",))},
)
def upload(app_id: str, form_id: str, field_id: str) -> Response:
    """One file as the multipart field ``file``; 201 with its id, name, sniffed type and size.

    Without an identity the answer also holds ``upload_token``: the public form sends it back
    (``X-Upload-Tokens``) with the submission that names the file, and nothing else can claim it.
    """
    store = attachments()
    rules = store.rules(app_id, form_id, field_id)
    lang = locale()
    # refuse on the declared length before reading a byte; bodies without one are cut off at the limit
    request.max_content_length = rules.max_bytes + MULTIPART_OVERHEAD
    if (request.content_length or 0) > request.max_content_length:
        raise store.refusal(rules, "too_large", lang)
    if principal().anonymous:
        _check_public_quota(store, rules)
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    if upload is None:
        raise store.refusal(rules, "missing_file", lang)
    found = store.upload(
        principal(), app_id, form_id, field_id, upload.filename, upload.stream, upload.mimetype, locale=lang
    )
    return json_response(found, 201, Location=url_for(".download", attachment_id=found["id"]))


def _check_public_quota(store: AttachmentService, rules: UploadRules) -> None:
    """429 once this address sent too many bytes this hour, or all unclaimed anonymous uploads together
    reached their quota (the number of files is limited per address by ``engine.web.rate_limits``).
    Counted on the declared length, before a byte of the body is read."""
    settings = services().settings
    limits = services().rate_limits
    key, per_hour = f"upload-bytes:{client_address()}", settings.public_upload_bytes_per_hour
    cost = request.content_length or rules.max_bytes  # a body without a declared length may be that long
    if not limits.allow(key, per_hour, HOUR, cost=cost):
        raise RateLimitedError.waiting(
            "record.attachment.too_many_upload_bytes",
            limits.retry_after(key, per_hour, HOUR),
            code="attachment_too_many_upload_bytes",
        )
    if store.anonymous_unclaimed_bytes() + cost > settings.public_unclaimed_bytes:
        raise RateLimitedError.waiting("record.attachment.uploads_full", HOUR, code="attachment_uploads_full")


@bp.get("/api/v1/attachments/<attachment_id>")
@operation(
    "Download a file",
    tags="attachments",
    access="public_or_signed_in",
    answers={200: Answer("the file", media="application/octet-stream"), 304: Answer("not changed")},
)
def download(attachment_id: str) -> Response:
    return send_attachment(attachments().open(principal(), attachment_id))


@bp.get("/api/v1/attachments/<attachment_id>/thumbnail")
@operation(
    "An image's thumbnail",
    tags="attachments",
    access="public_or_signed_in",
    answers={200: Answer("a JPEG or PNG", media="image/*"), 304: Answer("not changed")},
)
def thumbnail(attachment_id: str) -> Response:
    return send_attachment(attachments().open(principal(), attachment_id, thumbnail=True))


def send_attachment(found: AttachmentFile) -> Response:
    """A stored file as the browser gets it: sniffed type, inline only for re-encoded images, revalidated."""
    response = send_file(found.path, mimetype=found.content_type, conditional=True, etag=found.etag)
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if found.is_image else "attachment", found.name
    )
    # revalidated on every use, so a revoked reader stops seeing it; the ETag keeps that cheap
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers.pop("Expires", None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def content_disposition(kind: str, name: str) -> str:
    """``filename`` as plain ASCII for old clients, ``filename*`` (RFC 5987) with the real name."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ascii_stem, ascii_extension = _ascii(stem), _ascii(extension)
    fallback = (ascii_stem if ascii_stem.strip("_") else "download") + (
        f".{ascii_extension}" if ascii_extension else ""
    )
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._ -]", "_", plain).strip(" .")
