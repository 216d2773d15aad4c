"""Summary tables answer exactly what the records answer: on random data, after creates, updates,
deletes, restores, a raw bulk insert and a hard delete, every report served from a summary equals the
same report computed over the records (on both back-ends); reports a summary cannot answer, viewers
with row rules and filters on other columns read the records."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from engine.expressions.dates import COMPANY_ZONE
from engine.forms.row_rule_checks import typed_rule
from engine.forms.row_rules import bind
from engine.principal import LOCAL_ADMIN
from engine.reports.spec import parse_report
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.services.reports import ReportService
from engine.storage.catalog import AppCatalog
from engine.storage.report_cache import ReportCache
from engine.storage.report_queries import ReportQuery
from engine.storage.report_summaries import SummaryQuery, report_query

pytestmark = pytest.mark.storage

APP = "sums"
TYPES = ["水电", "门窗", "家电"]
N = {"id": "n", "agg": "count"}


def _report(report_id: str, **more: Any) -> dict[str, Any]:
    return {"id": report_id, "name": report_id, "source": {"form": "ticket"}, **more}


REPORTS = [
    _report(
        "pivot",
        rows=[{"field": "site"}],
        columns=[{"field": "kind"}],
        measures=[N, {"id": "r", "agg": "avg", "field": "rating"}, {"id": "h", "agg": "sum", "field": "hours"}],
    ),
    _report(
        "trend",
        rows=[{"id": "m", "field": "created_at", "bucket": "month"}],
        measures=[N, {"id": "r", "agg": "avg", "field": "rating"}, {"id": "ah", "agg": "avg", "field": "hours"}],
    ),
    _report(
        "quarters",
        rows=[{"id": "q", "field": "created_at", "bucket": "quarter"}, {"field": "kind"}],
        measures=[N, {"id": "rated", "agg": "count", "field": "rating"}],
    ),
    _report(
        "rate",
        filters=[{"field": "kind", "op": "in", "value": ["水电", "门窗"]}],
        measures=[
            {"id": "closed", "agg": "count", "where": "closed"},
            {"id": "first", "agg": "count", "where": "closed and n == 0"},
            {"id": "ratio", "agg": "ratio", "expression": "first / closed"},
        ],
    ),
    _report("top", rows=[{"field": "site", "top": 2}], measures=[N], sort=[{"by": "n", "desc": True}]),
    _report("median", rows=[{"field": "kind"}], measures=[{"id": "m", "agg": "median", "field": "hours"}]),
    _report("path", rows=[{"field": "site.region"}], measures=[N]),
]
PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": "sums",
    "default_locale": "zh-CN",
    "forms": [
        {
            "id": "site",
            "name": "site",
            "title_field": "name",
            "fields": [
                {"id": "name", "type": "text", "label": "name"},
                {"id": "region", "type": "text", "label": "region"},
            ],
        },
        {
            "id": "ticket",
            "name": "ticket",
            "title_field": "kind",
            "fields": [
                {"id": "site", "type": "relation", "target": "site", "label": "site"},
                {"id": "kind", "type": "select", "label": "kind", "options": [{"value": t, "label": t} for t in TYPES]},
                {"id": "rating", "type": "rating", "label": "rating"},
                {"id": "hours", "type": "number", "label": "hours"},
                {"id": "closed", "type": "checkbox", "label": "closed"},
                {"id": "n", "type": "number", "label": "n"},
            ],
        },
    ],
    "reports": REPORTS,
    "dashboards": [
        {
            "id": "board",
            "name": "board",
            "filters": [
                {"id": "site", "field": "site", "kind": "select", "label": "site"},
                {"id": "period", "field": "created_at", "kind": "date_range", "label": "period"},
            ],
            "widgets": [{"id": r["id"], "report": r["id"]} for r in REPORTS],
        }
    ],
}
SERVED = {"pivot", "trend", "quarters", "rate", "top"}  # the reports a summary answers


def _ticket(chance: random.Random, sites: list[int]) -> dict[str, Any]:
    return {
        "site": chance.choice([*sites, None]),
        "kind": chance.choice([*TYPES, None]),
        "rating": chance.choice([None, 1, 3, 4, 5]),
        "hours": chance.choice([None, 0.5, 2, 7.25, 12]),
        "closed": chance.random() < 0.6,
        "n": chance.choice([0, 0, 1, None]),
    }


def _both(
    service: ReportService, report_id: str, viewer: list[Any] | None = None, rule: str | None = None
) -> tuple[Any, Any, bool]:
    """(the answer as served, the answer over the records, whether a summary served it)."""
    with service.records.rows.transaction() as session:
        app = service.records.catalog.current(session, APP)
        definition = next(r for r in app.document["reports"] if r["id"] == report_id)
        spec = parse_report(app.document, definition)
        now = datetime(2026, 12, 5, tzinfo=UTC)
        refs = [(service._ref(app, spec, path), op, raw) for path, op, raw in viewer or []]
        visible = bind(typed_rule(app.document, "ticket", rule), LOCAL_ADMIN, now) if rule else None
        served = report_query(session, app, spec, visible=visible, viewer_filters=refs, zone=COMPANY_ZONE, now=now)
        live = ReportQuery(session, app, spec, visible=visible, viewer_filters=refs, zone=COMPANY_ZONE, now=now)
        key = [d.key for d in spec.dimensions]
        order = lambda rows: sorted(rows, key=lambda r: [str(r[k]) for k in key])  # noqa: E731
        return (
            (order(served.groups(spec.dimensions)), served.groups([])),
            (order(live.groups(spec.dimensions)), live.groups([])),
            isinstance(served, SummaryQuery),
        )


def _check(service: ReportService) -> None:
    for report in REPORTS:
        served, live, summarised = _both(service, report["id"])
        assert summarised == (report["id"] in SERVED), report["id"]
        assert served == live, report["id"]


def test_summaries_answer_what_the_records_answer_through_every_write(database):
    AppService(database).import_package(PACKAGE, actor="test")
    records = RecordService(database, AppCatalog())
    service = ReportService(database, records, ReportCache())
    chance = random.Random(13)
    sites = [
        records.create(LOCAL_ADMIN, APP, "site", {"name": f"s{n}", "region": f"r{n % 2}"})[0]["id"] for n in range(4)
    ]
    _check(service)  # empty

    made = [records.create(LOCAL_ADMIN, APP, "ticket", _ticket(chance, sites))[0] for _ in range(60)]
    with database.engine.begin() as connection:  # spread over two years (and across Shanghai's month edges)
        for record in made:
            moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=chance.randrange(0, 2 * 365 * 24))
            connection.execute(
                text("UPDATE sums__ticket SET created_at = :at WHERE id = :id"),
                {"at": _stamp(database, moment), "id": record["id"]},
            )
        edge = datetime(2025, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January in Shanghai
        connection.execute(
            text("UPDATE sums__ticket SET created_at = :at WHERE id = :id"),
            {"at": _stamp(database, edge), "id": made[0]["id"]},
        )
    _check(service)

    for record in chance.sample(made, 20):  # updates through the service
        current = records.get(LOCAL_ADMIN, APP, "ticket", record["id"])
        records.update(
            LOCAL_ADMIN, APP, "ticket", record["id"], _ticket(chance, sites), expected_version=current["version"]
        )
    gone = chance.sample(made, 10)
    for record in gone:
        records.delete(LOCAL_ADMIN, APP, "ticket", record["id"])
    for record in gone[:4]:
        records.restore(LOCAL_ADMIN, APP, "ticket", record["id"])
    _check(service)

    with database.engine.begin() as connection:  # a bulk path that is not the records service, and a hard delete
        stamp = _stamp(database, datetime(2026, 3, 31, 16, 0, tzinfo=UTC))
        for n in range(15):
            connection.execute(
                text(
                    "INSERT INTO sums__ticket (uuid, app_version, created_at, updated_at, created_by, updated_by, "
                    "lock_version, site, kind, rating, hours, closed, n) VALUES (:u, 1, :at, :at, 'x', 'x', 1, "
                    ":site, :kind, :rating, :hours, :closed, :n)"
                ),
                {"u": f"{n:032d}", "at": stamp, **_ticket(chance, sites)},
            )
        connection.execute(text("DELETE FROM sums__ticket WHERE id = :id"), {"id": made[5]["id"]})
        connection.execute(text("UPDATE sums__ticket SET kind = NULL, rating = 2 WHERE id % 3 = 0"))
    _check(service)


def test_filters_outside_the_summary_and_row_rules_read_the_records(database):
    AppService(database).import_package(PACKAGE, actor="test")
    records = RecordService(database, AppCatalog())
    service = ReportService(database, records, ReportCache())
    chance = random.Random(7)
    sites = [records.create(LOCAL_ADMIN, APP, "site", {"name": f"s{n}", "region": "r"})[0]["id"] for n in range(3)]
    made = [records.create(LOCAL_ADMIN, APP, "ticket", _ticket(chance, sites))[0]["id"] for _ in range(40)]
    with database.engine.begin() as connection:  # the months around the turn of the year
        for record_id in made:
            moment = datetime(2025, 11, 20, tzinfo=UTC) + timedelta(hours=chance.randrange(0, 100 * 24))
            at = _stamp(database, moment)
            connection.execute(
                text("UPDATE sums__ticket SET created_at = :at WHERE id = :id"), {"at": at, "id": record_id}
            )

    served, live, summarised = _both(service, "pivot", [("site", "in", f"{sites[0]},{sites[1]}")])
    assert summarised and served == live  # a dashboard's select filter: a key of the summary
    served, live, summarised = _both(service, "pivot", [("rating", "ge", "3")])
    assert not summarised and served == live  # a column the summary does not keep
    served, live, summarised = _both(service, "trend", [("created_at", "ge", "2026-01-02T00:00:00+08:00")])
    assert not summarised and served == live  # a time filter inside a month: the summary cannot tell
    whole = [("created_at", "ge", "2025-12-01T00:00:00+08:00"), ("created_at", "lt", "2026-02-01T00:00:00+08:00")]
    served, live, summarised = _both(service, "trend", whole)
    assert summarised and served == live  # from the start of a local month to the start of another
    assert [row["m"] for row in served[0]] == ["2025-12", "2026-01"] and served[1][0]["n"] < 40
    served, live, summarised = _both(service, "pivot", rule=f"site == {sites[1]} or kind == '门窗'")
    assert summarised and served == live and served[1][0]["n"] < 40  # a row rule over the summary's keys
    served, live, summarised = _both(service, "pivot", rule="rating >= 3")
    assert not summarised and served == live  # a row rule reading another column
    board = service.dashboard(LOCAL_ADMIN, APP, "board", [("site", str(sites[2]))], "zh-CN")
    assert [w["id"] for w in board["widgets"]] == [r["id"] for r in REPORTS]


def test_publishing_drops_summaries_no_report_uses(database):
    AppService(database).import_package(PACKAGE, actor="test")
    with database.engine.connect() as connection:
        before = _summary_tables(connection)
    assert len(before) == 5  # pivot, trend, quarters, rate, top: one each (their keys differ)
    AppService(database).import_package(
        {**PACKAGE, "version": "1.0.1", "reports": REPORTS[:1], "dashboards": []}, actor="test"
    )
    with database.engine.connect() as connection:
        after = _summary_tables(connection)
    assert len(after) == 1 and after != before  # no board filter now: the pivot's keys changed too
    (name,) = after
    with database.engine.begin() as connection:  # triggers lost (a table rebuilt): the next publish rebuilds it
        if database.dialect == "postgresql":
            connection.execute(text(f"DROP TRIGGER {name}_t ON sums__ticket"))
        else:
            for suffix in ("_ai", "_ad", "_au"):
                connection.execute(text(f"DROP TRIGGER {name}{suffix}"))
    AppService(database).import_package(
        {**PACKAGE, "version": "1.0.2", "reports": REPORTS[:1], "dashboards": []}, actor="test"
    )
    records = RecordService(database, AppCatalog())
    records.create(LOCAL_ADMIN, APP, "ticket", {"kind": "水电", "rating": 5})
    served, live, summarised = _both(ReportService(database, records, ReportCache()), "pivot")
    assert summarised and served == live and served[1][0]["n"] == 1


def _summary_tables(connection: Any) -> set[str]:
    from sqlalchemy import inspect

    return {name for name in inspect(connection).get_table_names() if name.startswith("rsum_")}


def _stamp(database: Any, moment: datetime) -> Any:
    return moment if database.dialect == "postgresql" else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}"
