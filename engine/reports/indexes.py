"""The indexes a package's reports need (reports domain): every column a report groups by or filters
on in its definition, on every form a relation path passes through.

A dimension or a fixed filter ``room.building.community`` reads ``room`` on the source form,
``building`` on ``room`` and ``community`` on ``building``: each is a column a GROUP BY, a WHERE or a
join's outer side scans, so each gets an index when the package is published (``storage.apps``
creates them with the form tables, on SQLite and PostgreSQL). A flow source's ``record.`` paths index
the record's form the same way; its fact columns are computed, not stored, and get none. Measures
are not indexed: an aggregate reads every row of its groups anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.forms.row_rule_checks import PathError
from engine.reports.spec import SOURCES, source_hops, source_of


def report_indexes(document: Mapping[str, Any]) -> dict[str, set[str]]:
    """Form id -> the fields of it the package's reports group by or filter on (a valid package)."""
    found: dict[str, set[str]] = {}
    for report in document.get("reports", ()):
        kind, key = source_of(report)
        if kind not in SOURCES:
            continue
        paths = [d["field"] for d in (*report.get("rows", ()), *report.get("columns", ()))]
        paths += [f["field"] for f in report.get("filters", ())]
        for path in paths:
            try:
                ref = SOURCES[kind].resolve(document, key, path)
            except PathError:
                continue
            if ref is None:
                continue
            for hop in source_hops(kind, ref):
                found.setdefault(hop.form, set()).add(hop.field)
    return found
