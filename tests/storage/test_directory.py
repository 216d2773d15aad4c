"""The directory: users, groups, roles per app, sign-in with lockout, API tokens, on every back-end."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from engine.errors import ConflictError, NotFoundError, PermissionDeniedError, SubmissionError
from engine.people import passwords
from engine.services.apps import AppService
from engine.services.directory import DirectoryService
from engine.storage.tables import ApiTokenRow, AuditEventRow, UserRow

HELPDESK = {
    "format": "trellis.app/1",
    "id": "helpdesk",
    "version": "1.0.0",
    "name": {"en": "Helpdesk"},
    "roles": [{"id": "agent", "name": {"en": "Agent"}}, {"id": "technician", "name": {"en": "Technician"}}],
}
PASSWORD = "correct horse"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 10, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fast_hashing(monkeypatch):
    """scrypt at 1/32 of its cost: these tests hash dozens of times; one test keeps the real cost."""
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)


@pytest.fixture
def directory(database, clock, fast_hashing):
    AppService(database).import_package(HELPDESK, actor="test")
    AppService(database).import_package(HELPDESK, actor="test")
    return DirectoryService(database, clock=clock)
    return DirectoryService(database, clock=clock)


def _audit(database) -> list[tuple[str, str, str]]:
    with database.transaction() as session:
        rows = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id)).all()
        return [(r.actor, r.action, r.subject_type) for r in rows if r.subject_type != "app"]


def _refused(directory, login, password) -> PermissionDeniedError:
    with pytest.raises(PermissionDeniedError) as caught:
        directory.authenticate(login, password)
    return caught.value


def test_a_user_signs_in_by_login_or_by_mobile(directory):
    user_id = directory.create_user("Wang.Wei", PASSWORD, name="王伟", mobile="138 0013 8000", locale="en")

    by_login = directory.authenticate("  wang.wei ", PASSWORD)
    by_mobile = directory.authenticate("13800138000", PASSWORD)

    assert by_login == by_mobile
    assert (by_login.id, by_login.name, by_login.locale, by_login.is_admin) == (user_id, "王伟", "en", False)
    assert (by_login.scopes, by_login.anonymous) == (None, False)
    assert len(user_id) == 32


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(directory):
    directory.create_user("wang", PASSWORD)

    wrong = _refused(directory, "wang", "not the password")
    unknown = _refused(directory, "nobody", PASSWORD)

    assert (wrong.code, wrong.message) == ("login_failed", "wrong login name, mobile number or password")
    assert (unknown.code, unknown.message) == (wrong.code, wrong.message)


def test_five_failures_in_a_row_lock_the_account_for_15_minutes(directory, clock):
    directory.create_user("wang", PASSWORD)
    for _ in range(4):
        assert _refused(directory, "wang", "guess").code == "login_failed"

    fifth = _refused(directory, "wang", "guess")
    clock.now += timedelta(minutes=14)
    while_locked = _refused(directory, "wang", PASSWORD)
    clock.now += timedelta(minutes=1)
    principal = directory.authenticate("wang", PASSWORD)

    message = "too many failed sign-ins; try again after 2026-11-25 10:16 UTC"
    assert (fifth.code, fifth.message, fifth.details) == (
        "login_locked",
        message,
        {"retry_at": "2026-11-25T10:15:30+00:00"},
    )
    assert (while_locked.code, while_locked.message) == ("login_locked", message)
    assert principal.name == "wang"


def test_the_lock_counts_failures_by_mobile_and_login_together(directory):
    directory.create_user("wang", PASSWORD, mobile="13800138000")
    for identifier in ["wang", "13800138000", "WANG", "138-0013-8000"]:
        _refused(directory, identifier, "guess")

    assert _refused(directory, "13800138000", "guess").code == "login_locked"


def test_a_success_resets_the_failure_count(directory):
    directory.create_user("wang", PASSWORD)
    for _ in range(4):
        _refused(directory, "wang", "guess")
    directory.authenticate("wang", PASSWORD)

    assert _refused(directory, "wang", "guess").code == "login_failed"


def test_unknown_logins_lock_exactly_like_real_ones(directory):
    directory.create_user("wang", PASSWORD)
    real = [_refused(directory, "wang", "guess").message for _ in range(6)]
    ghost = [_refused(directory, "ghost", "guess").message for _ in range(6)]

    assert ghost == real
    assert real[-1].startswith("too many failed sign-ins")


def test_setting_a_password_lifts_the_lock(directory):
    directory.create_user("wang", PASSWORD)
    for _ in range(5):
        _refused(directory, "wang", "guess")

    directory.set_password("wang", "a new password", actor="admin")

    assert directory.authenticate("wang", "a new password").name == "wang"
    assert _refused(directory, "wang", PASSWORD).code == "login_failed"


def test_a_deactivated_user_cannot_sign_in_or_use_a_token(directory):
    user_id = directory.create_user("wang", PASSWORD, roles=[("helpdesk", "agent")])
    token, _ = directory.create_token("wang", "sync", ["app:helpdesk:read"])

    directory.deactivate("wang")

    assert _refused(directory, "wang", "guess").code == "login_failed"  # a wrong password reveals nothing
    refused = _refused(directory, "wang", PASSWORD)
    assert (refused.code, refused.message) == (
        "account_inactive",
        "this account has been deactivated; ask an administrator to reactivate it",
    )
    assert directory.principal_for_token(token) is None
    with pytest.raises(NotFoundError) as session_user:
        directory.principal_for(user_id)
    assert session_user.value.message == f"there is no active user with id '{user_id}'"


def test_a_group_tree_gives_every_ancestor_group(directory):
    directory.create_user("boss", PASSWORD)
    engineering = directory.create_group("工程部", leader="boss")
    plumbing = directory.create_group("水电维修组", parent="工程部")
    windows = directory.create_group("门窗维修组", parent=engineering)
    user_id = directory.create_user("li", PASSWORD, groups=["水电维修组"])

    principal = directory.principal_for(user_id)
    directory.add_member(windows, "li")

    assert principal.groups == {plumbing, engineering}
    assert directory.principal_for(user_id).groups == {plumbing, windows, engineering}


def test_group_mistakes_are_named(directory):
    directory.create_group("工程部")

    with pytest.raises(ConflictError) as taken:
        directory.create_group("工程部")
    with pytest.raises(NotFoundError) as unknown:
        directory.create_user("li", PASSWORD, groups=["工程"])

    assert taken.value.message == "there is already a group named '工程部'"
    assert unknown.value.message == "there is no group '工程' (did you mean '工程部'?)"


def test_roles_are_held_per_app(directory, database):
    second = {**HELPDESK, "id": "crm", "roles": [{"id": "agent", "name": {"en": "Agent"}}]}
    AppService(database).import_package(second, actor="test")
    user_id = directory.create_user("wang", PASSWORD, roles=[("helpdesk", "technician"), ("crm", "agent")])

    directory.grant_role("wang", "helpdesk", "agent", actor="admin")
    granted = directory.principal_for(user_id)
    directory.revoke_role("wang", "helpdesk", "technician", actor="admin")
    revoked = directory.principal_for(user_id)

    assert granted.app_roles == {"helpdesk": {"agent", "technician"}, "crm": {"agent"}}
    assert revoked.roles_in("helpdesk") == {"agent"}
    assert revoked.roles_in("other") == frozenset()


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (("helpdesk", "agnet"), "app 'helpdesk' has no role 'agnet' (did you mean 'agent'?)"),
        (("helpdsk", "agent"), "there is no app 'helpdsk' (did you mean 'helpdesk'?); `trellis import` installs one"),
    ],
)
def test_an_unknown_role_or_app_is_refused(directory, role, message):
    with pytest.raises(NotFoundError) as caught:
        directory.create_user("wang", PASSWORD, roles=[role])

    assert caught.value.message == message
    with pytest.raises(PermissionDeniedError):
        directory.authenticate("wang", PASSWORD)  # nothing was created


def test_bad_user_input_is_listed_field_by_field(directory):
    with pytest.raises(SubmissionError) as caught:
        directory.create_user("王 伟", "short", mobile="call me", locale="fr")

    assert caught.value.field_errors == {
        "login": ["use 1 to 100 letters, digits and . _ @ + - (starting with a letter or digit)"],
        "password": ["must have at least 8 characters"],
        "mobile": ["'callme' is not a phone number (5 to 19 digits, optionally starting with +)"],
        "locale": ["must be one of en, zh-CN, not 'fr'"],
    }
    assert caught.value.message.startswith("the user was not created: login: use 1 to 100 letters")


def test_a_login_that_looks_like_a_phone_number_is_refused(directory):
    with pytest.raises(SubmissionError) as caught:
        directory.create_user("138-0013-8000", PASSWORD)

    assert caught.value.field_errors["login"] == [
        "cannot look like a phone number (sign-in would take it for a mobile number)"
    ]


def test_logins_and_mobiles_are_unique(directory):
    directory.create_user("wang", PASSWORD, mobile="13800138000")

    with pytest.raises(ConflictError) as login:
        directory.create_user("WANG", PASSWORD)
    with pytest.raises(ConflictError) as mobile:
        directory.create_user("li", PASSWORD, mobile="13800138000")

    assert login.value.message == "the login 'wang' is taken; choose another"
    assert mobile.value.message == "the mobile number 13800138000 already belongs to another user"


def test_communities_and_admin_reach_the_principal(directory):
    user_id = directory.create_user("boss", PASSWORD, admin=True, communities=[3, 1])

    principal = directory.principal_for(user_id)

    assert (principal.communities, principal.is_admin) == ({1, 3}, True)


def test_passwords_are_stored_as_werkzeug_scrypt(database, monkeypatch):
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**15)  # the real cost, whatever the suite's default
    DirectoryService(database).create_user("wang", PASSWORD)

    with database.transaction() as session:
        stored = session.scalar(select(UserRow.password_hash))

    assert stored.startswith("scrypt:32768:8:1$")
    assert PASSWORD not in stored
    assert check_password_hash(stored, PASSWORD)
    assert not check_password_hash(stored, "other")


def test_a_token_acts_as_its_user_with_its_scopes_until_revoked(directory, clock):
    user_id = directory.create_user("wang", PASSWORD, admin=True, roles=[("helpdesk", "agent")])
    token, token_id = directory.create_token("wang", "finance sync", ["app:helpdesk:write", "app:helpdesk:read"])

    principal = directory.principal_for_token(f" {token} ")
    directory.revoke_token(token_id, actor="admin")

    assert token.startswith(f"trellis_{token_id}_")
    assert principal is not None
    assert (principal.id, principal.scopes) == (user_id, {"app:helpdesk:read", "app:helpdesk:write"})
    assert principal.roles_in("helpdesk") == {"agent"}
    assert principal.is_admin is False  # an admin's token is admin only with the admin scope
    assert directory.principal_for_token(token) is None


def test_an_admin_token_needs_the_admin_scope_and_an_admin(directory):
    directory.create_user("boss", PASSWORD, admin=True)
    directory.create_user("wang", PASSWORD)
    token, _ = directory.create_token("boss", "ops", ["admin"])

    with pytest.raises(PermissionDeniedError) as caught:
        directory.create_token("wang", "ops", ["admin"])

    assert directory.principal_for_token(token).is_admin is True
    assert caught.value.message == "only an administrator's token may have the 'admin' scope; 'wang' is not one"


def test_bad_scopes_are_refused(directory):
    directory.create_user("wang", PASSWORD)
    messages = []
    for scopes in (["app:helpdesk:delete"], [], ["app:nope:read"]):
        with pytest.raises((SubmissionError, NotFoundError)) as caught:
            directory.create_token("wang", "x", scopes)
        messages.append(caught.value.message)

    assert messages == [
        "'app:helpdesk:delete' is not a scope; write app:APP_ID:read, app:APP_ID:write or admin",
        "a token needs at least one scope, such as app:APP_ID:read, app:APP_ID:write or admin",
        "there is no app 'nope'; `trellis import` installs one",
    ]


def test_a_token_is_never_stored_in_plain_text(directory, database):
    directory.create_user("wang", PASSWORD)
    token, token_id = directory.create_token("wang", "sync", ["app:helpdesk:read"])
    directory.principal_for_token(token)
    # The random part is url-safe base64 and may itself hold "_": cut at the known prefix, not the last "_".
    secret = token.removeprefix(f"trellis_{token_id}_")
    assert len(secret) >= 40

    with database.transaction() as session:
        dumped = [
            repr([getattr(row, c.key) for c in row.__table__.columns])
            for model in (ApiTokenRow, AuditEventRow, UserRow)
            for row in session.scalars(select(model))
        ]

    assert not any(secret in text for text in dumped)
    assert any(token_id in text for text in dumped)


def test_a_wrong_token_gives_no_principal(directory):
    directory.create_user("wang", PASSWORD)
    token, _ = directory.create_token("wang", "sync", ["app:helpdesk:read"])
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert [directory.principal_for_token(t) for t in (forged, "", "Bearer", token + "x")] == [None] * 4


def test_revoking_an_unknown_token_says_so(directory):
    with pytest.raises(NotFoundError) as caught:
        directory.revoke_token("0123456789abcdef")

    assert caught.value.message == "there is no API token with id '0123456789abcdef'"


def test_every_change_and_sign_in_is_audited(directory, database):
    directory.create_user("wang", PASSWORD, actor="cli:root")
    directory.authenticate("wang", PASSWORD)
    _refused(directory, "wang", "guess")
    _refused(directory, "ghost", "guess")
    directory.grant_role("wang", "helpdesk", "agent", actor="admin")
    directory.revoke_role("wang", "helpdesk", "agent", actor="admin")
    directory.create_group("工程部", actor="admin")
    directory.add_member("工程部", "wang", actor="admin")
    directory.set_on_duty("wang", True, actor="admin")
    directory.set_password("wang", "another password", actor="admin")
    _, token_id = directory.create_token("wang", "sync", ["app:helpdesk:read"], actor="admin")
    directory.revoke_token(token_id, actor="admin")
    directory.deactivate("wang", actor="admin")

    events = _audit(database)

    assert [(action, subject) for _, action, subject in events] == [
        ("user.create", "user"),
        ("login.success", "user"),
        ("login.failure", "user"),
        ("login.failure", "login"),
        ("user.role_grant", "user"),
        ("user.role_revoke", "user"),
        ("group.create", "group"),
        ("group.member_add", "group"),
        ("user.on_duty", "user"),
        ("user.password_set", "user"),
        ("token.create", "token"),
        ("token.revoke", "token"),
        ("user.deactivate", "user"),
    ]
    assert events[0][0] == "cli:root"
    assert events[2][0] == "anonymous"
    with database.transaction() as session:
        ghost = session.scalar(select(AuditEventRow).where(AuditEventRow.subject_type == "login"))
    assert "ghost" not in repr((ghost.subject_id, ghost.details))  # a mistyped password may be in the login box
