"""A small permit app whose approval steps carry data, shared by the signer-values tests.

Three flows on one form, each started by hand: a single approver who writes the record like a
task, a countersign of engineering and security collecting every opinion (``collect: all``), and
an or-sign where the one decision's opinion reaches the record (``collect: last``, the default).
"""

import copy
from typing import Any

APP = "permits"
SIGNERS = ["engineer1", "security1"]


def _flow(flow_id: str, node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": flow_id,
        "name": flow_id,
        "form": "permit",
        "start_on": "manual",
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "sign", "type": "approval", **node},
            {"id": "end", "type": "end"},
        ],
        "edges": [{"id": "e1", "source": "start", "target": "sign"}, {"id": "e2", "source": "sign", "target": "end"}],
    }


PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": {"zh-CN": "装修许可", "en": "Permits"},
    "default_locale": "zh-CN",
    "roles": [
        {"id": "clerk", "name": {"zh-CN": "文员", "en": "Clerk"}},
        {"id": "signer", "name": {"zh-CN": "签署人", "en": "Signer"}},
        {"id": "viewer", "name": {"zh-CN": "查看人", "en": "Viewer"}},
    ],
    "permissions": [
        {"role": "clerk", "form": "permit", "actions": ["create", "read", "update"]},
        {"role": "signer", "form": "permit", "actions": ["read"]},
        {
            "role": "viewer",
            "form": "permit",
            "actions": ["read"],
            "fields": {"opinion": "hidden", "opinions": "hidden"},
        },
    ],
    "forms": [
        {
            "id": "permit",
            "name": {"zh-CN": "装修申请", "en": "Permit"},
            "title_field": "title",
            "fields": [
                {"id": "title", "type": "text", "label": {"zh-CN": "标题", "en": "Title"}, "required": True},
                {"id": "opinion", "type": "textarea", "label": {"zh-CN": "意见", "en": "Opinion"}},
                {"id": "opinions", "type": "textarea", "label": {"zh-CN": "会签意见", "en": "Opinions"}},
                {"id": "deposit", "type": "number", "precision": 0, "label": {"zh-CN": "押金", "en": "Deposit"}},
                {
                    "id": "double_deposit",
                    "type": "formula",
                    "expression": "(deposit or 0) * 2",
                    "label": {"zh-CN": "双倍押金", "en": "Double deposit"},
                },
            ],
        }
    ],
    "flows": [
        _flow(
            "single",
            {
                "mode": "or_sign",
                "assignee": {"type": "users", "users": ["engineer1"]},
                "field_permissions": {"opinion": "required", "deposit": "editable"},
            },
        ),
        _flow(
            "counter",
            {
                "mode": "countersign",
                "collect": "all",
                "assignee": {"type": "users", "users": SIGNERS},
                "field_permissions": {"opinions": "required"},
            },
        ),
        _flow(
            "either",
            {
                "mode": "or_sign",
                "assignee": {"type": "users", "users": SIGNERS},
                "field_permissions": {"opinion": "editable"},
            },
        ),
    ],
}


def package(**node_changes: Any) -> dict[str, Any]:
    """A copy of the package, with keys of the countersign node replaced."""
    copied = copy.deepcopy(PACKAGE)
    copied["flows"][1]["nodes"][1].update(node_changes)
    return copied
