"""A small estate app with cascading pickers and defaults from the acting person, shared by their tests."""

import copy


def _label(zh: str, en: str) -> dict:
    return {"zh-CN": zh, "en": en}


PACKAGE = {
    "format": "trellis.app/1",
    "id": "estate",
    "version": "1.0.0",
    "name": _label("物业巡检", "Estate"),
    "roles": [{"id": "inspector", "name": "巡检员"}],
    "forms": [
        {
            "id": "community",
            "name": _label("小区", "Community"),
            "title_field": "name",
            "fields": [{"id": "name", "type": "text", "label": _label("名称", "Name")}],
        },
        {
            "id": "building",
            "name": _label("楼栋", "Building"),
            "title_field": "name",
            "fields": [
                {"id": "community", "type": "relation", "target": "community", "label": _label("小区", "Community")},
                {"id": "name", "type": "text", "label": _label("名称", "Name")},
            ],
        },
        {
            "id": "room",
            "name": _label("房间", "Room"),
            "title_field": "room_no",
            "fields": [
                {"id": "building", "type": "relation", "target": "building", "label": _label("楼栋", "Building")},
                {"id": "room_no", "type": "text", "label": _label("房号", "Room number")},
            ],
        },
        {
            "id": "repair",
            "name": _label("报修", "Repair"),
            "public": {"enabled": True},
            "fields": [
                {"id": "community", "type": "relation", "target": "community", "label": _label("小区", "Community")},
                {
                    "id": "building",
                    "type": "relation",
                    "target": "building",
                    "label": _label("楼栋", "Building"),
                    "filter_by": {"community": "community"},
                },
                {
                    "id": "room",
                    "type": "relation",
                    "target": "room",
                    "label": _label("房间", "Room"),
                    "filter_by": {"building": "building"},
                },
                {
                    "id": "rooms",
                    "type": "relation",
                    "target": "room",
                    "multiple": True,
                    "label": _label("相邻房间", "Rooms next door"),
                    "filter_by": {"building": "building"},
                },
                {
                    "id": "stops",
                    "type": "subtable",
                    "label": _label("途经", "Stops"),
                    "fields": [
                        {
                            "id": "building",
                            "type": "relation",
                            "target": "building",
                            "label": _label("楼栋", "Building"),
                        },
                        {
                            "id": "room",
                            "type": "relation",
                            "target": "room",
                            "label": _label("房间", "Room"),
                            "filter_by": {"building": "building"},
                        },
                    ],
                },
            ],
        },
        {
            "id": "inspection",
            "name": _label("巡检", "Inspection"),
            "public": {"enabled": True, "fields": ["note"]},
            "fields": [
                {
                    "id": "inspector",
                    "type": "user",
                    "label": _label("巡检员", "Inspector"),
                    "read_only": True,
                    "default_expr": "user.id",
                },
                {
                    "id": "inspector_name",
                    "type": "text",
                    "label": _label("巡检员姓名", "Inspector's name"),
                    "read_only": True,
                    "default_expr": "user.name",
                },
                {"id": "day", "type": "date", "label": _label("日期", "Day"), "default_expr": "today()"},
                {"id": "started", "type": "datetime", "label": _label("开始", "Started"), "default_expr": "now()"},
                {"id": "team", "type": "group", "label": _label("班组", "Team"), "default_expr": "user.groups[0]"},
                {"id": "note", "type": "text", "label": _label("备注", "Note")},
                {
                    "id": "checks",
                    "type": "subtable",
                    "label": _label("检查项", "Checks"),
                    "fields": [
                        {"id": "item", "type": "text", "label": _label("项目", "Item")},
                        {
                            "id": "by",
                            "type": "user",
                            "label": _label("检查人", "Checked by"),
                            "default_expr": "user.id",
                        },
                    ],
                },
            ],
        },
    ],
    "permissions": [
        {"role": "inspector", "form": "inspection", "actions": ["create", "read"]},
        {"role": "inspector", "form": "community", "actions": ["read"]},
        {"role": "inspector", "form": "building", "actions": ["read"]},
        {"role": "inspector", "form": "room", "actions": ["read"]},
    ],
}


def package() -> dict:
    """A fresh copy to change in a test."""
    return copy.deepcopy(PACKAGE)
