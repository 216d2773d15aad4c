"""Every setting Trellis reads is in the README's settings table, and every limit setting in the limits
table of docs/security.md, so an administrator finds each one with its default."""

import re

import pytest

from tests.conftest import ROOT

CONFIG = (ROOT / "engine" / "config.py").read_text(encoding="utf-8")
SETTINGS = sorted(set(re.findall(r'"(TRELLIS_[A-Z_]+)"', CONFIG)))
LIMITS = [name for name in SETTINGS if re.search(r"_(PER_MINUTE|PER_HOUR|MB|HOURS|PROXIES|DECODES)$", name)]


def _table_rows(path: str) -> list[str]:
    return [line for line in (ROOT / path).read_text(encoding="utf-8").splitlines() if line.startswith("| ")]


@pytest.mark.parametrize("name", SETTINGS)
def test_every_setting_has_a_row_in_the_readmes_table(name):
    assert any(line.startswith("| `") and f"`{name}`" in line.split(" | ")[0] for line in _table_rows("README.md"))


@pytest.mark.parametrize("name", LIMITS)
def test_every_limit_setting_is_in_the_security_page(name):
    assert f"`{name}`" in (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def test_the_limit_settings_include_the_rate_limits_and_the_proxies():
    new = {"TRELLIS_PUBLIC_PREVIEWS_PER_MINUTE", "TRELLIS_PUBLIC_OPTIONS_PER_MINUTE", "TRELLIS_TRUSTED_PROXIES"}
    assert new <= set(LIMITS)
