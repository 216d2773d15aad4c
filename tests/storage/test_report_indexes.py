"""Publishing a package indexes what its reports group by and filter on (SQLite and PostgreSQL): every
field of a relation path on its own form, the record's fields behind a flow source's ``record.``
paths, and - when a later version adds a report - on tables that already hold records."""

from __future__ import annotations

import copy

from sqlalchemy import inspect

from engine.reports.indexes import report_indexes
from engine.services.apps import AppService
from tests.reports_app import reports_package


def _indexed(database, table: str) -> set[str]:
    with database.engine.connect() as connection:
        return {column for ix in inspect(connection).get_indexes(table) for column in ix["column_names"][:1]}


def test_the_fields_reports_group_and_filter_by_are_indexed_at_publish(database):
    package = reports_package()
    assert report_indexes(package) == {
        "ticket": {"room", "secret", "urgent"},
        "room": {"building"},
        "building": {"community"},
    }
    AppService(database).import_package(package, actor="test")
    assert {"room", "secret", "urgent"} <= _indexed(database, "estates__ticket")
    assert "building" in _indexed(database, "estates__room")
    assert "community" in _indexed(database, "estates__building")
    assert "stars" not in _indexed(database, "estates__ticket")  # a measure's field: no index

    later = copy.deepcopy(package)
    later["version"] = "2.0.0"
    later["reports"].append(
        {
            "id": "by_stars",
            "name": "by stars",
            "source": {"form": "ticket"},
            "rows": [{"field": "stars"}],
            "filters": [{"field": "worker_name", "op": "not_null"}],
            "measures": [{"id": "n", "agg": "count"}],
        }
    )
    AppService(database).import_package(later, actor="test")
    assert {"stars", "worker_name"} <= _indexed(database, "estates__ticket")


def test_a_flow_source_indexes_the_record_fields_it_reads(property_package):
    found = report_indexes(
        {
            **property_package,
            "reports": [
                {
                    "id": "r",
                    "name": "r",
                    "source": {"flow": "repair", "facts": "tasks"},
                    "rows": [{"field": "node"}, {"field": "record.room.building.community"}],
                    "filters": [{"field": "record.urgency", "op": "eq", "value": "一般"}],
                    "measures": [{"id": "n", "agg": "count"}],
                }
            ],
        }
    )
    assert found == {"repair_order": {"room", "urgency"}, "room": {"building"}, "building": {"community"}}
