"""Anonymous uploads over HTTP: the probe's PNG refused, quotas per address and in total, and the public
form's 50 MB video field cut off while streaming (never read whole into memory)."""

import dataclasses
import io
import secrets
import time

import pytest
from werkzeug.test import create_environ, run_wsgi_app

from tests.storage.test_upload_budget import max_rss_mb, png_of_zeros
from tests.web.test_attachment_claims import UPLOAD, _jpeg, room  # noqa: F401

VIDEO = "/api/v1/apps/property_repair/forms/repair_order/fields/media/attachments"
MB = 1024 * 1024


@pytest.fixture
def settings(settings):
    return dataclasses.replace(
        settings, public_uploads_per_hour=3, public_upload_bytes_per_hour=MB, public_unclaimed_bytes=3 * MB
    )


@pytest.fixture
def owner(app, room):  # noqa: F811
    """An anonymous phone on an address of its own (the rate limits count per address)."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = (
        f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    )
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def _set(app, settings) -> None:
    object.__setattr__(app.extensions["trellis"], "settings", settings)  # the services are frozen


def _send(browser, data: bytes, name: str = "kitchen.jpg", url: str = UPLOAD):
    return browser.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_probes_png_is_refused_quickly_without_decoding(owner):
    bomb = png_of_zeros(9400, 9400)
    before, started = max_rss_mb(), time.monotonic()

    response = _send(owner, bomb, "bomb.png")

    assert time.monotonic() - started < 2
    assert max_rss_mb() - before < 50
    assert response.status_code == 422
    assert response.json["detail"] == (
        "Photos / videos: 'bomb.png' has more than 50 million pixels; make it smaller and send it again"
    )


def test_anonymous_uploads_per_address_and_hour_are_limited(owner, app, client):
    assert [_send(owner, _jpeg()).status_code for _ in range(3)] == [201, 201, 201]

    refused = _send(owner, _jpeg())

    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["type"].endswith("/attachment_too_many_uploads")
    assert refused.json["detail"] == "Too many files were sent from this network in the last hour; try again later"
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600  # the hour that began with the first upload
    assert _send(client, _jpeg()).status_code == 201  # staff are not counted


def test_anonymous_upload_bytes_per_address_and_hour_are_limited(owner, app, settings):
    _set(app, dataclasses.replace(settings, public_upload_bytes_per_hour=600 * 1024))
    big = 400 * 1024  # declared length counts before a byte is read
    first = owner.post(UPLOAD, data={"file": (io.BytesIO(b"\x00" * big), "a.bin")}, content_type="multipart/form-data")
    second = owner.post(UPLOAD, data={"file": (io.BytesIO(b"\x00" * big), "b.bin")}, content_type="multipart/form-data")

    assert first.status_code == 422  # not an image: refused, but its bytes were sent
    assert second.status_code == 429
    assert second.json["code"] == "attachment_too_many_upload_bytes"


def test_all_unclaimed_anonymous_uploads_together_have_a_quota(app, owner, settings):
    service = app.extensions["trellis"].attachments
    limit = settings.public_unclaimed_bytes
    assert service.anonymous_unclaimed_bytes() == 0
    _set(app, dataclasses.replace(settings, public_unclaimed_bytes=1))
    try:
        refused = _send(owner, _jpeg())
    finally:
        _set(app, dataclasses.replace(settings, public_unclaimed_bytes=limit))

    assert refused.status_code == 429
    assert refused.json["code"] == "attachment_uploads_full"
    assert _send(owner, _jpeg()).status_code == 201
    assert service.anonymous_unclaimed_bytes() > 0


class Endless:
    """A video body of unknown length (chunked), made on the fly: multipart head, then zeros."""

    def __init__(self, total: int):
        self.head = (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="leak.mp4"\r\n'
            b"Content-Type: video/mp4\r\n\r\n"
        )
        self.left = total
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        if self.head:
            chunk, self.head = self.head, b""
            return chunk
        size = min(self.left, 1024 * 1024 if size is None or size < 0 else size)
        self.left -= size
        self.sent += size
        return b"\x00" * size

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - werkzeug reads in blocks
        return self.read(size)


def test_the_video_fields_limit_is_enforced_while_streaming(owner, settings, app):
    _set(app, dataclasses.replace(settings, public_upload_bytes_per_hour=10**12, public_unclaimed_bytes=10**12))
    body = Endless(400 * MB)
    before = max_rss_mb()

    environ = create_environ(VIDEO, method="POST", content_type="multipart/form-data; boundary=b")
    environ.update({"wsgi.input": body, "wsgi.input_terminated": True, "REMOTE_ADDR": "10.9.9.9"})
    environ.pop("CONTENT_LENGTH", None)

    _, status, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)

    assert status.startswith("413")
    assert body.sent <= 51 * MB  # stopped at the field's 50 MB (and the multipart framing), not at 400
    assert max_rss_mb() - before < 40  # spooled to disk, never held whole
