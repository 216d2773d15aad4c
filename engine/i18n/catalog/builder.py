"""The builder: its pages, designers and the refusals of its API (``builder.*``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "builder.sign_in": {"en": "Sign in to use the builder.", "zh-CN": "请先登录再使用搭建工具。"},
    "builder.not_builder": {
        "en": "You may not build app “{app}”: ask an administrator for its builder role.",
        "zh-CN": "您不能搭建应用“{app}”：请向管理员申请该应用的搭建者角色。",
    },
}
