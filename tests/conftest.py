"""Shared fixtures: real back-ends only.

``database`` runs each storage test on SQLite and, when TRELLIS_TEST_DATABASE_URL is set, on
PostgreSQL too (each test in a database of its own, dropped afterwards: a copy of one migrated once
per test process, see tests/database_copies.py). Under CI=true a missing or unreachable PostgreSQL
or Redis fails the run instead of quietly testing less.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from sqlalchemy import create_engine, text

from engine.config import Settings, normalize_database_url
from engine.storage import Database
from engine.storage.migrate import upgrade
from tests.database_copies import Build, DatabaseCopies, content_name, seeds
from tests.url_builders import reuse_compiled_routes

ROOT = Path(__file__).resolve().parents[1]
PROPERTY_APP = ROOT / "apps" / "property_repair.json"
PG_URL = os.environ.get("TRELLIS_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TRELLIS_TEST_REDIS_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"

# The command line speaks the language of its shell; tests run in a server's POSIX shell (English)
# unless they ask for another (``--lang``, ``Accept-Language``).
os.environ["LANG"] = "C.UTF-8"
reuse_compiled_routes()
os.environ.pop("LC_ALL", None)

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_sessionstart(session: pytest.Session) -> None:
    if not IN_CI:
        return
    missing = [
        name
        for name, value in (("TRELLIS_TEST_DATABASE_URL", PG_URL), ("TRELLIS_TEST_REDIS_URL", REDIS_URL))
        if not value
    ]
    if missing:
        raise pytest.UsageError(f"CI=true but {', '.join(missing)} not set: CI must test PostgreSQL and Redis")
    _check_postgres(PG_URL or "")
    client = redis.Redis.from_url(REDIS_URL or "", socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise pytest.UsageError(f"CI=true but Redis at {REDIS_URL} is unreachable: {exc}") from None
    finally:
        client.close()


def _check_postgres(url: str) -> None:
    engine = create_engine(normalize_database_url(url))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver failure means the same thing here
        raise pytest.UsageError(f"CI=true but PostgreSQL at {url} is unreachable: {exc}") from None
    finally:
        engine.dispose()


class PostgresSchema:
    """A schema of its own for one test, reached through search_path in the URL."""

    def __init__(self, base_url: str):
        self.base_url = normalize_database_url(base_url)
        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self._admin = create_engine(self.base_url)
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.name}"'))

    @property
    def url(self) -> str:
        joiner = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{joiner}options={quote(f'-csearch_path={self.name}')}"

    def drop(self) -> None:
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def database_copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseCopies]:
    copies = DatabaseCopies(tmp_path_factory.mktemp("database-templates"), PG_URL)
    try:
        yield copies
    finally:
        copies.close()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, database_copies: DatabaseCopies) -> Iterator[str]:
    """A fresh database at the newest migration on each back-end, this test's own.

    It is a copy of a database migrated once per test process. A test using a fixture that seeds
    its database (``company``, see tests/database_copies.py) gets a copy of the database that fixture
    filled instead.
    The tests of the migrations themselves take ``empty_database_url``.
    """
    copy = database_copies.for_test(request, request.param, tmp_path)
    try:
        yield copy.url
    finally:
        copy.drop()


@pytest.fixture(params=BACKENDS)
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, database_copies: DatabaseCopies
) -> Iterator[str]:
    """A fresh database with no tables on each back-end: for the tests that migrate from scratch."""
    copy = database_copies.empty(request.param, tmp_path)
    try:
        yield copy.url
    finally:
        copy.drop()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    upgrade(db)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def redis_url() -> str:
    """The test Redis (TRELLIS_TEST_REDIS_URL). A test that asks for it fails without one, never skips:
    what it checks (counts shared through Redis) cannot be tested any other way."""
    if not REDIS_URL:
        needed = "TRELLIS_TEST_REDIS_URL is not set: this test needs the test Redis, e.g. redis://127.0.0.1:6379/10"
        pytest.fail(needed, pytrace=False)
    return REDIS_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    env = {"TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")}
    if REDIS_URL:
        env["TRELLIS_REDIS_URL"] = REDIS_URL
    return Settings.from_env(env)


@pytest.fixture
def services(settings: Settings):  # type: ignore[no-untyped-def]
    """The services as ``build_services`` assembles them for the web, the CLI and the worker."""
    from engine.services import build_services

    built = build_services(settings)
    yield built
    built.close()


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    from engine.web import create_app

    application = create_app(settings, {"TESTING": True})
    yield application
    application.extensions["trellis"].database.dispose()


ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "admin-password-1"


def admin_token(database) -> str:  # type: ignore[no-untyped-def]
    """An administrator and an API token for them, in the given database."""
    from engine.services.directory import DirectoryService

    directory = DirectoryService(database)
    directory.create_user(ADMIN_LOGIN, ADMIN_PASSWORD, name="管理员", admin=True)
    token, _ = directory.create_token(ADMIN_LOGIN, "tests", ["admin"])
    return token


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """A test client acting as an administrator through an API token (most tests exercise features, not
    identity; tests of identity and permissions use ``anonymous_client`` or tokens of their own)."""
    test_client = app.test_client()
    token = admin_token(app.extensions["trellis"].database)
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # an integration's language (the default is zh-CN)
    return test_client


@pytest.fixture
def anonymous_client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def property_package() -> dict:
    return json.loads(PROPERTY_APP.read_text(encoding="utf-8"))


@seeds("installed_property_app")
def installed_property_app_seed(request: pytest.FixtureRequest) -> tuple[str, Build]:
    """Installed once per worker, back-end and package (a module may override ``property_package``)."""
    from engine.services.apps import AppService

    package = request.getfixturevalue("property_package")
    return content_name("installed", package), lambda db: AppService(db).import_package(package, actor="test")


@pytest.fixture
def installed_property_app(property_package: dict) -> dict:
    """``property_package`` installed and published in the test's database before the test starts, as an
    import leaves it: the database is a copy of one it was installed in once (tests/database_copies.py).
    For tests of something else than installing; the tests of installing post the package themselves."""
    return property_package


class LiveServer(str):
    """The base URL of a running server, carrying an administrator's API token."""

    token: str

    def __new__(cls, base: str, token: str) -> LiveServer:
        instance = super().__new__(cls, base)
        instance.token = token
        return instance


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):  # type: ignore[no-untyped-def]
    """Tests hash passwords at 1/32 of the real scrypt cost (one test in test_directory keeps it)."""
    from engine.people import passwords

    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """`trellis serve` as a real process on a free port; yields its base URL.

    The administrator and their token are made first, in the database, as `trellis users create admin
    --admin` and `trellis tokens create admin --scope admin` make them (those commands have tests of their
    own; two more processes per test cost seconds)."""
    from engine.services.directory import DirectoryService

    database = Database(database_url)
    try:
        directory = DirectoryService(database)
        directory.create_user(ADMIN_LOGIN, ADMIN_PASSWORD, admin=True, actor="cli:tests")
        token, _ = directory.create_token(ADMIN_LOGIN, "cli", ["admin"], actor="cli:tests")
    finally:
        database.dispose()
    port = free_port()
    env = {**os.environ, "TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("TRELLIS_REDIS_URL", None)
    script = Path(sys.executable).with_name("trellis")
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(script), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            process.terminate()
            raise AssertionError(log_path.read_text())
        try:
            yield LiveServer(base, token)
        finally:
            process.terminate()
            process.wait(timeout=20)
