"""The user rules, written once: what the directory, the bulk import and the admin pages all refuse."""

import re
from pathlib import Path

import pytest

from engine.i18n import CATALOG
from engine.people import passwords, rules

ENGINE = Path(__file__).resolve().parents[2] / "engine"


@pytest.mark.parametrize(
    ("login", "problem"),
    [
        ("wang", None),
        ("wang.wei@example", None),
        ("王伟", "login_invalid"),
        ("-wang", "login_invalid"),
        ("138 0013 8000", "login_invalid"),
        ("13800138000", "login_mobile"),
    ],
)
def test_a_login_is_letters_digits_and_a_few_marks_and_never_a_phone_number(login, problem):
    assert rules.login_problem(login) == problem


@pytest.mark.parametrize(
    ("password", "problem"),
    [("x" * 7, "password_short"), ("x" * 8, None), ("x" * 1024, None), ("x" * 1025, "password_long")],
)
def test_a_password_has_8_to_1024_characters(password, problem):
    assert rules.password_problem(password) == problem


def test_a_new_user_is_checked_field_by_field_with_problem_codes():
    found = rules.user_problems("王 伟", "short", "x" * 201, "callme", "not-an-email", "fr")

    assert found == {
        "login": "login_invalid",
        "password": "password_short",
        "name": "name_long",
        "mobile": "mobile_invalid",
        "email": "email_invalid",
        "locale": "locale_invalid",
    }


def test_an_edit_names_the_first_role_that_is_not_app_colon_role():
    changes = {"roles": {"add": ["property_repair:agent", "agent"]}}

    assert rules.change_shape_problems(changes) == {"roles": "role_shape"}
    assert rules.bad_role(changes) == "agent"


def test_a_password_hash_is_werkzeug_scrypt_and_a_cheaper_cost_never_exceeds_the_full_one(monkeypatch):
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)

    full, cheap, capped = (
        passwords.hash_password("secret-1"),
        passwords.hash_password("secret-1", n=2**8),
        passwords.hash_password("secret-1", n=2**12),
    )

    assert full.startswith("scrypt:1024:8:1$") and cheap.startswith("scrypt:256:8:1$")
    assert capped.startswith("scrypt:1024:8:1$")
    assert all(passwords.check_password(stored, "secret-1") for stored in (full, cheap, capped))
    assert not passwords.check_password(full, "secret-2")


CODE = re.compile(r"""["']((?:directory|page\.auth|page\.admin|page\.account)\.[a-z_.]+[a-z_])["']""")
RULE_CODES = ("login_invalid", "login_mobile", "password_short", "password_long", "name_long", "mobile_invalid")
RULE_CODES += ("email_invalid", "locale_invalid", "not_text", "not_text_or_null", "not_boolean", "roles_shape")
RULE_CODES += ("role_shape",)


def test_every_directory_message_code_written_in_the_code_is_in_the_catalog():
    files = [*ENGINE.glob("services/*.py"), *ENGINE.glob("people/*.py"), *ENGINE.glob("web/*.py")]
    used = {code for path in files for code in CODE.findall(path.read_text(encoding="utf-8"))}

    assert len(used) > 20, "the pattern finds the refusals"
    assert sorted(code for code in used if code not in CATALOG) == []


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_problem_a_rule_names_is_worded_for_the_api(code):
    assert f"directory.field.{code}" in CATALOG


@pytest.mark.parametrize("code", ["login_invalid", "login_mobile", "password_short", "password_long"])
def test_the_problems_the_import_and_the_admin_pages_take_from_the_rules_are_worded_there_too(code):
    assert f"directory.import.{code}" in CATALOG
    assert code.startswith("login") or f"page.admin.{code}" in CATALOG
