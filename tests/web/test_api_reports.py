"""Reports over HTTP (SQLite and PostgreSQL): numbers against values computed by hand on five
tickets (``tests/reports_app.py``), drill-down addresses that list exactly the records a row
counts, row rules that shrink the numbers, hidden fields refused, and garbage answered as 4xx."""

from __future__ import annotations

import pytest

from tests.reports_app import BASE, PASSWORD, load, reports_package

TICKETS = {"id": "tickets", "agg": "count"}


@pytest.fixture
def estate(client, app):
    assert client.post("/api/v1/apps", json=reports_package()).status_code == 201
    ids = load(client)
    directory = app.extensions["trellis"].directory
    directory.create_user("agent", PASSWORD, roles=[("estates", "agent")], communities=[ids["c1"]])
    token = directory.create_token("agent", "tests", ["app:estates:read"])[0]
    return client, ids, {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def preview(client, definition, headers=None, **args):
    body = {"name": "p", "source": {"form": "ticket"}, **definition}
    return client.post(f"{BASE}/reports/preview", json=body, query_string=args, headers=headers or {})


def rows_of(response, *keys):
    assert response.status_code == 200, response.json
    return [tuple(row.get(key) for key in keys) for row in response.json["rows"]]


def assert_drills_exact(client, answer, measure="tickets", headers=None):
    for row in answer["rows"]:
        listed = client.get(row["drill"] + "&limit=200", headers=headers or {})
        assert listed.status_code == 200, (row["drill"], listed.json)
        assert len(listed.json["items"]) == row[measure], row["drill"]


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ("month", [("2025-12", 1), ("2026-01", 2), ("2026-02", 1), (None, 1)]),
        ("year", [("2025", 1), ("2026", 3), (None, 1)]),
        ("quarter", [("2025-Q4", 1), ("2026-Q1", 3), (None, 1)]),
        ("week", [("2025-12-29", 2), ("2026-01-26", 2), (None, 1)]),
        ("day", [("2025-12-31", 1), ("2026-01-01", 1), ("2026-01-31", 1), ("2026-02-01", 1), (None, 1)]),
        (
            "hour",
            [
                ("2025-12-31 23:00", 1),
                ("2026-01-01 00:00", 1),
                ("2026-01-31 23:00", 1),
                ("2026-02-01 00:00", 1),
                (None, 1),
            ],
        ),
        ("hour_of_day", [(0, 2), (23, 2), (None, 1)]),
        ("weekday", [(3, 1), (4, 1), (6, 1), (7, 1), (None, 1)]),
    ],
)
def test_time_buckets_are_read_in_shanghai_and_drill_to_their_records(estate, bucket, expected):
    client, _, _ = estate
    answer = preview(client, {"rows": [{"id": "at", "field": "due_at", "bucket": bucket}], "measures": [TICKETS]})

    assert rows_of(answer, "at", "tickets") == expected
    assert_drills_exact(client, answer.json)


def test_measures_over_months_with_where_ratio_share_and_totals(estate):
    client, _, _ = estate
    measures = [
        TICKETS,
        {"id": "amount", "agg": "sum", "field": "amount"},
        {"id": "stars", "agg": "avg", "field": "stars"},
        {"id": "middle", "agg": "median", "field": "amount"},
        {"id": "p25", "agg": "percentile", "p": 25, "field": "amount"},
        {"id": "urgent", "agg": "count", "where": "urgent"},
        {"id": "urgent_rate", "agg": "ratio", "expression": "urgent / tickets"},
        {"id": "share", "agg": "share", "of": "tickets"},
        {"id": "least", "agg": "min", "field": "stars"},
        {"id": "workers", "agg": "count_distinct", "field": "worker_name"},
        {"id": "per_ticket", "agg": "calc", "expression": "amount / tickets"},
    ]
    answer = preview(client, {"rows": [{"id": "month", "field": "due_at", "bucket": "month"}], "measures": measures})

    keys = (
        "month",
        "tickets",
        "amount",
        "stars",
        "middle",
        "p25",
        "urgent",
        "urgent_rate",
        "share",
        "least",
        "workers",
    )
    assert rows_of(answer, *keys) == [
        ("2025-12", 1, None, None, None, None, 0, 0, 0.2, None, 1),
        ("2026-01", 2, 150, 4, 75, 62.5, 1, 0.5, 0.4, 3, 1),
        ("2026-02", 1, 30, 4, 30, 30, 1, 1, 0.2, 4, 1),
        (None, 1, 20, 1, 20, 20, 0, 0, 0.2, 1, 0),
    ]
    totals = answer.json["totals"]
    assert {k: totals[k] for k in keys[1:]} == {
        "tickets": 5,
        "amount": 200,
        "stars": 3.25,
        "middle": 40,
        "p25": 27.5,
        "urgent": 2,
        "urgent_rate": 0.4,
        "share": 1,
        "least": 1,
        "workers": 3,
    }
    assert totals["per_ticket"] == 40
    assert_drills_exact(client, answer.json)


