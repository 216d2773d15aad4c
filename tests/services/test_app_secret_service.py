"""Managing stored secrets: administrators only, names checked, missing ones listed, never exported."""

from __future__ import annotations

import json

import pytest

from engine.errors import NotFoundError, PermissionDeniedError, SubmissionError
from engine.principal import LOCAL_ADMIN, Principal

TOKEN = "robot-key-9d1c"
AGENT = Principal(id="agent", name="客服", app_roles={"property_repair": frozenset({"agent"})})


@pytest.fixture
def installed(services, property_package):
    config = next(c for c in property_package["connectors"] if c["id"] == "finance")["config"]
    config["secret"] = "stored:FINANCE_TOKEN"
    services.apps.import_package(property_package, actor="test")
    return services


def test_the_list_names_stored_secrets_and_those_the_package_lacks(installed):
    assert installed.secrets.listed(LOCAL_ADMIN, "property_repair") == [
        {"name": "FINANCE_TOKEN", "stored": False, "updated_at": None, "updated_by": None}
    ]
    installed.secrets.put(LOCAL_ADMIN, "property_repair", "FINANCE_TOKEN", TOKEN)
    [item] = installed.secrets.listed(LOCAL_ADMIN, "property_repair")
    assert (item["name"], item["stored"], item["updated_by"]) == ("FINANCE_TOKEN", True, LOCAL_ADMIN.id)
    assert TOKEN not in json.dumps(item, default=str)


def test_exporting_the_app_carries_no_secret(installed):
    installed.secrets.put(LOCAL_ADMIN, "property_repair", "FINANCE_TOKEN", TOKEN)
    exported = json.dumps(installed.apps.export("property_repair"), ensure_ascii=False)
    assert TOKEN not in exported
    assert "stored:FINANCE_TOKEN" in exported


@pytest.mark.parametrize(
    ("name", "value", "error", "code"),
    [
        ("finance_token", TOKEN, SubmissionError, "secret.bad_name"),
        ("A" * 101, TOKEN, SubmissionError, "secret.bad_name"),
        ("TOKEN", "", SubmissionError, "secret.bad_value"),
        ("TOKEN", " padded ", SubmissionError, "secret.bad_value"),
        ("TOKEN", "x" * 8193, SubmissionError, "secret.bad_value"),
        ("TOKEN", "密钥", SubmissionError, "secret.bad_value"),
        ("TOKEN", "a\nb", SubmissionError, "secret.bad_value"),
    ],
)
def test_bad_names_and_values_are_refused(installed, name, value, error, code):
    with pytest.raises(error) as caught:
        installed.secrets.put(LOCAL_ADMIN, "property_repair", name, value)
    assert caught.value.message_code == code


def test_only_administrators_manage_secrets_of_apps_that_exist(installed):
    with pytest.raises(PermissionDeniedError):
        installed.secrets.put(AGENT, "property_repair", "FINANCE_TOKEN", TOKEN)
    with pytest.raises(PermissionDeniedError):
        installed.secrets.listed(AGENT, "property_repair")
    with pytest.raises(NotFoundError):
        installed.secrets.put(LOCAL_ADMIN, "no_such_app", "FINANCE_TOKEN", TOKEN)
    with pytest.raises(NotFoundError):
        installed.secrets.remove(LOCAL_ADMIN, "property_repair", "NEVER_STORED")
