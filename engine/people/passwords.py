"""Password and token hashing (domain layer): salted scrypt, never a stored or logged secret.

Passwords are kept in werkzeug's ``scrypt:n:r:p$salt$hash`` format, built on hashlib because
werkzeug belongs to the web layer; tokens as a sha256 of 256 random bits. ``SCRYPT_N`` is read at
each call, so tests may lower the cost with ``monkeypatch.setattr(passwords, "SCRYPT_N", ...)``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from functools import cache

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # werkzeug's defaults: ~50 ms and 32 MB per check
SALT_CHARS = string.ascii_letters + string.digits


def hash_password(password: str, *, n: int | None = None) -> str:
    """Salted scrypt in werkzeug's format, so ``werkzeug.security.check_password_hash`` accepts it too.

    ``n`` lowers the cost for random one-time secrets (never above ``SCRYPT_N``); people's own
    passwords always take the full cost.
    """
    cost = SCRYPT_N if n is None else min(n, SCRYPT_N)
    salt = "".join(secrets.choice(SALT_CHARS) for _ in range(16))
    return f"scrypt:{cost}:{SCRYPT_R}:{SCRYPT_P}${salt}${_scrypt(password, salt, cost, SCRYPT_R, SCRYPT_P)}"


def check_password(stored: str, password: str) -> bool:
    try:
        method, salt, digest = stored.split("$", 2)
        name, n, r, p = method.split(":")
        if name != "scrypt":
            return False
        computed = _scrypt(password, salt, int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, digest)


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    data = password.encode("utf-8", "surrogatepass")
    return hashlib.scrypt(data, salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()


@cache
def dummy_hash() -> str:
    """A hash to check a password against when nobody has the name typed (same time as a real check)."""
    return hash_password(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def credential_stamp(password_hash: str) -> str:
    """A short fingerprint of a password hash, kept in a session so a password change ends the others."""
    return hashlib.sha256(("session:" + password_hash).encode()).hexdigest()[:16]


def hmac_equal(a: str, b: str) -> bool:
    """Compare secrets in constant time."""
    return hmac.compare_digest(a, b)


def stamps_match(stamp: str, password_hash: str) -> bool:
    return hmac.compare_digest(stamp, credential_stamp(password_hash))


def throttle_key(identifier: str) -> str:
    """Failures under a name nobody has are counted by its hash: the name typed is never stored."""
    return hashlib.sha256(identifier.encode()).hexdigest()
