"""Encryption at rest for the secrets administrators store (connector passwords, robot keys).

Fernet (AES-128-CBC with an HMAC, from ``cryptography``) under a key that never sits in the
database: ``TRELLIS_ENCRYPTION_KEY`` when set (a Fernet key), otherwise one derived from the
server's secret key with HKDF. A copy of the database alone therefore reveals no secret, and a
changed key makes stored secrets unreadable with a clear message rather than garbage.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from engine.config import Settings, secret_key
from engine.errors import ConfigError

_INFO = b"trellis stored secrets v1"


class SecretBox:
    def __init__(self, key: bytes | str):
        try:
            self._fernet = Fernet(key)
        except ValueError:
            raise ConfigError.says("config.encryption_key") from None

    @classmethod
    def derived(cls, passphrase: str) -> SecretBox:
        """A key derived from a passphrase (the server's secret key), always the same for the same one."""
        raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(passphrase.encode("utf-8"))
        return cls(base64.urlsafe_b64encode(raw))

    @classmethod
    def for_settings(cls, settings: Settings) -> SecretBox:
        if settings.encryption_key:
            return cls(settings.encryption_key.encode("ascii", "replace"))
        return cls.derived(secret_key(settings))

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise ConfigError.says("config.secret_unreadable") from None
