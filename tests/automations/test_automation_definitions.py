"""What validates must run: every automation reference, cron and expression is checked at its pointer."""

from __future__ import annotations

import copy

import pytest

from engine.automations import ACTION_TYPES, TRIGGER_TYPES
from engine.packages import package_problems
from engine.packages.schema_assembly import integration_schema
from tests.services.automation_app import PACKAGE


def _with(*automations, **top):
    document = copy.deepcopy(PACKAGE)
    document["automations"] = list(automations)
    document.update(top)
    return document


def _found(document):
    return [(p.pointer, p.code, p.message) for p in package_problems(document)]


def _on_inspection(*actions, **trigger):
    return {"id": "x", "trigger": {"type": "record_created", "form": "inspection", **trigger}, "actions": list(actions)}


def test_the_test_app_uses_every_trigger_and_action_type_and_is_valid():
    assert package_problems(PACKAGE) == []
    assert {a["trigger"]["type"] for a in PACKAGE["automations"]} | {"record_deleted"} == set(TRIGGER_TYPES)
    used = {action["type"] for a in PACKAGE["automations"] for action in a["actions"]} | {"call_connector"}
    assert used == set(ACTION_TYPES)


def test_every_type_brings_its_keys_into_the_schema():
    schema = integration_schema()["$defs"]

    assert schema["trigger"]["properties"]["type"]["enum"] == [key for key, _ in TRIGGER_TYPES.items()]
    assert schema["action"]["properties"]["type"]["enum"] == [key for key, _ in ACTION_TYPES.items()]


def test_an_unknown_action_type_is_refused_naming_the_known_ones():
    found = _found(_with(_on_inspection({"type": "send_fax", "to": "110"})))

    assert found == [
        (
            "/automations/0/actions/0/type",
            "schema.enum",
            "'send_fax' is not one of: notify, set_fields, create_record, update_related, start_flow, call_connector",
        )
    ]


def test_a_key_another_action_type_has_is_refused():
    found = _found(_with(_on_inspection({"type": "start_flow", "flow": "repair", "set": {"note": "1"}})))

    assert [(pointer, code) for pointer, code, _ in found] == [
        ("/automations/0/actions/0/set", "schema.unknown_property")
    ]


