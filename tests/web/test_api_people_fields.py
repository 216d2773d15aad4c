"""A person field over HTTP: an unknown or wrong person is a 422 naming the field, in the request's language."""

import pytest

from engine.packages import package_problems
from tests.services.test_people_fields import PACKAGE

BASE = "/api/v1/apps/visits/forms/visit/records"


@pytest.fixture
def api(client, app):
    assert client.post("/api/v1/apps", json=PACKAGE).status_code in (200, 201)
    directory = app.extensions["trellis"].directory
    directory.create_user("wang", "Secret-pass-1", roles=[("visits", "host")])
    directory.create_user("li", "Secret-pass-1")
    return client


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-CN", {"host": ["接待人:用户“li”没有角色“host”"], "escorts": ["陪同:用户“ghost”不存在或已停用"]}),
        (
            "en",
            {
                "host": ["接待人: user 'li' does not hold the role 'host'"],
                "escorts": ["陪同: there is no active user 'ghost'"],
            },
        ),
    ],
)
def test_wrong_and_unknown_people_are_a_422_by_field(api, lang, expected):
    response = api.post(BASE, json={"host": "li", "escorts": ["ghost"]}, headers={"Accept-Language": lang})

    assert response.status_code == 422
    assert response.json["errors"] == expected


def test_the_right_person_by_login_is_created(api):
    response = api.post(BASE, json={"host": "wang", "escorts": ["li"]})

    assert (response.status_code, response.json["data"]["host"]) == (201, "wang")


@pytest.mark.parametrize("group", ["", "x" * 201, 7, None])
def test_a_bad_group_limit_is_refused_at_validate_with_its_pointer(group):
    package = {**PACKAGE, "forms": [{**PACKAGE["forms"][0], "fields": [{"id": "g", "type": "user", "group": group}]}]}

    found = package_problems(package)

    assert [p.pointer for p in found] == ["/forms/0/fields/0/group"]
