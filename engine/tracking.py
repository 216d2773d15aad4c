"""Tracking links: an unguessable link to exactly one record, for owners without an account.

The token is the record's random uuid (122 bits) followed by an HMAC of it under the instance's
secret key, so a link cannot be forged from a uuid seen elsewhere (an export, the API), the same
submission retried gets the same link back, and no table of tokens is needed. Rotating the
secret key revokes every link.
"""

from __future__ import annotations

import hashlib
import hmac
import re

TOKEN = re.compile(r"^([0-9a-f]{32})([0-9a-f]{24})$")


def tracking_token(secret: str, app_id: str, form_id: str, record_uuid: str) -> str:
    return record_uuid + _mac(secret, app_id, form_id, record_uuid)


def record_uuid_of(secret: str, app_id: str, form_id: str, token: str) -> str | None:
    """The record uuid a token stands for, or None when the token is malformed or forged."""
    match = TOKEN.match(token)
    if match is None:
        return None
    record_uuid, mac = match.groups()
    return record_uuid if hmac.compare_digest(mac, _mac(secret, app_id, form_id, record_uuid)) else None


def _mac(secret: str, app_id: str, form_id: str, record_uuid: str) -> str:
    message = f"track:{app_id}:{form_id}:{record_uuid}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:24]
