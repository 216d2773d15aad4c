"""A small estate app whose tickets point at a room, a building and a community through relations,
shared by the row rule tests (domain, storage, services and HTTP)."""

from __future__ import annotations

import copy
from typing import Any

APP = "estates"


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": _label("物业", "Estates"),
    "default_locale": "zh-CN",
    "roles": [
        {"id": "agent", "name": _label("客服", "Agent")},
        {"id": "owner", "name": _label("业主", "Owner"), "public": True},
    ],
    "forms": [
        {
            "id": "community",
            "name": _label("小区", "Community"),
            "title_field": "name",
            "fields": [{"id": "name", "type": "text", "label": _label("名称", "Name"), "required": True}],
        },
        {
            "id": "building",
            "name": _label("楼栋", "Building"),
            "title_field": "name",
            "fields": [
                {"id": "community", "type": "relation", "target": "community", "label": _label("小区", "Community")},
                {"id": "name", "type": "text", "label": _label("名称", "Name")},
                {"id": "active", "type": "checkbox", "label": _label("在用", "Active")},
            ],
        },
        {
            "id": "room",
            "name": _label("房间", "Room"),
            "title_field": "number",
            "fields": [
                {"id": "building", "type": "relation", "target": "building", "label": _label("楼栋", "Building")},
                {"id": "parent", "type": "relation", "target": "room", "label": _label("所属套间", "Suite")},
                {"id": "number", "type": "text", "label": _label("房号", "Number")},
                {"id": "area", "type": "number", "label": _label("面积", "Area"), "precision": 1},
            ],
        },
        {
            "id": "ticket",
            "name": _label("工单", "Ticket"),
            "title_field": "title",
            "fields": [
                {"id": "title", "type": "text", "label": _label("标题", "Title")},
                {"id": "room", "type": "relation", "target": "room", "label": _label("房间", "Room")},
                {"id": "amount", "type": "money", "label": _label("金额", "Amount")},
                {"id": "stars", "type": "rating", "label": _label("评分", "Stars")},
                {"id": "deadline", "type": "date", "label": _label("期限", "Deadline")},
                {"id": "due_at", "type": "datetime", "label": _label("到期时间", "Due at")},
                {"id": "urgent", "type": "checkbox", "label": _label("紧急", "Urgent")},
                {"id": "worker_name", "type": "text", "label": _label("师傅", "Worker")},
                {"id": "secret", "type": "text", "label": _label("内部备注", "Internal note")},
                {
                    "id": "tags",
                    "type": "multiselect",
                    "label": _label("标签", "Tags"),
                    "options": [{"value": "水"}, {"value": "电"}],
                },
                {
                    "id": "rooms",
                    "type": "relation",
                    "target": "room",
                    "multiple": True,
                    "label": _label("房间们", "Rooms"),
                },
            ],
        },
    ],
    "permissions": [
        {
            "role": "agent",
            "form": "ticket",
            "actions": ["create", "read", "update"],
            "rows": "room.building.community in user.communities",
            "fields": {"secret": "hidden"},
        },
        {"role": "agent", "form": "room", "actions": ["read"]},
        {"role": "owner", "form": "ticket", "actions": ["create", "read"], "rows": "created_by == user.id"},
    ],
}


def package(*rules: str) -> dict[str, Any]:
    """A copy of the package with one extra role per rule, reading tickets by that rule (role ``r<n>``)."""
    copied = copy.deepcopy(PACKAGE)
    for n, rule in enumerate(rules):
        copied["roles"].append({"id": f"r{n}", "name": f"r{n}"})
        copied["permissions"].append({"role": f"r{n}", "form": "ticket", "actions": ["read"], "rows": rule})
    return copied
