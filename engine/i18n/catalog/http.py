"""HTTP-level sentences: problem+json titles by status, and the details of 404, 405, 413, 429 and 500."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "http.title.400": {"en": "Bad Request", "zh-CN": "请求有误"},
    "http.title.401": {"en": "Unauthorized", "zh-CN": "未登录"},
    "http.title.403": {"en": "Forbidden", "zh-CN": "无权访问"},
    "http.title.404": {"en": "Not Found", "zh-CN": "未找到"},
    "http.title.405": {"en": "Method Not Allowed", "zh-CN": "不允许的请求方法"},
    "http.title.406": {"en": "Not Acceptable", "zh-CN": "无法提供所要求的格式"},
    "http.title.408": {"en": "Request Timeout", "zh-CN": "请求超时"},
    "http.title.410": {"en": "Gone", "zh-CN": "已不存在"},
    "http.title.411": {"en": "Length Required", "zh-CN": "缺少内容长度"},
    "http.title.412": {"en": "Precondition Failed", "zh-CN": "前置条件不满足"},
    "http.title.414": {"en": "Request URI Too Long", "zh-CN": "网址过长"},
    "http.title.415": {"en": "Unsupported Media Type", "zh-CN": "不支持的内容类型"},
    "http.title.416": {"en": "Requested Range Not Satisfiable", "zh-CN": "请求的范围无效"},
    "http.title.417": {"en": "Expectation Failed", "zh-CN": "预期条件不满足"},
    "http.title.409": {"en": "Conflict", "zh-CN": "冲突"},
    "http.title.413": {"en": "Request Entity Too Large", "zh-CN": "请求内容过大"},
    "http.title.422": {"en": "Unprocessable Content", "zh-CN": "内容无法处理"},
    "http.title.428": {"en": "Precondition Required", "zh-CN": "需要前置条件"},
    "http.title.429": {"en": "Too Many Requests", "zh-CN": "请求过于频繁"},
    "http.title.431": {"en": "Request Header Fields Too Large", "zh-CN": "请求头过大"},
    "http.title.500": {"en": "Internal Server Error", "zh-CN": "服务器内部错误"},
    "http.title.501": {"en": "Not Implemented", "zh-CN": "尚未实现"},
    "http.title.502": {"en": "Bad Gateway", "zh-CN": "网关错误"},
    "http.title.503": {"en": "Service Unavailable", "zh-CN": "服务暂不可用"},
    "http.title.504": {"en": "Gateway Timeout", "zh-CN": "网关超时"},
    "http.title.other": {"en": "Error", "zh-CN": "错误"},
    "http.not_found": {
        "en": "nothing lives at this address; check the URL",
        "zh-CN": "这个地址上什么也没有;请检查网址",
    },
    "http.method_not_allowed": {"en": "{method} is not allowed here", "zh-CN": "此处不允许 {method} 请求"},
    "http.too_large": {"en": "the request body is too large", "zh-CN": "请求内容过大"},
    "http.body_too_slow": {
        "en": "the request body arrived too slowly; send it again",
        "zh-CN": "请求内容传输过慢,请重新发送",
    },
    "http.too_many_requests": {
        "en": "too many requests from this network; try again in {seconds} seconds",
        "zh-CN": "此网络的请求过于频繁,请 {seconds} 秒后再试",
    },
    "http.busy": {
        "en": "the server is receiving too many uploads at once; try again in a few seconds",
        "zh-CN": "服务器正在同时接收过多上传,请几秒后再试",
    },
    "http.internal_error": {
        "en": "something went wrong on the server; it has been logged — try again, and tell an admin if it persists",
        "zh-CN": "服务器出错了,已记录在日志中;请重试,如果一直出错请告诉管理员",
    },
    "http.health.no_redis": {
        "en": "not configured; timers and the outbox run in-process",
        "zh-CN": "未配置;定时器和发件箱在本进程内运行",
    },
}
