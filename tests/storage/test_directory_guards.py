"""The directory never lets the last active administrator go: someone must always be able to manage it."""

import pytest

from engine.errors import ConflictError
from engine.services.directory import DirectoryService

PASSWORD = "correct horse"
LAST_ADMIN = (
    "'root' is the last active administrator; create another one first "
    "(`trellis users create NAME --admin`), then deactivate this account"
)


@pytest.fixture
def directory(database):
    store = DirectoryService(database)
    store.create_user("root", PASSWORD, admin=True)
    store.create_user("wang", PASSWORD)
    return store


def test_deactivating_the_last_admin_is_refused(directory):
    with pytest.raises(ConflictError) as refused:
        directory.deactivate("root", actor="user:root")
    assert refused.value.message == LAST_ADMIN
    assert directory.get_user("root")["active"] is True


def test_an_edit_deactivating_the_last_admin_is_refused_whole(directory):
    with pytest.raises(ConflictError) as refused:
        directory.update_user("root", {"name": "老管理员", "active": False}, actor="user:root")
    assert refused.value.message == LAST_ADMIN
    user = directory.get_user("root")
    assert (user["active"], user["name"]) == (True, "root")  # nothing of the edit was applied


def test_an_admin_may_go_while_another_active_admin_remains(directory):
    directory.create_user("second", PASSWORD, admin=True)

    directory.deactivate("root")

    assert directory.get_user("root")["active"] is False
    with pytest.raises(ConflictError):
        directory.update_user("second", {"active": False})


def test_an_inactive_admin_does_not_count(directory):
    directory.create_user("second", PASSWORD, admin=True)
    directory.deactivate("second")

    with pytest.raises(ConflictError):
        directory.deactivate("root")


def test_other_users_come_and_go_freely(directory):
    directory.deactivate("wang")
    directory.update_user("wang", {"active": True})
    directory.update_user("wang", {"active": False})
    assert directory.get_user("wang")["active"] is False