@pytest.mark.parametrize(
    ("automation", "pointer", "code", "message"),
    [
        (
            _on_inspection({"type": "set_fields", "set": {"not": "1"}}, form="inspections"),
            "/automations/0/trigger/form",
            "ref.unknown",
            "unknown form 'inspections' (did you mean 'inspection'?)",
        ),
        (
            {
                "id": "x",
                "trigger": {"type": "field_changed", "form": "inspection", "field": "reslt"},
                "actions": [{"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "m"}],
            },
            "/automations/0/trigger/field",
            "ref.unknown",
            "unknown field 'reslt' (did you mean 'result'?)",
        ),
        (
            {
                "id": "x",
                "trigger": {"type": "flow_event", "flow": "repare", "event": "task_created"},
                "actions": [{"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "m"}],
            },
            "/automations/0/trigger/flow",
            "ref.unknown",
            "unknown flow 'repare' (did you mean 'repair'?)",
        ),
        (
            {
                "id": "x",
                "trigger": {"type": "schedule", "cron": "0 25 * * *"},
                "actions": [{"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "m"}],
            },
            "/automations/0/trigger/cron",
            "automation.bad_cron",
            "'0 25 * * *' is not a cron schedule; write five parts: minute hour day month weekday ('0 8 * * 1')",
        ),
        (
            _on_inspection({"type": "set_fields", "set": {"notes": "'x'"}}),
            "/automations/0/actions/0/set/notes",
            "ref.unknown",
            "unknown field 'notes' (did you mean 'note'?)",
        ),
        (
            _on_inspection({"type": "create_record", "form": "work_orders", "fields": {"summary": "note"}}),
            "/automations/0/actions/0/form",
            "ref.unknown",
            "unknown form 'work_orders' (did you mean 'work_order'?)",
        ),
        (
            _on_inspection({"type": "create_record", "form": "work_order", "fields": {"sumary": "note"}}),
            "/automations/0/actions/0/fields/sumary",
            "ref.unknown",
            "unknown field 'sumary' (did you mean 'summary'?)",
        ),
        (
            _on_inspection({"type": "update_related", "field": "note", "set": {"name": "'x'"}}),
            "/automations/0/actions/0/field",
            "automation.not_a_relation",
            "'note' is not a relation field, so it points at no record to update",
        ),
        (
            _on_inspection({"type": "update_related", "field": "equipment", "set": {"last_inspect": "today()"}}),
            "/automations/0/actions/0/set/last_inspect",
            "ref.unknown",
            "unknown field 'last_inspect' (did you mean 'last_inspected'?)",
        ),
        (
            _on_inspection({"type": "start_flow", "flow": "repair"}),
            "/automations/0/actions/0/flow",
            "automation.flow_other_form",
            "flow 'repair' runs on another form than 'inspection', the form of the triggering record",
        ),
        (
            _on_inspection({"type": "call_connector", "connector": "asset"}),
            "/automations/0/actions/0/connector",
            "ref.unknown",
            "unknown connector 'asset' (did you mean 'assets'?)",
        ),
        (
            _on_inspection({"type": "notify", "to": {"type": "role", "role": "supervisors"}, "message": "m"}),
            "/automations/0/actions/0/to/role",
            "ref.unknown",
            "unknown role 'supervisors' (did you mean 'supervisor'?)",
        ),
        (
            {
                "id": "x",
                "trigger": {"type": "schedule", "cron": "0 8 * * *"},
                "actions": [{"type": "set_fields", "set": {"note": "'x'"}}],
            },
            "/automations/0/actions/0/type",
            "automation.needs_record",
            "a 'set_fields' action needs the record that triggered the automation; a 'schedule' trigger has none "
            "(a schedule runs on records when it names their 'form')",
        ),
    ],
)
def test_a_reference_that_names_nothing_is_refused_at_its_pointer(automation, pointer, code, message):
    assert _found(_with(automation)) == [(pointer, code, message)]


@pytest.mark.parametrize(
    ("automation", "pointer"),
    [
        (_on_inspection({"type": "set_fields", "set": {"note": "reslt"}}), "/automations/0/actions/0/set/note"),
        (
            _on_inspection({"type": "create_record", "form": "work_order", "fields": {"summary": "before.note"}}),
            "/automations/0/actions/0/fields/summary",
        ),
        (
            {
                **_on_inspection({"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "m"}),
                "condition": "event.type == 'x'",
            },
            "/automations/0/condition",
        ),
        (
            {
                "id": "x",
                "trigger": {"type": "schedule", "cron": "0 8 * * *"},
                "actions": [{"type": "create_record", "form": "rounds", "fields": {"title": "note"}}],
            },
            "/automations/0/actions/0/fields/title",
        ),
        (
            _on_inspection({"type": "call_connector", "connector": "assets", "mapping": {"n": "nam"}}),
            "/automations/0/actions/0/mapping/n",
        ),
    ],
)
def test_an_expression_reading_a_name_its_trigger_does_not_give_is_refused(automation, pointer):
    found = package_problems(_with(automation))

    assert [(p.pointer, p.code) for p in found] == [(pointer, "expression_unknown_name")]


def test_names_each_trigger_gives_are_accepted():
    update = {
        "id": "u",
        "trigger": {"type": "record_updated", "form": "inspection"},
        "condition": "before.result != result and user.id != ''",
        "actions": [{"type": "set_fields", "set": {"note": "created_by + str(updated_at)"}}],
    }
    flow = {
        "id": "f",
        "trigger": {"type": "flow_event", "flow": "repair", "event": "task_completed"},
        "condition": "event.outcome == 'ok' and stage != 'x'",
        "actions": [{"type": "set_fields", "set": {"stage": "event.node"}}],
    }
    schedule = {
        "id": "s",
        "trigger": {"type": "schedule", "cron": "*/15 8-18 * * 1-5"},
        "actions": [{"type": "create_record", "form": "rounds", "fields": {"due": "event.due"}}],
    }

    assert package_problems(_with(update, flow, schedule)) == []


def test_an_unknown_time_zone_is_refused():
    assert _found(_with(time_zone="Asia/Shanghia")) == [
        (
            "/time_zone",
            "package.unknown_time_zone",
            "unknown time zone 'Asia/Shanghia'; use an IANA name such as 'Asia/Shanghai'",
        )
    ]


def test_a_flow_event_must_be_one_of_the_five():
    found = _found(
        _with(
            {
                "id": "x",
                "trigger": {"type": "flow_event", "flow": "repair", "event": "task_late"},
                "actions": [{"type": "notify", "to": {"type": "role", "role": "supervisor"}, "message": "m"}],
            }
        )
    )

    assert [(p, c) for p, c, _ in found] == [("/automations/0/trigger/event", "schema.enum")]


def _over_inspections(where, *actions):
    trigger = {"type": "schedule", "cron": "0 9 * * *", "form": "inspection", "where": where}
    return {"id": "x", "trigger": trigger, "actions": list(actions) or [{"type": "set_fields", "set": {"note": "'x'"}}]}


def test_a_schedule_over_a_forms_records_may_use_record_actions_and_relation_paths():
    daily = _over_inspections(
        "equipment.state == '在用' and result != '异常'",
        {"type": "set_fields", "set": {"note": "equipment.name + event.due"}},
        {"type": "update_related", "field": "equipment", "set": {"last_inspected": "today()"}},
        {"type": "create_record", "form": "rounds", "fields": {"title": "str(event.record)"}},
    )

    assert package_problems(_with(daily)) == []


@pytest.mark.parametrize(
    ("automation", "pointer", "code", "message"),
    [
        (
            {**_over_inspections("True"), "trigger": {"type": "schedule", "cron": "0 9 * * *", "form": "inspections"}},
            "/automations/0/trigger/form",
            "ref.unknown",
            "unknown form 'inspections' (did you mean 'inspection'?)",
        ),
        (
            _over_inspections("equipment.stat == '在用'"),
            "/automations/0/trigger/where",
            "form.path.unknown_field",
            "'equipment.stat': form 'equipment' has no field 'stat'",
        ),
        (
            _over_inspections("note.name == 'x'"),
            "/automations/0/trigger/where",
            "form.path.not_relation",
            "'note.name': 'note' is not a relation, so 'name' cannot be read through it",
        ),
        (
            {**_over_inspections("True"), "trigger": {"type": "schedule", "cron": "0 9 * * *", "where": "True"}},
            "/automations/0/trigger",
            "schema.invalid",
            "'form' is a dependency of 'where'",
        ),
    ],
)
def test_a_schedule_over_records_with_a_bad_form_or_where_is_refused_at_its_pointer(automation, pointer, code, message):
    assert _found(_with(automation)) == [(pointer, code, message)]


def test_a_where_reading_a_name_the_form_lacks_is_refused_at_its_pointer():
    found = package_problems(_with(_over_inspections("reslt == '正常'")))

    assert [(p.pointer, p.code) for p in found] == [("/automations/0/trigger/where", "expression_unknown_name")]
