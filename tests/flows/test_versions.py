"""Running instances keep their version; an administrator may move them with a node map, after a dry run."""

from __future__ import annotations

import copy

from engine.services.apps import AppService

APP = "property_repair"


def _publish(company, database, property_package, change) -> int:
    package = copy.deepcopy(property_package)
    flow = package["flows"][0]
    change(flow)
    for view in package.get("views", []):  # the agents' queue (a list view) follows its step to its new id
        if view.get("filters", {}).get("_step") == "accept" and change is _rename_accept:
            view["filters"]["_step"] = "triage"
    result = AppService(database).import_package(package, actor="test")
    return result.version


def _rename_accept(flow: dict) -> None:
    """Version 2 calls the agent's step "triage" instead of "accept"."""
    for node in flow["nodes"]:
        if node["id"] == "accept":
            node["id"] = "triage"
    for edge in flow["edges"]:
        for end in ("source", "target"):
            if edge[end] == "accept":
                edge[end] = "triage"
    for milestone in flow.get("facts", {}).get("milestones", {}).values():  # its process facts follow it too
        if milestone["node"] == "accept":
            milestone["node"] = "triage"


def test_instances_finish_on_the_version_they_started_on(company, database, property_package):
    old = company.order()
    version = _publish(company, database, property_package, _rename_accept)
    assert version == 2
    new = company.order()
    assert company.instance_of(old["id"])["app_version"] == 1
    assert [t["node"] for t in company.open_tasks(old["id"])] == ["accept"]
    assert [t["node"] for t in company.open_tasks(new["id"])] == ["triage"]
    task = company.open_tasks(old["id"])[0]
    company.act("agent1", task["id"], "complete", outcome="accept")
    assert [t["node"] for t in company.open_tasks(old["id"])] == ["repair"]


def test_a_map_that_strands_a_token_is_refused_and_nothing_moves(company, database, property_package):
    record = company.order()
    _publish(company, database, property_package, _rename_accept)
    report = company.flows.migrate(APP, "repair", 1, 2, {}, dry_run=False)
    assert report["refused"]
    assert "stranded" in report["instances"][0]["problems"][0]
    assert company.instance_of(record["id"])["app_version"] == 1


def test_dry_run_lists_what_would_happen_then_the_migration_moves_tasks(company, database, property_package):
    record = company.order()
    _publish(company, database, property_package, _rename_accept)
    plan = company.flows.migrate(APP, "repair", 1, 2, {"accept": "triage"}, dry_run=True)
    assert not plan["refused"]
    assert plan["instances"][0]["moves"] == [{"from": "accept", "to": "triage"}]
    assert company.instance_of(record["id"])["app_version"] == 1  # a dry run changes nothing
    company.flows.migrate(APP, "repair", 1, 2, {"accept": "triage"}, dry_run=False)
    instance = company.instance_of(record["id"])
    assert instance["app_version"] == 2
    task = company.open_tasks(record["id"])[0]
    assert task["node"] == "triage"
    company.act("agent1", task["id"], "complete", outcome="accept")
    assert [t["node"] for t in company.open_tasks(record["id"])] == ["repair"]


def test_a_map_that_would_lose_countersign_votes_is_refused(company, database, property_package):
    record = company.order()
    task = company.open_tasks(record["id"], "accept")[0]
    company.act("agent1", task["id"], "complete", outcome="accept")
    repair = company.open_tasks(record["id"], "repair")[0]
    company.act(
        repair["assignee"],
        repair["id"],
        "complete",
        data={"result": "换热水器", "parts_used": [{"part": company.dear_part, "qty": 1}]},
    )
    sign = company.open_tasks(record["id"], "countersign")[0]
    company.act("engineer1", sign["id"], "approve")

    def or_sign(flow: dict) -> None:
        for node in flow["nodes"]:
            if node["id"] == "countersign":
                node["mode"] = "or_sign"

    _publish(company, database, property_package, or_sign)
    report = company.flows.migrate(APP, "repair", 1, 2, {}, dry_run=False)
    assert report["refused"] and "votes" in report["instances"][0]["problems"][0]
    assert len(company.open_tasks(record["id"], "countersign")) == 2


def test_unknown_nodes_in_the_map_are_named(company, database, property_package):
    company.order()
    _publish(company, database, property_package, _rename_accept)
    report = company.flows.migrate(APP, "repair", 1, 2, {"acept": "triage"}, dry_run=True)
    assert report["refused"] and report["problems"] == ["the old version has no node 'acept'"]
