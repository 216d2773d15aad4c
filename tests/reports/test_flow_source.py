"""Reports over a flow's process facts, over HTTP on SQLite and PostgreSQL: three repair tickets driven
through the property app's flow with a controlled clock, every number compared with one worked out by
hand, every drill-down address fetched, the viewer's row rules applied, hidden record fields refused,
and the app's ``time_zone`` moving a bucket boundary.

Times (UTC; Shanghai is UTC+8), Monday 2 March 2026:

- T1 (阳光花园, 水电): submitted 01:00, accepted 01:30, on site 02:00, done 03:00, rated 2 (reopened),
  accepted again 04:30, done 05:00, rated 5 at 06:00: closed. Response 1800 s, arrival 3600 s,
  handling 12600 s (01:30 -> 05:00), one reopen.
- T2 (阳光花园, 门窗): submitted 02:00, reviewed 02:10, accepted 02:40, on site 03:00, done 04:00,
  rated 3 (fixed) at 04:30: closed. Response 2400 s, arrival 3600 s, handling 4800 s, no reopen.
- T3 (翠苑, 门窗): submitted 31 March 16:30 UTC - 00:30 on 1 April in Shanghai, still March in UTC -,
  reviewed 16:40: waiting at the repair step (its 48-hour due moment long past: overdue).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.principal import LOCAL_ADMIN
from engine.services.apps import AppService
from tests.flows.conftest import APP, Company

BASE = f"/api/v1/apps/{APP}"
COUNT = {"id": "n", "agg": "count"}


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _task(company: Company, record: int, node: str) -> dict:
    return company.open_tasks(record, node)[0]


def _repair(company: Company, record: int, *, claim: datetime, arrive: datetime | None, done: datetime) -> None:
    task = _task(company, record, "repair")
    company.clock.now = claim
    company.act(task["assignee"], task["id"], "claim")
    if arrive is not None:
        company.clock.now = arrive
        company.act(task["assignee"], task["id"], "check_in")
    company.clock.now = done
    company.act(task["assignee"], task["id"], "complete", data={"result": "修好", "parts_used": []})


def _rate(company: Company, record: int, at: datetime, *, fixed: bool, rating: int) -> None:
    company.clock.now = at
    company.act("owner1", _task(company, record, "rate")["id"], "complete", data={"fixed": fixed, "rating": rating})


def _review(company: Company, record: int, at: datetime) -> None:
    company.clock.now = at
    company.act("agent1", _task(company, record, "accept")["id"], "complete", outcome="accept")


@pytest.fixture
def tickets(company: Company, client) -> dict[str, int]:
    clock = company.clock
    company.directory.create_group("门窗维修组", parent="工程部", leader="leader1")
    company.directory.add_member("门窗维修组", "worker2")
    clock.now = utc(2, 1)
    t1 = company.order()["id"]
    _review(company, t1, utc(2, 1, 10))
    _repair(company, t1, claim=utc(2, 1, 30), arrive=utc(2, 2), done=utc(2, 3))
    _rate(company, t1, utc(2, 4), fixed=False, rating=2)
    _repair(company, t1, claim=utc(2, 4, 30), arrive=None, done=utc(2, 5))
    _rate(company, t1, utc(2, 6), fixed=True, rating=5)

    clock.now = utc(2, 2)
    t2 = company.order(repair_type="门窗")["id"]
    _review(company, t2, utc(2, 2, 10))
    _repair(company, t2, claim=utc(2, 2, 40), arrive=utc(2, 3), done=utc(2, 4))
    _rate(company, t2, utc(2, 4, 30), fixed=True, rating=3)

    building, _ = company.records.create(
        LOCAL_ADMIN, APP, "building", {"community": company.other_community, "name": "8栋"}
    )
    room, _ = company.records.create(LOCAL_ADMIN, APP, "room", {"building": building["id"], "room_no": "801"})
    clock.now = utc(31, 16, 30)
    t3 = company.order(repair_type="门窗", community=company.other_community, room=room["id"])["id"]
    _review(company, t3, utc(31, 16, 40))
    return {"t1": t1, "t2": t2, "t3": t3}


def preview(client, definition, headers=None, **args):
    body = {"name": "p", "source": {"flow": "repair"}, **definition}
    return client.post(f"{BASE}/reports/preview", json=body, query_string=args, headers=headers or {})


def _near(value):
    """Seconds to the millisecond: SQLite's julianday keeps a few microseconds of float noise."""
    return round(value, 3) if isinstance(value, float) else value


