"""The database and Redis failing underneath a request: what the person running Trellis must fix."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "storage.database_refused": {
        "en": "the database refused the operation: {reason}",
        "zh-CN": "数据库拒绝了该操作:{reason}",
    },
    "storage.redis_unreachable": {
        "en": "Redis at {where} is unreachable ({reason}); check TRELLIS_REDIS_URL",
        "zh-CN": "无法连接 {where} 上的 Redis({reason});请检查 TRELLIS_REDIS_URL",
    },
}
