"""What exported files say besides the records' own values: headers of the system columns, yes/no."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "export.id": {"zh-CN": "编号", "en": "ID"},
    "export.created_at": {"zh-CN": "创建时间", "en": "Created at"},
    "export.created_by": {"zh-CN": "创建人", "en": "Created by"},
    "export.updated_at": {"zh-CN": "更新时间", "en": "Updated at"},
    "export.parent_id": {"zh-CN": "{form}编号", "en": "{form} ID"},
    "export.yes": {"zh-CN": "是", "en": "Yes"},
    "export.no": {"zh-CN": "否", "en": "No"},
    "export.list_separator": {"zh-CN": "、", "en": ", "},
}
