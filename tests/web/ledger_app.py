"""A bill app whose flow posts each bill to a ledger system, shared by the operations tests.

A bill of amount 0 stops the flow at its gateway (no branch is true, and there is no default):
the instance fails there. A positive bill goes on to the ``post`` service task, which calls the
``ledger`` connector through the outbox; the ledger acknowledges when ``result.status`` is ok,
and the connector gives up after one attempt so a failure lands on the failed list at once.
"""

from typing import Any

APP = "ledger"
LEDGER_URL = "TRELLIS_APP_LEDGER_URL"

PACKAGE: dict[str, Any] = {
    "format": "trellis.app/1",
    "id": APP,
    "version": "1.0.0",
    "name": {"zh-CN": "账单", "en": "Bills"},
    "default_locale": "zh-CN",
    "roles": [{"id": "clerk", "name": {"zh-CN": "文员", "en": "Clerk"}}],
    "permissions": [{"role": "clerk", "form": "bill", "actions": ["create", "read", "update"]}],
    "forms": [
        {
            "id": "bill",
            "name": {"zh-CN": "账单", "en": "Bill"},
            "title_field": "title",
            "fields": [
                {"id": "title", "type": "text", "label": {"zh-CN": "标题", "en": "Title"}, "required": True},
                {"id": "amount", "type": "number", "precision": 0, "label": {"zh-CN": "金额", "en": "Amount"}},
            ],
        }
    ],
    "flows": [
        {
            "id": "posting",
            "name": {"zh-CN": "记账", "en": "Posting"},
            "form": "bill",
            "start_on": "record_created",
            "nodes": [
                {"id": "start", "type": "start"},
                {"id": "gw", "type": "exclusive_gateway"},
                {
                    "id": "post",
                    "type": "service_task",
                    "connector": "ledger",
                    "operation": "post_bill",
                    "mapping": {"title": "title", "amount": "amount"},
                },
                {"id": "end", "type": "end"},
            ],
            "edges": [
                {"id": "e1", "source": "start", "target": "gw"},
                {"id": "e2", "source": "gw", "target": "post", "condition": "amount > 0"},
                {"id": "e3", "source": "post", "target": "end"},
            ],
        }
    ],
    "connectors": [
        {
            "id": "ledger",
            "name": {"zh-CN": "总账系统", "en": "Ledger"},
            "type": "http",
            "config": {
                "url": "{{env.TRELLIS_APP_LEDGER_URL}}",
                "method": "POST",
                "timeout_seconds": 1,
                "max_attempts": 1,
                "success_path": "result.status",
            },
        }
    ],
}
