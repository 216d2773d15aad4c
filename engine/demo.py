"""``trellis seed-demo``: load an app's demo records from a data file, once.

Demo data is data, like the app itself: ``apps/<app>.demo.json`` lists records per form, in
dependency order, each with an optional ``_key`` other records refer to as ``"@key"`` and an
optional ``_created_at`` that back-dates it (a year of history makes dashboards alive on first
start). No app-specific code: any app can ship a demo file.

History is created without starting flows; rows marked ``_start_flows`` are work in progress,
created last as the person named by ``_as``, so their flows start and dispatch as they would for
a real submission. ``users`` and ``groups`` are created as soon as the records they refer to (a
person's communities) are loaded, before the records that name people in their user fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.errors import DefinitionError
from engine.packages.messages import problem
from engine.principal import SYSTEM
from engine.services.directory import DirectoryService
from engine.services.records import RecordService


def demo_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.demo.json"))


def load_demo(
    records: RecordService,
    path: Path,
    progress: Callable[[str, int, int], None] | None = None,
    directory: DirectoryService | None = None,
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
    for form_id, rows in forms.items():
        if people and _known(people, keys):  # the people exist before records that name them
            _create_people(directory, document, app_id, keys, counts)
            people = []
        for n, row in enumerate(rows):
            if row.get("_start_flows"):
                live.append((form_id, n, row))
                continue
            data = {k: _resolve(v, keys, f"{form_id}[{n}]") for k, v in row.items() if not k.startswith("_")}
            record, _ = records.create(SYSTEM, app_id, form_id, data, locale="en", start_flows=False)
            if "_created_at" in row:
                records.backdate(app_id, form_id, record["id"], datetime.fromisoformat(row["_created_at"]))
            if "_key" in row:
                keys[row["_key"]] = record["id"]
            counts[form_id] = counts.get(form_id, 0) + 1
            if progress is not None and (n + 1 == len(rows) or (n + 1) % 250 == 0):
                progress(form_id, n + 1, len(rows))
    if people:
        _create_people(directory, document, app_id, keys, counts)
    for form_id, n, row in live:
        data = {k: _resolve(v, keys, f"{form_id}[{n}]") for k, v in row.items() if not k.startswith("_")}
        who = directory.principal_for(row["_as"]) if directory is not None and "_as" in row else SYSTEM
        records.create(who, app_id, form_id, data, locale="en")
        counts[form_id] = counts.get(form_id, 0) + 1
    return counts


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