def rows_of(response, *keys):
    assert response.status_code == 200, response.json
    return [tuple(_near(row.get(key)) for key in keys) for row in response.json["rows"]]


def assert_drills_list(client, answer, expected, headers=None):
    """Each row's drill-down lists exactly the records ``expected`` (a function of the row) names."""
    for row in answer["rows"]:
        listed = client.get(row["drill"] + "&limit=200", headers=headers or {})
        assert listed.status_code == 200, (row["drill"], listed.json)
        assert sorted(item["id"] for item in listed.json["items"]) == sorted(expected(row)), row


def test_instance_facts_by_month_with_durations_rates_where_and_totals(client, tickets):
    measures = [
        COUNT,
        {"id": "response", "agg": "avg", "field": "response_seconds", "format": "duration"},
        {"id": "arrival", "agg": "avg", "field": "arrival_seconds"},
        {"id": "handling", "agg": "max", "field": "handling_seconds"},
        {"id": "closed", "agg": "count", "where": "outcome == 'closed'"},
        {"id": "first", "agg": "count", "where": "outcome == 'closed' and reopen_count == 0"},
        {"id": "first_fix", "agg": "ratio", "expression": "first / closed", "format": "percent"},
        {"id": "good", "agg": "count", "where": "record.rating in (4, 5)"},
        {"id": "rated", "agg": "count", "field": "record.rating"},
        {"id": "good_rate", "agg": "ratio", "expression": "good / rated"},
        {"id": "reopens", "agg": "sum", "field": "reopen_count"},
    ]
    answer = preview(
        client, {"rows": [{"id": "month", "field": "started_at", "bucket": "month"}], "measures": measures}
    )

    keys = ("month", "n", "response", "arrival", "handling", "closed", "first", "first_fix", "good", "rated")
    assert rows_of(answer, *keys) == [
        ("2026-03", 2, 2100, 3600, 12600, 2, 1, 0.5, 1, 2),
        ("2026-04", 1, None, None, None, 0, 0, None, 0, 0),  # 00:30 on 1 April in Shanghai
    ]
    totals = answer.json["totals"]
    assert (totals["n"], _near(totals["response"]), totals["first_fix"], totals["good_rate"], totals["reopens"]) == (
        3,
        2100,
        0.5,
        0.5,
        1,
    )
    ids = tickets
    months = {"2026-03": [ids["t1"], ids["t2"]], "2026-04": [ids["t3"]]}
    assert_drills_list(client, answer.json, lambda row: months[row["month"]])


def test_a_relation_path_of_the_record_groups_facts_with_titles_and_a_top_n(client, tickets, company):
    answer = preview(
        client,
        {
            "rows": [{"id": "community", "field": "record.room.building.community"}],
            "measures": [COUNT, {"id": "running", "agg": "count", "where": "status == 'running'"}],
        },
    )
    assert rows_of(answer, "community", "community_label", "n", "running") == [
        (company.community, "阳光花园", 2, 0),
        (company.other_community, "翠苑", 1, 1),
    ]
    by_community = {company.community: [tickets["t1"], tickets["t2"]], company.other_community: [tickets["t3"]]}
    assert_drills_list(client, answer.json, lambda row: by_community[row["community"]])

    top = preview(client, {"rows": [{"id": "type", "field": "record.repair_type", "top": 1}], "measures": [COUNT]})
    assert rows_of(top, "type", "n") == [("门窗", 2), ("Other", 1)]
    types = {"门窗": [tickets["t2"], tickets["t3"]], "Other": [tickets["t1"]]}
    assert_drills_list(client, top.json, lambda row: types[row["type"]])


