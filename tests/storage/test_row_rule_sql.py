"""Row rules in SQL agree with row rules in memory, on SQLite and PostgreSQL, NULLs and broken links included.

A table of rules × stored tickets × principals: for each, the records the bound rule selects in
SQL (``rule_sql``) are exactly those whose stored values (``rule_records``, relation path values
included) ``matches`` in memory; then random trees of the same atoms, the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.forms.row_rules import And, Not, Or, RowRule, bind
from engine.principal import LOCAL_ADMIN, Principal
from engine.services.apps import AppService
from engine.services.records import RecordService
from engine.storage.catalog import AppCatalog
from engine.storage.row_rule_sql import rule_sql
from tests.row_rules_app import APP, PACKAGE, package

pytestmark = pytest.mark.storage

AT = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)  # 15 March, 20:00 in Asia/Shanghai
RULES = [
    "amount > 0",
    "amount <= 12.5",
    "amount >= 0 and amount < 100",
    "not amount > 0",
    "amount != 0",
    "stars >= 3",
    "stars in (1, 2)",
    "deadline >= today()",
    "deadline < '2026-03-01'",
    "deadline == today()",
    "due_at >= today()",
    "due_at < now()",
    "due_at > '2026-03-15T08:00:00+08:00'",
    "title > 'a'",
    "title < 'é'",
    "title >= '水'",
    "title in ('a', 'B')",
    "title not in ('a',)",
    "urgent",
    "not urgent",
    "urgent == False",
    "worker_name == user.name",
    "worker_name != user.name",
    "room.building.community in user.communities",
    "room.building.community not in user.communities",
    "not room.building.community in user.communities",
    "room.building.active",
    "not room.building.active",
    "room.parent.building.community in user.communities",
    "room.number > '1'",
    "room.area > 50",
    "created_by == user.id or amount > 50",
    "(amount > 0 or urgent) and not room.building.active",
]
PRINCIPALS = [
    Principal(id="admin", name="Li", communities=frozenset({1})),
    Principal(id="u2", name="Wang", communities=frozenset({1, 2})),
    Principal(id="u3", communities=frozenset()),
    Principal(id="public", anonymous=True),
]
TICKETS: list[dict[str, Any]] = [
    {"title": "a", "room": "R1", "amount": "12.50", "stars": 1, "deadline": "2026-03-15", "urgent": True},
    {"title": "B", "room": "R2", "amount": "0", "stars": 5, "deadline": "2026-02-01", "urgent": False},
    {"title": "é", "room": "R3", "amount": "100", "due_at": "2026-03-15T09:00:00+08:00", "worker_name": "Li"},
    {"title": "水", "room": "R4", "amount": "99.99", "due_at": "2026-03-16T00:00:00+08:00", "worker_name": "Wang"},
    {"title": "ab", "room": "R5", "stars": 3, "deadline": "2026-06-01", "urgent": False},
    {"room": "R6", "amount": "50.01", "due_at": "2026-03-14T23:59:00+08:00"},
    {"title": "Z", "room": "R7", "amount": "1", "urgent": True, "worker_name": "Li"},
    {"title": "a", "amount": "-5"},
    {},
]


@pytest.fixture
def stored(database) -> RecordService:
    """The estate app with one reading role per rule, and tickets over every kind of link and gap.

    Community 1 and 2; buildings: B1 (1, active), B2 (2, inactive), B3 (no community, active
    unknown), B4 (1, deleted later); rooms: R1 (B1), R2 (B2), R3 (B3), R4 (no building),
    R5 (B4), R6 (B1, inside suite R2), R7 (B1, deleted later).
    """
    AppService(database).import_package(package(*RULES), actor="test")
    records = RecordService(database, AppCatalog())

    def make(form: str, **data: Any) -> int:
        return records.create(LOCAL_ADMIN, APP, form, data)[0]["id"]

    c1, c2 = make("community", name="一区"), make("community", name="二区")
    assert (c1, c2) == (1, 2)
    b1 = make("building", community=c1, name="B1", active=True)
    b2 = make("building", community=c2, name="B2", active=False)
    b3 = make("building", name="B3")
    b4 = make("building", community=c1, name="B4", active=True)
    rooms = {
        "R1": make("room", building=b1, number="1", area="40"),
        "R2": make("room", building=b2, number="2", area="80.5"),
        "R3": make("room", building=b3, number="0"),
        "R4": make("room", number="10", area="50"),
        "R5": make("room", building=b4, number="5", area="50.1"),
    }
    rooms["R6"] = make("room", building=b1, parent=rooms["R2"], number="6")
    rooms["R7"] = make("room", building=b1, number="7", area="60")
    for ticket in TICKETS:
        make("ticket", **{**ticket, "room": rooms.get(ticket.get("room", ""))})
    records.delete(LOCAL_ADMIN, APP, "building", b4)
    records.delete(LOCAL_ADMIN, APP, "room", rooms["R7"])
    return records


def _agree(records: RecordService, rules: list[RowRule], principal: Principal) -> list[set[int]]:
    """For each rule: the ids SQL selects, asserting they are those ``matches`` selects in memory."""
    found = []
    with records.rows.transaction() as session:
        form = records.catalog.current(session, APP).form("ticket")
        table = form.table
        live = list(session.execute(select(table).where(table.c.deleted_at.is_(None))))
        stored = records.rows.rule_records(session, form, live)
        for rule in rules:
            bound = bind(rule, principal, AT)
            where = rule_sql(table, bound, form.rule_paths)
            in_sql = set(session.scalars(select(table.c.id).where(table.c.deleted_at.is_(None), where)))
            in_memory = {record["id"] for record in stored if bound.matches(record, principal)}
            assert in_sql == in_memory, (rule, principal.id)
            found.append(in_sql)
    return found


@pytest.fixture
def written(stored) -> list[RowRule]:
    with stored.rows.transaction() as session:
        permissions = stored.catalog.current(session, APP).permissions
    return [grant.rows for grant in permissions.grants[len(PACKAGE["permissions"]) :] if grant.rows is not None]


def test_every_shape_selects_in_sql_exactly_what_matches_in_memory(stored, written):
    selected = [_agree(stored, written, principal) for principal in PRINCIPALS]
    by_rule = list(zip(*selected, strict=True))
    # the table means something: most rules keep some tickets and drop others
    assert sum(1 for sets in by_rule if any(0 < len(s) < len(TICKETS) for s in sets)) >= len(RULES) - 3


def test_unknown_values_and_broken_links_select_nothing_either_way(stored, written):
    rules = dict(zip(RULES, written, strict=True))
    ticket = {n + 1: t for n, t in enumerate(TICKETS)}
    chosen = [
        rules["room.building.community in user.communities"],
        rules["room.building.community not in user.communities"],
        rules["not room.building.active"],
        rules["amount > 0"],
        rules["not amount > 0"],
    ]
    inside, outside, inactive, positive, not_positive = _agree(stored, chosen, PRINCIPALS[0])
    assert inside == {1, 6}  # R1 and R6 in B1 of community 1
    assert outside == {2}  # R2 in community 2; no building, a deleted building or room: neither in nor out
    assert inactive == {2}  # only B2 is known to be inactive
    assert positive == {i for i, t in ticket.items() if t.get("amount") not in (None, "0", "-5")}
    assert not_positive == {2, 8}  # amount 0 and -5; the tickets without an amount are neither
    assert _agree(stored, [rules["room.parent.building.community in user.communities"]], PRINCIPALS[1]) == [{6}]


def test_the_clock_is_read_in_the_company_zone(stored, written):
    rules = dict(zip(RULES, written, strict=True))
    chosen = [rules["deadline == today()"], rules["due_at >= today()"], rules["due_at < now()"]]
    today, since_midnight, past = _agree(stored, chosen, PRINCIPALS[0])
    assert today == {1}  # 2026-03-15 in Asia/Shanghai at AT
    assert since_midnight == {3, 4}  # 09:00 and the next midnight; 23:59 the day before is not
    assert past == {3, 6}


def test_texts_order_by_code_point_on_every_back_end(stored, written):
    rules = dict(zip(RULES, written, strict=True))
    after_a, before_e, from_water = _agree(
        stored, [rules["title > 'a'"], rules["title < 'é'"], rules["title >= '水'"]], PRINCIPALS[0]
    )
    assert after_a == {3, 4, 5}  # é, 水, ab ('B' and 'Z' sort before 'a')
    assert before_e == {1, 2, 5, 7, 8}
    assert from_water == {4}


def _tree(atoms: list[RowRule]) -> st.SearchStrategy[RowRule]:
    return st.recursive(
        st.sampled_from(atoms),
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
        ),
        max_leaves=6,
    )


def test_random_trees_of_these_atoms_agree_too(stored, written):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rule=_tree(written), principal=st.sampled_from(PRINCIPALS))
    def agree(rule: RowRule, principal: Principal) -> None:
        _agree(stored, [rule], principal)

    agree()
