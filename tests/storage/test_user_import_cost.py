"""Bulk import stays quick: generated one-time passwords are stored cheaply, chosen ones at full cost."""

import pytest
from sqlalchemy import select

from engine.errors import SubmissionError
from engine.people import passwords
from engine.services import user_import
from engine.services.directory import DirectoryService
from engine.services.user_import import UserImport
from engine.storage.tables import UserRow


@pytest.fixture
def directory(database, monkeypatch):
    # two distinct costs, both cheap enough for a test: "full" 2**11, generated 2**8
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**11)
    return DirectoryService(database)


def _hash_of(directory, login: str) -> str:
    with directory.database.transaction() as session:
        return str(session.scalar(select(UserRow.password_hash).where(UserRow.login == login)))


def test_generated_passwords_are_cheap_and_chosen_ones_full_cost(directory):
    data = "login,name,password\nzhang,张三,chosen-password-1\nli,李四,\n".encode()

    result = UserImport(directory).run(data, locale="en")

    assert _hash_of(directory, "zhang").startswith("scrypt:2048:8:1$")
    assert _hash_of(directory, "li").startswith("scrypt:256:8:1$")
    generated = result["passwords"][0]["password"]
    assert directory.authenticate("li", generated).name == "李四"
    assert directory.authenticate("zhang", "chosen-password-1").name == "张三"


def test_a_password_set_later_gets_the_full_cost_again(directory):
    UserImport(directory).run(b"login\nwang\n", locale="en")

    directory.set_password("wang", "my own password")

    assert _hash_of(directory, "wang").startswith("scrypt:2048:8:1$")


def test_a_file_setting_too_many_passwords_is_refused_with_the_way_out(directory, monkeypatch):
    monkeypatch.setattr(user_import, "MAX_FILE_PASSWORDS", 2)
    data = b"login,password\na1,password-one\na2,password-two\na3,password-three\na4,\n"

    with pytest.raises(SubmissionError) as refused:
        UserImport(directory).run(data, locale="en")

    assert refused.value.field_errors == {
        "file": [
            "the file sets 3 passwords, at most 2 per file; leave the password column empty "
            "(one-time passwords are generated) or split it into several files"
        ]
    }
    assert directory.list_users()["items"] == []


def test_many_rows_without_passwords_import_in_one_go(directory):
    rows = "\n".join(f"user{n:04d},用户{n}" for n in range(1000))
    result = UserImport(directory).run(f"login,name\n{rows}\n".encode(), locale="en")
    assert result["created"] == 1000 and len(result["passwords"]) == 1000
