"""Settings from the environment and the plug-in registry's promises."""

from pathlib import Path

import pytest

from engine.config import DEFAULT_DATABASE_URL, Settings, secret_key
from engine.errors import ConfigError
from engine.registry import DuplicateKeyError, Registry, UnknownKeyError


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.redis_url, settings.port, settings.instance_dir) == (None, 5000, Path("instance"))


def test_postgres_urls_use_psycopg3():
    settings = Settings.from_env({"TRELLIS_DATABASE_URL": "postgres://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_redis_url_with_a_broken_port_is_refused():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TRELLIS_REDIS_URL": "redis://localhost:notaport/0"})
    assert caught.value.message == "TRELLIS_REDIS_URL has a malformed port: 'redis://localhost:notaport/0'"


def test_a_generated_secret_key_is_kept_across_restarts(tmp_path):
    settings = Settings.from_env({"TRELLIS_INSTANCE_DIR": str(tmp_path)})
    first = secret_key(settings)
    assert secret_key(Settings.from_env({"TRELLIS_INSTANCE_DIR": str(tmp_path)})) == first
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_registry_refuses_duplicates():
    registry: Registry[int] = Registry("node type")
    registry.register("approval", 1)
    with pytest.raises(DuplicateKeyError) as caught:
        registry.register("approval", 2)
    assert caught.value.message == "node type 'approval' is already registered; pick another name"
    assert registry.get("approval") == 1


def test_registry_suggests_near_misses():
    registry: Registry[int] = Registry("approval mode")
    for key in ("countersign", "or_sign", "sequential"):
        registry.register(key, 0)
    with pytest.raises(UnknownKeyError) as caught:
        registry.get("countersing")
    assert caught.value.message == "unknown approval mode 'countersing' (did you mean 'countersign'?)"
    assert registry.keys() == ["countersign", "or_sign", "sequential"]


def test_a_bad_setting_reads_in_either_language():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TRELLIS_PORT": "http"})

    assert caught.value.message == "TRELLIS_PORT must be a port number from 1 to 65535, got 'http'"
    assert caught.value.localized("zh-CN") == "`TRELLIS_PORT` 必须是 1 到 65535 之间的端口号,实际是 'http'"


def test_trusted_proxies_and_public_limits_come_from_the_environment():
    defaults = Settings.from_env({})
    assert (defaults.trusted_proxies, defaults.public_previews_per_minute, defaults.public_options_per_minute) == (
        0,
        120,
        120,
    )
    chosen = Settings.from_env(
        {
            "TRELLIS_TRUSTED_PROXIES": "2",
            "TRELLIS_PUBLIC_PREVIEWS_PER_MINUTE": "30",
            "TRELLIS_PUBLIC_OPTIONS_PER_MINUTE": "40",
        }
    )
    assert (chosen.trusted_proxies, chosen.public_previews_per_minute, chosen.public_options_per_minute) == (2, 30, 40)


@pytest.mark.parametrize("raw", ["-1", "6", "one"])
def test_a_number_of_trusted_proxies_out_of_range_is_refused(raw):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TRELLIS_TRUSTED_PROXIES": raw})

    assert caught.value.message == (
        f"TRELLIS_TRUSTED_PROXIES must be the number of reverse proxies in front of Trellis, "
        f"from 0 (none: the default) to 5, got '{raw}'"
    )
    assert caught.value.details == {"variable": "TRELLIS_TRUSTED_PROXIES"}
