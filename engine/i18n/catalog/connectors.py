"""Why a call to another system failed: what an admin reads on a failed outbox item.

Addresses, variable names, status codes and snippets of the other side's answer are parameters,
shown as they are.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # finding and configuring the connector (engine/connectors/base.py)
    "connector.unknown": {
        "en": "the app has no connector '{connector}' (it has: {known})",
        "zh-CN": "应用中没有连接器“{connector}”(现有:{known})",
    },
    "connector.unknown_none": {
        "en": "the app has no connector '{connector}' (it has: none)",
        "zh-CN": "应用中没有连接器“{connector}”(它还没有任何连接器)",
    },
    "connector.env_missing_url": {
        "en": "connector '{connector}': url needs the environment variable {name}, which is not set",
        "zh-CN": "连接器“{connector}”:url 需要环境变量 {name},但它未设置",
    },
    "connector.env_missing_header": {
        "en": "connector '{connector}': header {header} needs the environment variable {name}, which is not set",
        "zh-CN": "连接器“{connector}”:请求头 {header} 需要环境变量 {name},但它未设置",
    },
    "connector.secret_missing": {
        "en": "the connector's secret is read from {name}, which is not set",
        "zh-CN": "连接器的密钥从环境变量 {name} 读取,但它未设置",
    },
    "connector.stored_missing": {
        "en": "the connector needs the stored secret {name}, which no administrator has stored for this app "
        "(trellis secrets set)",
        "zh-CN": "连接器需要已保存的密钥 {name},但管理员尚未为本应用保存它(`trellis secrets set`)",
    },
    "connector.bad_url": {
        "en": "connector '{connector}': the url must start with http:// or https://, got {url!r}",
        "zh-CN": "连接器“{connector}”:url 必须以“http://”或“https://”开头,实际是 {url!r}",
    },
    # the call (engine/connectors/http_api.py)
    "connector.redirect": {
        "en": "{where} answered with a redirect ({status}) to {target}; configure the final URL instead",
        "zh-CN": "{where} 返回了重定向({status}),指向 {target};请改为配置最终的 URL",
    },
    "connector.http_status": {"en": "{where} answered HTTP {status}", "zh-CN": "{where} 返回了 HTTP {status}"},
    "connector.http_status_said": {
        "en": "{where} answered HTTP {status}: {snippet}",
        "zh-CN": "{where} 返回了 HTTP {status}:{snippet}",
    },
    "connector.timeout": {
        "en": "{where} gave no answer within {seconds:g} s",
        "zh-CN": "{where} 在 {seconds:g} 秒内没有应答",
    },
    "connector.unreachable": {"en": "could not reach {where}: {reason}", "zh-CN": "无法连接 {where}:{reason}"},
    "connector.broken": {
        "en": "the connection to {where} broke: {error}",
        "zh-CN": "与 {where} 的连接中断:{error}",
    },
    "connector.not_json": {
        "en": "{where} answered with something that is not JSON: {snippet}",
        "zh-CN": "{where} 的应答不是 JSON:{snippet}",
    },
    "connector.no_acknowledgement": {
        "en": "{where} did not acknowledge: {path} is {value}",
        "zh-CN": "{where} 没有确认成功:{path} 的值是 {value}",
    },
    "connector.answer_lacks": {
        "en": "the answer has no {path}: {answer}",
        "zh-CN": "应答中没有 {path}:{answer}",
    },
}