def test_a_relation_path_is_a_join_with_the_related_title(estate):
    client, ids, _ = estate
    answer = client.get(f"{BASE}/reports/by_community")

    assert rows_of(answer, "community", "community_label", "tickets", "amount") == [
        (ids["c1"], "一区", 2, 150),
        (ids["c2"], "二区", 2, 30),
        (None, None, 1, 20),
    ]
    assert answer.json["totals"]["tickets"] == 5
    assert answer.json["figure"]["data"][0]["type"] == "bar"
    assert_drills_exact(client, answer.json)


def test_top_n_keeps_the_largest_and_sums_the_rest_as_other(estate):
    client, _, _ = estate
    answer = preview(client, {"rows": [{"field": "worker_name", "top": 1}], "measures": [TICKETS]})

    assert rows_of(answer, "worker_name", "tickets") == [("王", 2), ("Other", 3)]
    assert_drills_exact(client, answer.json)
    chinese = preview(
        client, {"rows": [{"field": "worker_name", "top": 1}], "measures": [TICKETS]}, {"Accept-Language": "zh-CN"}
    )
    assert rows_of(chinese, "worker_name") == [("王",), ("其他",)]


def test_viewer_filters_and_fixed_filters_narrow_and_drill(estate):
    client, ids, _ = estate
    answer = preview(
        client,
        {"rows": [{"field": "urgent"}], "measures": [TICKETS], "filters": [{"field": "stars", "op": "ge", "value": 3}]},
        **{"room.building.community": str(ids["c1"])},
    )
    assert rows_of(answer, "urgent", "tickets") == [(False, 1), (True, 1)]
    assert_drills_exact(client, answer.json)
    fixed = client.get(f"{BASE}/reports/urgent_today")
    assert fixed.json["totals"] == {"tickets": 2}
    assert fixed.json["figure"]["data"][0]["type"] == "indicator"


def test_empty_data_gives_no_rows_and_zero_totals(estate):
    client, _, _ = estate
    answer = preview(
        client,
        {"rows": [{"field": "worker_name"}], "measures": [TICKETS, {"id": "a", "agg": "avg", "field": "amount"}]},
        title="nothing",
    )

    assert answer.status_code == 200
    assert answer.json["rows"] == []
    assert answer.json["totals"] == {"tickets": 0, "a": None}


def test_row_rules_shrink_the_numbers(estate):
    client, ids, agent = estate
    answer = preview(
        client, {"rows": [{"id": "community", "field": "room.building.community"}], "measures": [TICKETS]}, agent
    )

    assert rows_of(answer, "community", "tickets") == [(ids["c1"], 2)]
    assert answer.json["totals"] == {"tickets": 2}
    assert_drills_exact(client, answer.json, headers=agent)


@pytest.mark.parametrize(("lang", "detail"), [("en", "hidden from you"), ("zh-CN", "对您不可见")])
def test_a_field_hidden_from_the_viewer_is_refused(estate, lang, detail):
    client, _, agent = estate
    headers = {**agent, "Accept-Language": lang}
    for refused in (
        client.get(f"{BASE}/reports/secrets", headers=headers),
        preview(client, {"measures": [{"id": "n", "agg": "count_distinct", "field": "secret"}]}, headers),
        client.get(f"{BASE}/reports/by_community", query_string={"secret": "x"}, headers=headers),
        preview(client, {"rows": [{"field": "room.building.name"}], "measures": [TICKETS]}, headers),
    ):
        assert refused.status_code == 400, refused.json
        assert detail in refused.json["detail"]


def test_garbage_is_refused_with_4xx(estate):
    client, _, _ = estate
    assert client.get(f"{BASE}/reports/nope").status_code == 404
    assert client.get(f"{BASE}/dashboards/nope").status_code == 404
    assert client.get("/api/v1/apps/nope/reports/by_community").status_code == 404
    for args in ({"stars__gt": "many"}, {"stars__zz": "1"}, {"nothing": "1"}, {"room.nothing": "1"}):
        assert client.get(f"{BASE}/reports/by_community", query_string=args).status_code == 400, args
    assert client.post(f"{BASE}/reports/preview", data="[", content_type="application/json").status_code == 400
    assert client.post(f"{BASE}/reports/preview", json=[1]).status_code == 400
    bad = preview(
        client,
        {
            "rows": [{"field": "room.building.nothing"}, {"field": "title", "bucket": "month"}],
            "measures": [{"id": "s", "agg": "sum", "field": "title"}, {"id": "p", "agg": "share", "of": "nope"}],
        },
    )
    assert bad.status_code == 400
    assert {e["pointer"] for e in bad.json["errors"]} == {
        "/rows/0/field",
        "/rows/1/bucket",
        "/measures/0/field",
        "/measures/1/of",
    }
    unknown = preview(client, {"measures": [TICKETS, {"id": "r", "agg": "ratio", "expression": "tickets / nope"}]})
    assert (unknown.status_code, [e["pointer"] for e in unknown.json["errors"]]) == (400, ["/measures/1/expression"])


