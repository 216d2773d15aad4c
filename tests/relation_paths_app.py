"""A small estate app whose expressions read through relations three levels deep (shared by tests)."""

from __future__ import annotations

import copy
from typing import Any

PATH = "room.building.community.name"

PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": "estate",
    "version": "1.0.0",
    "name": "物业",
    "roles": [{"id": "staff", "name": "员工"}, {"id": "owner", "name": "业主"}],
    "forms": [
        {
            "id": "community",
            "name": "小区",
            "title_field": "name",
            "fields": [
                {"id": "name", "type": "text", "label": "名称"},
                {"id": "closed", "type": "checkbox", "label": "封闭"},
            ],
        },
        {
            "id": "building",
            "name": "楼栋",
            "title_field": "name",
            "fields": [
                {"id": "name", "type": "text", "label": "名称"},
                {"id": "community", "type": "relation", "label": "小区", "target": "community"},
            ],
        },
        {
            "id": "room",
            "name": "房间",
            "title_field": "name",
            "fields": [
                {"id": "name", "type": "text", "label": "名称"},
                {"id": "building", "type": "relation", "label": "楼栋", "target": "building"},
                {"id": "neighbours", "type": "relation", "label": "邻居", "target": "room", "multiple": True},
            ],
        },
        {
            "id": "ticket",
            "name": "报修",
            "fields": [
                {"id": "room", "type": "relation", "label": "房间", "target": "room"},
                {
                    "id": "building",
                    "type": "relation",
                    "label": "楼栋",
                    "target": "building",
                    "derived_from": "room.building",
                },
                {
                    "id": "community",
                    "type": "relation",
                    "label": "小区",
                    "target": "community",
                    "derived_from": "building.community",
                },
                {"id": "area", "type": "formula", "label": "片区", "expression": PATH, "result_type": "text"},
                {"id": "contact", "type": "text", "label": "联系人", "default_expr": f"{PATH} + '物业'"},
                {"id": "gate_code", "type": "text", "label": "门禁码", "visible_when": f"{PATH} == '东区'"},
                {
                    "id": "visits",
                    "type": "subtable",
                    "label": "上门",
                    "fields": [
                        {"id": "place", "type": "relation", "label": "地点", "target": "room"},
                        {
                            "id": "place_area",
                            "type": "formula",
                            "label": "地点片区",
                            "expression": "place.building.community.name",
                            "result_type": "text",
                        },
                    ],
                },
                {
                    "id": "east_visits",
                    "type": "formula",
                    "label": "东区上门次数",
                    "expression": "len([v for v in visits if v.place.building.community.name == '东区'])",
                    "result_type": "number",
                    "precision": 0,
                },
            ],
            "rules": [
                {
                    "id": "open_community",
                    "check": "not room.building.community.closed",
                    "message": {"zh-CN": "该小区已封闭", "en": "That community is closed"},
                    "fields": ["room"],
                }
            ],
        },
    ],
    "flows": [
        {
            "id": "route",
            "name": "分派",
            "form": "ticket",
            "start_on": "manual",
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "stamp", "type": "service_task", "set": {"contact": "room.building.name + '管家'"}},
                {"id": "gate", "type": "exclusive_gateway"},
                {
                    "id": "east",
                    "type": "user_task",
                    "assignee": {
                        "type": "dispatch",
                        "table": [
                            {"when": f"{PATH} == '东区'", "group": "东区组"},
                            {"group": "西区组"},
                        ],
                        "fallback": "group_leader",
                    },
                },
                {"id": "west", "type": "user_task", "assignee": {"type": "role", "role": "staff"}},
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "stamp"},
                {"id": "e_east", "source": "gate", "target": "east", "condition": f"{PATH} == '东区'"},
                {"id": "e_west", "source": "gate", "target": "west", "default": True},
                {"id": "e2", "source": "stamp", "target": "gate"},
                {"id": "e3", "source": "east", "target": "end"},
                {"id": "e4", "source": "west", "target": "end"},
            ],
        }
    ],
    "permissions": [
        {"role": "staff", "form": "ticket", "actions": ["create", "read", "update"]},
        {"role": "owner", "form": "ticket", "actions": ["create", "read", "update"]},
        {"role": "owner", "form": "room", "actions": ["read"]},
        {"role": "owner", "form": "building", "actions": ["read"], "rows": "created_by == user.id"},
        {"role": "owner", "form": "community", "actions": ["read"]},
    ],
}


def package() -> dict[str, Any]:
    """A fresh copy to change in a test."""
    return copy.deepcopy(PACKAGE)
