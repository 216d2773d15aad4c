"""Person fields name active people only, and a flow step never goes to someone who is not there."""

import pytest

from engine.errors import SubmissionError

PACKAGE = {
    "format": "trellis.app/1",
    "id": "visits",
    "version": "1.0.0",
    "name": "访客登记",
    "roles": [{"id": "guard", "name": "保安"}, {"id": "host", "name": "接待"}],
    "forms": [
        {
            "id": "visit",
            "name": "访客",
            "fields": [
                {"id": "visitor", "type": "text", "label": "访客"},
                {"id": "host", "type": "user", "label": "接待人", "role": "host"},
                {"id": "guard", "type": "user", "label": "值班保安", "group": "保安组"},
                {"id": "escorts", "type": "user", "label": "陪同", "multiple": True},
                {"id": "team", "type": "group", "label": "接待组"},
                {
                    "id": "stops",
                    "type": "subtable",
                    "label": "行程",
                    "fields": [{"id": "by", "type": "user", "label": "经手人"}],
                },
            ],
        }
    ],
    "flows": [
        {
            "id": "welcome",
            "name": "接待",
            "form": "visit",
            "start_on": "manual",
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "meet", "type": "user_task", "assignee": {"type": "field", "field": "host"}},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "meet"},
                {"id": "e2", "source": "meet", "target": "end"},
            ],
        },
        {
            "id": "named",
            "name": "指定人",
            "form": "visit",
            "start_on": "manual",
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "meet", "type": "user_task", "assignee": {"type": "users", "users": ["nobody_here"]}},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "meet"},
                {"id": "e2", "source": "meet", "target": "end"},
            ],
        },
        {
            "id": "lead",
            "name": "组长",
            "form": "visit",
            "start_on": "manual",
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "meet", "type": "user_task", "assignee": {"type": "field", "field": "team", "leader": True}},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "meet"},
                {"id": "e2", "source": "meet", "target": "end"},
            ],
        },
    ],
}


@pytest.fixture
def visits(services):
    d = services.directory
    services.apps.import_package(PACKAGE, actor="system")
    admin = d.create_user("boss", "Secret-pass-1", admin=True)
    people = {
        "host": d.create_user("wang", "Secret-pass-1", roles=[("visits", "host")]),
        "guard": d.create_user("zhao", "Secret-pass-1"),
        "plain": d.create_user("li", "Secret-pass-1"),
        "gone": d.create_user("chen", "Secret-pass-1", roles=[("visits", "host")]),
    }
    d.create_group("保安组")
    d.add_member("保安组", people["guard"])
    d.deactivate(people["gone"])
    return services, d.principal_for(admin), people


def _refused(services, who, data, locale="en"):
    with pytest.raises(SubmissionError) as caught:
        services.records.create(who, "visits", "visit", data, locale=locale)
    return caught.value.field_errors


def test_the_right_people_are_accepted(visits):
    services, who, p = visits

    record, _ = services.records.create(
        who,
        "visits",
        "visit",
        {"host": p["host"], "guard": "zhao", "escorts": [p["plain"], "wang"], "stops": [{"by": p["guard"]}]},
    )

    assert (record["data"]["host"], record["data"]["guard"]) == (p["host"], "zhao")


def test_unknown_inactive_and_wrong_role_people_are_refused_by_field(visits):
    services, who, p = visits

    fields = _refused(
        services,
        who,
        {"host": p["plain"], "guard": p["host"], "escorts": ["ghost", p["gone"]], "stops": [{"by": "ghost"}]},
    )

    assert fields == {
        "host": [f"接待人: user '{p['plain']}' does not hold the role 'host'"],
        "guard": [f"值班保安: user '{p['host']}' is not a member of the group '保安组'"],
        "escorts": ["陪同: there is no active user 'ghost'", f"陪同: there is no active user '{p['gone']}'"],
        "stops/0/by": ["经手人: there is no active user 'ghost'"],
    }


def test_an_inactive_holder_of_the_role_is_refused_in_chinese(visits):
    services, who, p = visits

    fields = _refused(services, who, {"host": p["gone"]}, locale="zh-CN")

    assert fields == {"host": [f"接待人:用户“{p['gone']}”不存在或已停用"]}


def test_update_checks_the_people_it_adds_and_not_those_who_left(visits):
    services, who, p = visits
    record, _ = services.records.create(who, "visits", "visit", {"host": p["host"], "escorts": [p["plain"]]})
    services.directory.deactivate(p["plain"])

    kept = services.records.update(who, "visits", "visit", record["id"], {"visitor": "刘"}, expected_version=1)
    with pytest.raises(SubmissionError) as caught:
        services.records.update(
            who, "visits", "visit", record["id"], {"host": "ghost"}, expected_version=2, locale="en"
        )

    assert kept["data"]["escorts"] == [p["plain"]]
    assert caught.value.field_errors == {"host": ["接待人: there is no active user 'ghost'"]}


def test_a_field_assignment_naming_an_inactive_person_fails_the_instance(visits):
    services, who, p = visits
    record, _ = services.records.create(who, "visits", "visit", {"host": p["host"]})
    services.directory.deactivate(p["host"])

    instance = services.flows.start(who, "visits", "welcome", record["id"])

    assert (instance["status"], instance["tasks"]) == ("failed", [])
    assert f"the field 'host' names '{p['host']}', who is not an active user" in str(instance["error"])


def test_a_users_assignment_with_an_unknown_id_fails_the_instance(visits):
    services, who, _ = visits
    record, _ = services.records.create(who, "visits", "visit", {"visitor": "刘"})

    instance = services.flows.start(who, "visits", "named", record["id"])

    assert (instance["status"], instance["tasks"]) == ("failed", [])
    assert "there is no user 'nobody_here'" in str(instance["error"])


def test_a_field_assignment_to_an_active_person_makes_their_task(visits):
    services, who, p = visits
    record, _ = services.records.create(who, "visits", "visit", {"host": "wang"})

    instance = services.flows.start(who, "visits", "welcome", record["id"])

    assert [t["assignee"] for t in instance["tasks"]] == [p["host"]]


def test_a_group_leader_who_left_fails_the_instance(visits):
    services, who, p = visits
    team = services.directory.create_group("前台组", leader=p["plain"])
    record, _ = services.records.create(who, "visits", "visit", {"team": team})
    services.directory.deactivate(p["plain"])

    instance = services.flows.start(who, "visits", "lead", record["id"])

    assert (instance["status"], instance["tasks"]) == ("failed", [])
    assert f"the leader '{p['plain']}' of the group '前台组' is not an active user" in str(instance["error"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12345, "接待人: there is no active user '12345'"),
        ("' OR 1=1 --", "接待人 must be a user id"),
        ("%", "接待人 must be a user id"),
    ],
)
def test_garbage_in_a_person_field_is_refused_by_field(visits, value, expected):
    services, who, _ = visits

    fields = _refused(services, who, {"host": value})

    assert fields == {"host": [expected]}
