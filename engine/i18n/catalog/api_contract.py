"""The API contract: refused request bodies, field kinds, and the OpenAPI docs page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "api.sign_in": {"en": "Sign in first (a session or an API token).", "zh-CN": "请先登录（会话或接口令牌）。"},
    "api.body.refused": {
        "en": "The request body was not accepted (first at {field}).",
        "zh-CN": "请求内容未被接受（首个问题在 {field}）。",
    },
    "api.body.not_object": {"en": "send a JSON object", "zh-CN": "请发送 JSON 对象"},
    "api.body.unknown_field": {
        "en": "not a known field (known: {allowed})",
        "zh-CN": "不是可用的字段（可用：{allowed}）",
    },
    "api.body.required": {"en": "required", "zh-CN": "必填"},
    "api.body.not_null": {"en": "may not be null", "zh-CN": "不能为空值"},
    "api.body.one_of": {"en": "must be one of: {bound}", "zh-CN": "只能是以下之一：{bound}"},
    "api.body.wants": {"en": "must be {kind}", "zh-CN": "应为{kind}"},
    "api.body.too_long": {"en": "at most {bound} characters", "zh-CN": "最多 {bound} 个字符"},
    "api.body.too_many": {"en": "at most {bound} items", "zh-CN": "最多 {bound} 项"},
    "api.body.out_of_range": {"en": "must be within {bound}", "zh-CN": "应在 {bound} 之间"},
    "api.body.role_shape": {"en": "write it as {bound}", "zh-CN": "请写成 {bound} 的形式"},
    "api.kind.boolean": {"en": "true or false", "zh-CN": "是或否（true/false）"},
    "api.kind.integer": {"en": "a whole number", "zh-CN": "整数"},
    "api.kind.number": {"en": "a number", "zh-CN": "数字"},
    "api.kind.moment": {"en": "a date and time (ISO 8601)", "zh-CN": "日期时间（ISO 8601 格式）"},
    "api.kind.date": {"en": "a date (YYYY-MM-DD)", "zh-CN": "日期（年-月-日）"},
    "api.kind.list": {"en": "a list", "zh-CN": "列表"},
    "api.kind.object": {"en": "an object", "zh-CN": "对象"},
    "api.kind.text": {"en": "text", "zh-CN": "文本"},
    "api.kind.value": {"en": "a valid value", "zh-CN": "有效的值"},
}