def test_the_dashboard_runs_every_widget_with_its_global_filters(estate):
    client, ids, _ = estate
    whole = client.get(f"{BASE}/dashboards/overview")
    assert whole.status_code == 200
    assert [w["totals"]["tickets"] for w in whole.json["widgets"]] == [5, 2]

    narrowed = client.get(
        f"{BASE}/dashboards/overview",
        query_string={"community": str(ids["c1"]), "period__from": "2026-01-01", "period__to": "2026-01-31"},
    )
    first, second = narrowed.json["widgets"]
    assert rows_of_widget(first) == [(ids["c1"], 2)]
    assert second["totals"]["tickets"] == 1
    assert_drills_exact(client, first)
    assert client.get(f"{BASE}/dashboards/overview", query_string={"period__from": "soon"}).status_code == 400


def rows_of_widget(widget):
    return [(row["community"], row["tickets"]) for row in widget["rows"]]


def test_answers_are_cached_until_a_record_of_the_source_changes(estate):
    client, ids, _ = estate
    report = f"{BASE}/reports/urgent_today"
    assert client.get(report).json["totals"] == {"tickets": 2}
    created = client.post(f"{BASE}/forms/ticket/records", json={"title": "t6", "urgent": True})
    assert created.status_code == 201
    assert client.get(report).json["totals"] == {"tickets": 3}
    assert (
        client.patch(created.headers["Location"], json={"urgent": False}, headers={"If-Match": '"1"'}).status_code
        == 200
    )
    assert client.get(report).json["totals"] == {"tickets": 2}
    assert client.delete(f"{BASE}/forms/ticket/records/{ids['t1']}").status_code == 200
    assert client.get(report).json["totals"] == {"tickets": 1}
    assert client.post(f"{BASE}/forms/ticket/records/{ids['t1']}/restore").status_code == 200
    assert client.get(report).json["totals"] == {"tickets": 2}


def test_a_relation_dimension_follows_a_renamed_community(estate):
    client, ids, _ = estate
    report = f"{BASE}/reports/by_community"
    assert rows_of(client.get(report), "community_label")[0] == ("一区",)
    renamed = client.patch(
        f"{BASE}/forms/community/records/{ids['c1']}", json={"name": "东区"}, headers={"If-Match": '"1"'}
    )
    assert renamed.status_code == 200
    assert rows_of(client.get(report), "community_label")[0] == ("东区",)


def test_the_property_apps_reports_and_dashboard_answer(client, property_package):
    assert client.post("/api/v1/apps", json=property_package).status_code == 201
    app = property_package["id"]
    for report in property_package["reports"]:
        answer = client.get(f"/api/v1/apps/{app}/reports/{report['id']}")
        assert answer.status_code == 200, answer.json
        assert {"rows", "totals", "figure", "drill"} <= set(answer.json)
    board = client.get(f"/api/v1/apps/{app}/dashboards/{property_package['dashboards'][0]['id']}")
    assert board.status_code == 200, board.json
    assert len(board.json["widgets"]) == len(property_package["dashboards"][0]["widgets"])


def test_a_where_through_a_relation_path_and_a_column_dimension(estate):
    client, ids, _ = estate
    definition = {
        "rows": [{"field": "urgent"}],
        "columns": [{"id": "year", "field": "due_at", "bucket": "year"}],
        "measures": [TICKETS, {"id": "first", "agg": "count", "where": f"room.building.community == {ids['c1']}"}],
        "sort": [{"by": "tickets", "desc": True}, {"by": "year"}],
        "chart": {"type": "pivot"},
    }
    answer = preview(client, definition)

    assert sorted(rows_of(answer, "urgent", "year", "tickets", "first"), key=str) == sorted(
        [(False, "2025", 1, 0), (False, "2026", 1, 1), (False, None, 1, 0), (True, "2026", 2, 1)], key=str
    )
    assert rows_of(answer, "tickets")[0] == (2,)
    assert answer.json["totals"] == {"tickets": 5, "first": 2}
    assert answer.json["figure"]["data"][0]["type"] == "table"
    assert_drills_exact(client, answer.json)


def test_a_where_may_name_the_viewer(estate, app):
    client, _, agent = estate
    definition = {"measures": [TICKETS, {"id": "mine", "agg": "count", "where": "created_by == user.id"}]}
    assert preview(client, definition).json["totals"] == {"tickets": 5, "mine": 5}  # the administrator made them all
    assert preview(client, definition, agent).json["totals"] == {"tickets": 2, "mine": 0}