def test_task_facts_per_node_count_overdue_open_tasks_and_their_durations(client, tickets):
    answer = preview(
        client,
        {
            "source": {"facts": "tasks", "flow": "repair"},
            "rows": [{"field": "node"}],
            "measures": [
                COUNT,
                {"id": "overdue", "agg": "sum", "field": "overdue"},
                {"id": "open", "agg": "count", "where": "status == 'open'"},
                {"id": "longest", "agg": "max", "field": "duration_seconds"},
            ],
            "filters": [{"field": "node", "op": "in", "value": ["accept", "repair", "rate"]}],
        },
    )
    assert rows_of(answer, "node", "n", "overdue", "open", "longest") == [
        ("accept", 3, 0, 0, 600),
        ("rate", 3, 0, 0, 3600),  # T1's first rating: done 03:00, rated 04:00
        ("repair", 4, 1, 1, 6600),  # T1's first repair: 01:10 -> 03:00 (created when reviewed)
    ]
    assert rows_of(answer, "node_label") == [("Agent review",), ("Owner confirms and rates",), ("Repair",)]  # names
    per_node = {
        "accept": [tickets["t1"], tickets["t2"], tickets["t3"]],
        "rate": [tickets["t1"], tickets["t2"]],
        "repair": [tickets["t1"], tickets["t2"], tickets["t3"]],
    }
    assert_drills_list(client, answer.json, lambda row: per_node[row["node"]])


def test_a_task_rows_assignee_is_labelled_with_the_persons_name(client, tickets, company):
    company.directory.update_user("worker1", {"name": "王师傅"})
    answer = preview(
        client, {"source": {"facts": "tasks", "flow": "repair"}, "rows": [{"field": "assignee"}], "measures": [COUNT]}
    )
    labels = {user: label for user, label in rows_of(answer, "assignee", "assignee_label") if user}
    assert labels["worker1"] == "王师傅"
    assert all(label == company.directory.get_user(user)["name"] for user, label in labels.items())


def test_an_empty_selection_answers_zero_and_nulls(client, tickets):
    answer = preview(
        client,
        {
            "rows": [{"field": "outcome"}],
            "measures": [COUNT, {"id": "response", "agg": "avg", "field": "response_seconds"}],
            "filters": [{"field": "outcome", "op": "eq", "value": "rejected"}],
        },
    )
    assert answer.json["rows"] == []
    assert (answer.json["totals"]["n"], answer.json["totals"]["response"]) == (0, None)


def test_a_viewer_with_row_rules_sees_fewer_facts_and_drills_to_no_more(client, tickets, company, app):
    directory = app.extensions["trellis"].directory
    token = directory.create_token("manager1", "tests", [f"app:{APP}:read"])[0]
    manager = {"Authorization": f"Bearer {token}"}
    definition = {"rows": [{"field": "record.repair_type"}], "measures": [COUNT]}

    assert rows_of(preview(client, definition), "record.repair_type", "n") == [("水电", 1), ("门窗", 2)]
    mine = preview(client, definition, headers=manager)
    assert rows_of(mine, "record.repair_type", "n") == [("水电", 1), ("门窗", 1)]
    types = {"水电": [tickets["t1"]], "门窗": [tickets["t2"]]}
    assert_drills_list(client, mine.json, lambda row: types[row["record.repair_type"]], headers=manager)


