"""``trellis seed-demo``: load an app's demo records from a data file, once.

Demo data is data, like the app itself: ``apps/<app>.demo.json`` lists records per form, in
dependency order, each with an optional ``_key`` other records refer to as ``"@key"`` and an
optional ``_created_at`` that back-dates it (a year of history makes dashboards alive on first
start). No app-specific code: any app can ship a demo file.

History is created without starting flows, unless a row carries ``_flow``: the steps its flow
took, replayed on a back-dated clock when a flow service is given (``engine.demo_replay``; the
process facts then hold real durations), and ``as_of`` moves the whole history to end today.
Rows marked ``_start_flows`` are work in progress,
created last as the person named by ``_as``, so their flows start and dispatch as they would for
a real submission. ``users`` and ``groups`` are created as soon as the records they refer to (a
person's communities) are loaded, before the records that name people in their user fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.demo_replay import Replay, shift_of, shifted_steps
from engine.errors import DefinitionError
from engine.packages.messages import problem
from engine.principal import SYSTEM
from engine.services.directory import DirectoryService
from engine.services.flows import FlowService
from engine.services.records import RecordService


def demo_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.demo.json"))


def load_demo(
    records: RecordService,
    path: Path,
    progress: Callable[[str, int, int], None] | None = None,
    directory: DirectoryService | None = None,
    flows: FlowService | None = None,
) -> dict[str, int]:
    """Create the demo records of ``path`` unless its app already has records; counts per form.

    ``progress(form, done, total)`` is called every 250 records and at the end of each form, so a
    command line can show that a minute-long load is moving.
    """
    document = json.loads(path.read_text(encoding="utf-8"))
    app_id = document["app"]
    forms: Mapping[str, list[dict[str, Any]]] = document["records"]
    first_form = next(iter(forms), None)
    if first_form is None or records.count(app_id, first_form) > 0:
        return {}
    keys: dict[str, int] = {}
    counts: dict[str, int] = {}
    live: list[tuple[str, int, dict[str, Any]]] = []  # records whose flows start, once the people exist
    people = document.get("users", []) if directory is not None else []
    shift = shift_of(document, datetime.now(UTC))
    replay = Replay(records, flows, directory) if flows is not None else None
    try:
        _load_rows(records, app_id, document, forms, keys, counts, live, people, shift, replay, progress, directory)
    finally:
        if replay is not None:
            replay.close()
    for form_id, n, row in live:
        data = {k: _resolve(v, keys, f"{form_id}[{n}]") for k, v in row.items() if not k.startswith("_")}
        who = directory.principal_for(row["_as"]) if directory is not None and "_as" in row else SYSTEM
        records.create(who, app_id, form_id, data, locale="en")
        counts[form_id] = counts.get(form_id, 0) + 1
    return counts


def _load_rows(
    records: RecordService,
    app_id: str,
    document: Mapping[str, Any],
    forms: Mapping[str, list[dict[str, Any]]],
    keys: dict[str, int],
    counts: dict[str, int],
    live: list[tuple[str, int, dict[str, Any]]],
    people: list[dict[str, Any]],
    shift: timedelta,
    replay: Replay | None,
    progress: Callable[[str, int, int], None] | None,
    directory: DirectoryService | None,
) -> None:
    """The rows of every form, in order: history back-dated (and replayed through its flows when it
    carries ``_flow`` and a flow service is given), work in progress kept in ``live`` for later."""
    for form_id, rows in forms.items():
        if people and _known(people, keys):  # the people exist before records that name them
            _create_people(directory, document, app_id, keys, counts)
            people = []
        for n, row in enumerate(rows):
            if row.get("_start_flows"):
                live.append((form_id, n, row))
                continue
            data = {k: _resolve(v, keys, f"{form_id}[{n}]") for k, v in row.items() if not k.startswith("_")}
            at = datetime.fromisoformat(row["_created_at"]) + shift if "_created_at" in row else None
            if replay is not None and at is not None and row.get("_flow"):
                steps = [_resolve(step, keys, f"{form_id}[{n}]") for step in row["_flow"]]
                record = replay.create(app_id, form_id, data, at, shifted_steps(steps, shift))
            else:
                record, _ = records.create(SYSTEM, app_id, form_id, data, locale="en", start_flows=False)
                if at is not None:
                    records.backdate(app_id, form_id, record["id"], at)
            if "_key" in row:
                keys[row["_key"]] = record["id"]
            counts[form_id] = counts.get(form_id, 0) + 1
            if progress is not None and (n + 1 == len(rows) or (n + 1) % 250 == 0):
                progress(form_id, n + 1, len(rows))
    if people:
        _create_people(directory, document, app_id, keys, counts)


def _known(people: list[dict[str, Any]], keys: Mapping[str, int]) -> bool:
    """Whether every record the people refer to (their communities) is loaded already."""
    wanted = [c for person in people for c in person.get("communities", []) if isinstance(c, str)]
    return all(c[1:] in keys for c in wanted if c.startswith("@"))


def _create_people(
    directory: DirectoryService | None,
    document: Mapping[str, Any],
    app_id: str,
    keys: Mapping[str, int],
    counts: dict[str, int],
) -> None:
    """The demo's users and groups, as early as the records they name allow: user fields of the
    records loaded after them accept only people who exist."""
    if directory is None:
        return
    people = document.get("users", [])
    for person in people:
        directory.create_user(
            person["login"],
            document["password"],
            name=person.get("name"),
            admin=bool(person.get("admin")),
            roles=[(app_id, role) for role in person.get("roles", [])],
            user_id=person["login"],
            communities=[_resolve(c, keys, "users") for c in person.get("communities", [])],
            actor="seed-demo",
        )
        if person.get("on_duty"):
            directory.set_on_duty(person["login"], True, actor="seed-demo")
    counts["users"] = len(people)
    for group in document.get("groups", []):
        directory.create_group(group["name"], parent=group.get("parent"), leader=group.get("leader"), actor="seed-demo")
        for member in group.get("members", []):
            directory.add_member(group["name"], member, actor="seed-demo")
    counts["groups"] = len(document.get("groups", []))


def demo_logins(path: Path) -> list[tuple[str, str, list[str]]]:
    """(login, password, roles) of a demo file's people: what `make run` prints."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return [(p["login"], document["password"], p.get("roles", []) or ["admin"]) for p in document.get("users", [])]


def _resolve(value: Any, keys: Mapping[str, int], where: str) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in keys:
            found = problem(where, "record.demo_unknown_key", where=where, key=repr(value))
            raise DefinitionError(found.message, [found])
        return keys[value[1:]]
    if isinstance(value, list):
        return [_resolve(item, keys, where) for item in value]
    if isinstance(value, dict):
        return {k: _resolve(v, keys, where) for k, v in value.items()}
    return value
