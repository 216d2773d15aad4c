"""`trellis users create` and `trellis tokens create`: exit codes, messages, the token on the last line."""

import io
import json

import pytest

from engine.cli import main
from engine.people import passwords
from engine.services.directory import DirectoryService
from engine.storage import Database

HELPDESK = {
    "format": "trellis.app/1",
    "id": "helpdesk",
    "version": "1.0.0",
    "name": {"en": "Helpdesk"},
    "roles": [{"id": "agent", "name": {"en": "Agent"}}, {"id": "technician", "name": {"en": "Technician"}}],
}


@pytest.fixture
def directory(monkeypatch, database_url, tmp_path, capsys):
    """An installed helpdesk app and a 工程部 group; yields the DirectoryService the commands write to."""
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    monkeypatch.setenv("TRELLIS_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)  # see tests/storage/test_directory.py
    package = tmp_path / "helpdesk.json"
    package.write_text(json.dumps(HELPDESK), encoding="utf-8")
    assert main(["import", str(package)]) == 0
    database = Database(database_url)
    store = DirectoryService(database)
    store.create_group("工程部")
    capsys.readouterr()
    yield store
    database.dispose()


def test_users_create(directory, capsys):
    code = main(
        [
            "users",
            "create",
            "Wang",
            "--password",
            "correct horse",
            "--role",
            "helpdesk:agent",
            "--role",
            "helpdesk:technician",
            "--group",
            "工程部",
            "--mobile",
            "13800138000",
            "--name",
            "王伟",
        ]
    )

    out = capsys.readouterr().out
    principal = directory.authenticate("13800138000", "correct horse")
    assert code == 0
    assert out == f"created user wang (id {principal.id})\n"
    assert (principal.name, principal.is_admin) == ("王伟", False)
    assert principal.roles_in("helpdesk") == {"agent", "technician"}
    assert len(principal.groups) == 1


def test_users_create_an_admin_with_the_password_from_stdin(directory, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("from standard input\n"))

    assert main(["users", "create", "boss", "--password", "-", "--admin"]) == 0
    assert directory.authenticate("boss", "from standard input").is_admin is True


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (
            ["--role", "helpdesk"],
            2,
            "trellis: --role must look like APP:ROLE (e.g. property_repair:agent), got 'helpdesk'",
        ),
        (["--role", "helpdesk:agnet"], 1, "trellis: app 'helpdesk' has no role 'agnet' (did you mean 'agent'?)"),
        (["--group", "工程"], 1, "trellis: there is no group '工程' (did you mean '工程部'?)"),
    ],
)
def test_users_create_refuses_with_one_line(directory, capsys, extra, code, message):
    assert main(["users", "create", "wang", "--password", "correct horse", *extra]) == code
    assert capsys.readouterr().err == message + "\n"


def test_users_create_refuses_a_taken_login_and_a_short_password(directory, capsys):
    main(["users", "create", "wang", "--password", "correct horse"])
    capsys.readouterr()

    assert main(["users", "create", "wang", "--password", "correct horse"]) == 1
    assert capsys.readouterr().err == "trellis: the login 'wang' is taken; choose another\n"
    assert main(["users", "create", "li", "--password", "short"]) == 1
    assert capsys.readouterr().err == "trellis: the user was not created: password: must have at least 8 characters\n"


def test_tokens_create_prints_the_token_alone_on_its_last_line(directory, capsys):
    main(["users", "create", "wang", "--password", "correct horse", "--role", "helpdesk:agent"])
    capsys.readouterr()

    code = main(["tokens", "create", "wang", "--scope", "app:helpdesk:read", "--label", "finance sync"])

    lines = capsys.readouterr().out.splitlines()
    principal = directory.principal_for_token(lines[-1])
    assert code == 0
    assert lines[-1].startswith("trellis_")
    assert principal is not None
    assert (principal.scopes, principal.roles_in("helpdesk")) == ({"app:helpdesk:read"}, {"agent"})


@pytest.mark.parametrize(
    ("scopes", "code", "errors"),
    [
        (
            ["--scope", "app:helpdesk:read", "--scope", "helpdesk:write"],
            2,
            ["trellis: 'helpdesk:write' is not a scope; write app:APP_ID:read, app:APP_ID:write or admin"],
        ),
        ([], 2, ["trellis: give at least one --scope, e.g. --scope app:property_repair:read"]),
        (
            ["--scope", "admin"],
            1,
            ["trellis: only an administrator's token may have the 'admin' scope; 'wang' is not one"],
        ),
        (["--scope", "app:nope:read"], 1, ["trellis: there is no app 'nope'; `trellis import` installs one"]),
    ],
)
def test_tokens_create_refuses_bad_scopes(directory, capsys, scopes, code, errors):
    main(["users", "create", "wang", "--password", "correct horse"])
    capsys.readouterr()

    assert main(["tokens", "create", "wang", *scopes]) == code
    captured = capsys.readouterr()
    assert (captured.out, captured.err.splitlines()) == ("", errors)


def test_tokens_create_for_an_unknown_user(directory, capsys):
    assert main(["tokens", "create", "ghost", "--scope", "app:helpdesk:read"]) == 1
    assert capsys.readouterr().err == "trellis: there is no user 'ghost'; `trellis users create` adds one\n"


def test_secrets_are_set_from_stdin_listed_without_values_and_deleted(directory, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("robot-key-42\n"))
    assert main(["secrets", "set", "helpdesk", "ROBOT_KEY"]) == 0
    assert capsys.readouterr().out == "stored ROBOT_KEY for helpdesk\n"
    assert main(["secrets", "list", "helpdesk"]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("ROBOT_KEY  stored ") and "robot-key-42" not in listed
    assert main(["secrets", "delete", "helpdesk", "ROBOT_KEY"]) == 0
    assert main(["secrets", "delete", "helpdesk", "ROBOT_KEY"]) == 1
    assert "no stored secret ROBOT_KEY" in capsys.readouterr().err
    assert main(["secrets", "list", "helpdesk"]) == 0
    assert capsys.readouterr().out == "no stored secrets\n"