def test_hidden_record_fields_and_unknown_names_are_refused(client, tickets, app):
    directory = app.extensions["trellis"].directory
    token = directory.create_token("finance1", "tests", [f"app:{APP}:read"])[0]
    finance = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    hidden = preview(client, {"rows": [{"field": "record.phone"}], "measures": [COUNT]}, headers=finance)
    assert hidden.status_code == 400 and "'record.phone'" in hidden.json["detail"], hidden.json
    assert "hidden from you" in hidden.json["detail"]
    by_filter = preview(client, {"measures": [COUNT]}, headers=finance, **{"record.phone__contains": "138"})
    assert by_filter.status_code == 400 and "hidden from you" in by_filter.json["detail"]
    where = preview(client, {"measures": [{"id": "n", "agg": "count", "field": "record.phone"}]}, headers=finance)
    assert where.status_code == 400
    assert preview(client, {"rows": [{"field": "record.phone"}], "measures": [COUNT]}).status_code == 200

    unknown = preview(client, {"rows": [{"field": "response_minutes"}], "measures": [COUNT]})
    assert unknown.status_code == 400
    problems = {e["pointer"]: e for e in unknown.json["errors"]}
    assert "response_seconds" in problems["/rows/0/field"]["message"], problems
    field = preview(client, {"rows": [{"field": "record.colour"}], "measures": [COUNT]})
    assert [e["pointer"] for e in field.json["errors"]] == ["/rows/0/field"]
    where = preview(client, {"measures": [{"id": "n", "agg": "count", "where": "record.colour == 'red'"}]})
    assert [e["pointer"] for e in where.json["errors"]] == ["/measures/0/where"]
    flow = preview(client, {"source": {"flow": "nope"}, "measures": [COUNT]})
    assert [e["pointer"] for e in flow.json["errors"]] == ["/source/flow"]
    both = preview(client, {"source": {"flow": "repair", "form": "repair_order"}, "measures": [COUNT]})
    assert both.status_code == 400


def test_the_app_time_zone_moves_a_bucket_boundary(client, tickets, database, property_package):
    by_month = {"rows": [{"id": "month", "field": "started_at", "bucket": "month"}], "measures": [COUNT]}
    assert rows_of(preview(client, by_month), "month", "n") == [("2026-03", 2), ("2026-04", 1)]
    by_hour = {"rows": [{"id": "h", "field": "started_at", "bucket": "hour_of_day"}], "measures": [COUNT]}
    assert rows_of(preview(client, by_hour), "h", "n") == [(0, 1), (9, 1), (10, 1)]

    AppService(database).import_package({**property_package, "time_zone": "UTC"}, actor="test")
    answer = preview(client, by_month)
    assert rows_of(answer, "month", "n") == [("2026-03", 3)]
    assert_drills_list(client, answer.json, lambda row: list(tickets.values()))
    assert rows_of(preview(client, by_hour), "h", "n") == [(1, 1), (2, 1), (16, 1)]


def test_a_drill_lists_up_to_the_records_api_id_limit_and_no_more():
    from engine.services.reports import _id_drill
    from engine.storage.record_queries import MAX_IDS

    base = f"{BASE}/forms/repair_order/records"
    assert _id_drill(base, "12,3,12") == f"{base}?id__in=3,12"
    assert _id_drill(base, ",".join(str(n) for n in range(1, MAX_IDS + 1))).endswith(f",{MAX_IDS}")
    assert _id_drill(base, ",".join(str(n) for n in range(1, MAX_IDS + 2))) is None  # too many: narrow the report


def test_the_records_api_takes_a_thousand_ids(client, tickets):
    ids = [tickets["t1"], *range(10_000, 10_998), tickets["t3"]]
    listed = client.get(f"{BASE}/forms/repair_order/records", query_string={"id__in": ",".join(map(str, ids))})
    assert sorted(item["id"] for item in listed.json["items"]) == [tickets["t1"], tickets["t3"]]


def test_the_dashboard_community_filter_narrows_the_flow_widgets_through_the_record(client, tickets, company):
    board = f"{BASE}/dashboards/service_efficiency"
    mine = {w["id"]: w for w in client.get(board, query_string={"community": company.community}).json["widgets"]}
    assert (mine["first_time_fix"]["totals"]["closed"], mine["first_time_fix"]["totals"]["first_time_fix"]) == (2, 0.5)
    assert round(mine["response"]["totals"]["response"], 3) == 2100
    other = {w["id"]: w for w in client.get(board, query_string={"community": company.other_community}).json["widgets"]}
    assert (other["first_time_fix"]["totals"]["closed"], other["response"]["totals"]["response"]) == (0, None)
    assert other["types"]["totals"]["tickets"] == 1  # a form widget, narrowed on its own field
