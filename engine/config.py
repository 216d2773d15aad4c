"""Settings from environment variables, read once and checked up front.

A bad setting is reported as one line naming the variable (``ConfigError``), so an admin who
mistyped a URL sees what to fix instead of a traceback from deep inside a driver.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from engine.connectors.environment import SETTING as PACKAGE_ENV_SETTING
from engine.connectors.environment import EnvPolicy
from engine.errors import ConfigError
from engine.whole_numbers import parse_whole

DEFAULT_DATABASE_URL = "sqlite:///instance/trellis.db"
MB = 1024 * 1024
MAX_TRUSTED_PROXIES = 5
_DB_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg", "postgres")


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str | None
    instance_dir: Path
    upload_dir: Path
    max_package_bytes: int
    host: str
    port: int
    secure_cookies: bool = False
    public_url: str | None = None  # the address owners open (QR codes, tracking links), without a trailing /
    package_env: EnvPolicy = EnvPolicy()  # the environment variables packages may read
    encryption_key: str | None = None  # the Fernet key of stored secrets (derived from secret_key when unset)
    image_decodes: int = 2  # images one web process decodes at once
    image_memory_bytes: int = 768 * 1024 * 1024  # ... and the memory they may hold together
    public_uploads_per_hour: int = 60  # anonymous uploads per client address and hour
    public_upload_bytes_per_hour: int = 300 * 1024 * 1024  # ... and their bytes
    public_unclaimed_bytes: int = 2048 * 1024 * 1024  # all anonymous uploads no record has claimed yet
    unclaimed_upload_hours: int = 24  # after this long the worker removes an upload no record claimed
    public_previews_per_minute: int = 120  # previews of public forms per client address and minute
    public_options_per_minute: int = 120  # searches of a public form's relation choices, the same
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For / -Proto are believed

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        instance_dir = Path(env.get("TRELLIS_INSTANCE_DIR") or "instance")
        return cls(
            database_url=_database_url(env.get("TRELLIS_DATABASE_URL") or DEFAULT_DATABASE_URL),
            redis_url=_redis_url(env.get("TRELLIS_REDIS_URL") or None),
            secret_key=env.get("TRELLIS_SECRET_KEY") or None,
            instance_dir=instance_dir,
            upload_dir=Path(env.get("TRELLIS_UPLOAD_DIR") or instance_dir / "uploads"),
            max_package_bytes=_positive_int(env, "TRELLIS_MAX_PACKAGE_MB", 20) * 1024 * 1024,
            host=env.get("TRELLIS_HOST") or "127.0.0.1",
            port=_port(env.get("TRELLIS_PORT") or "5000"),
            secure_cookies=_secure_cookies(env),
            public_url=_public_url(env.get("TRELLIS_PUBLIC_URL") or None),
            package_env=package_env_policy(env),
            encryption_key=env.get("TRELLIS_ENCRYPTION_KEY") or None,
            image_decodes=_positive_int(env, "TRELLIS_IMAGE_DECODES", 2),
            image_memory_bytes=_positive_int(env, "TRELLIS_IMAGE_MEMORY_MB", 768) * MB,
            public_uploads_per_hour=_positive_int(env, "TRELLIS_PUBLIC_UPLOADS_PER_HOUR", 60),
            public_upload_bytes_per_hour=_positive_int(env, "TRELLIS_PUBLIC_UPLOAD_MB_PER_HOUR", 300) * MB,
            public_unclaimed_bytes=_positive_int(env, "TRELLIS_PUBLIC_UNCLAIMED_MB", 2048) * MB,
            unclaimed_upload_hours=_positive_int(env, "TRELLIS_UNCLAIMED_UPLOAD_HOURS", 24),
            public_previews_per_minute=_positive_int(env, "TRELLIS_PUBLIC_PREVIEWS_PER_MINUTE", 120),
            public_options_per_minute=_positive_int(env, "TRELLIS_PUBLIC_OPTIONS_PER_MINUTE", 120),
            trusted_proxies=_trusted_proxies(env.get("TRELLIS_TRUSTED_PROXIES") or "0"),
        )

    @property
    def public_url_is_local(self) -> bool:
        """Whether links given to people outside would miss: no public address set, or a loopback one."""
        if self.public_url is None:
            return True
        host = urlsplit(self.public_url).hostname or ""
        if host == "localhost" or host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def normalize_database_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to the psycopg 3 driver SQLAlchemy should use."""
    scheme, _, rest = url.partition("://")
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def _database_url(url: str) -> str:
    scheme = url.partition("://")[0]
    if "://" not in url or scheme not in _DB_SCHEMES:
        raise _refused("config.database_url", repr(url), variable="TRELLIS_DATABASE_URL")
    return normalize_database_url(url)


def _redis_url(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix") or (parts.scheme != "unix" and not parts.hostname):
        raise _refused("config.redis_url", repr(url), variable="TRELLIS_REDIS_URL")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise _refused("config.redis_port", repr(url)) from None
    return url


def _secure_cookies(env: Mapping[str, str]) -> bool:
    """Cookies only over HTTPS: by default when the public address is ``https://``; TRELLIS_SECURE_COOKIES
    (1/true/yes or 0/false/no) overrides it either way (a TLS proxy in front of a plain-http address)."""
    raw = (env.get("TRELLIS_SECURE_COOKIES") or "").strip().lower()
    if raw:
        return raw in ("1", "true", "yes")
    return (env.get("TRELLIS_PUBLIC_URL") or "").strip().lower().startswith("https://")


def _public_url(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise _refused("config.public_url", repr(url)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise _refused("config.public_url", repr(url))
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _port(raw: str) -> int:
    found = parse_whole(raw, low=1, high=65535)
    if found is None:
        raise _refused("config.port", repr(raw))
    return found


def _trusted_proxies(raw: str) -> int:
    found = parse_whole(raw, low=0, high=MAX_TRUSTED_PROXIES)
    if found is None:
        raise _refused("config.trusted_proxies", repr(raw), variable="TRELLIS_TRUSTED_PROXIES")
    return found


def package_env_policy(env: Mapping[str, str]) -> EnvPolicy:
    """``TRELLIS_PACKAGE_ENV``: the variables packages may read (names and ``PREFIX*``)."""
    raw = env.get(PACKAGE_ENV_SETTING)
    try:
        return EnvPolicy.parse(raw)
    except ValueError as exc:
        raise _refused("config.package_env", repr(str(exc)), variable=PACKAGE_ENV_SETTING) from None


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    found = parse_whole(raw, low=1, high=10**9)
    if found is None:
        raise _refused("config.positive_int", repr(raw), name=name)
    return found


def _refused(code: str, value: str, *, variable: str | None = None, **params: str) -> ConfigError:
    """The ConfigError for a bad value (shown quoted, as ``repr`` writes it); ``variable`` goes in its details."""
    error = ConfigError.says(code, value=value, **params)
    if variable:
        error.details = {"variable": variable}
    return error


def secret_key(settings: Settings) -> str:
    """TRELLIS_SECRET_KEY, or one generated once and kept in the instance folder."""
    return settings.secret_key or _instance_secret(settings.instance_dir)


def _instance_secret(instance_dir: Path) -> str:
    """Keep a generated secret in the instance folder so sessions survive restarts.

    Falls back to a per-process secret when the folder cannot be written (read-only deploys
    should set TRELLIS_SECRET_KEY).
    """
    path = instance_dir / "secret_key"
    try:
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        instance_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key
    except OSError:
        return secrets.token_hex(32)
