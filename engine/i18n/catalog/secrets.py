"""Secrets administrators store for apps' connectors: refusals and the command line's lines."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "secret.bad_name": {
        "en": "'{name}' is not a secret name: capital letters, digits and _, starting with a letter",
        "zh-CN": "“{name}”不是有效的密钥名称:只能用大写字母、数字和 _,并以字母开头",
    },
    "secret.bad_value": {
        "en": "a secret is 1 to {most} printable ASCII characters (it travels in URLs and headers), "
        "without spaces at either end",
        "zh-CN": "密钥须为 1 到 {most} 个可打印的英文字母、数字或符号(它会放在网址和请求头中),首尾不能有空格",
    },
    "secret.not_found": {
        "en": "app '{app}' has no stored secret {name}",
        "zh-CN": "应用“{app}”没有已保存的密钥 {name}",
    },
    "secret.admins_only": {
        "en": "only administrators may manage stored secrets",
        "zh-CN": "只有管理员可以管理已保存的密钥",
    },
    "cli.secrets.stored": {"en": "stored {name} for {app}", "zh-CN": "已为 {app} 保存密钥 {name}"},
    "cli.secrets.removed": {"en": "removed {name} from {app}", "zh-CN": "已从 {app} 删除密钥 {name}"},
    "cli.secrets.line": {
        "en": "{name}  stored {when} by {who}",
        "zh-CN": "{name}  由 {who} 于 {when} 保存",
    },
    "cli.secrets.missing": {
        "en": "{name}  NOT STORED (the app's connectors read it)",
        "zh-CN": "{name}  未保存(本应用的连接器会读取它)",
    },
    "cli.secrets.none": {"en": "no stored secrets", "zh-CN": "没有已保存的密钥"},
    "cli.secrets.prompt": {"en": "value of {name}: ", "zh-CN": "{name} 的值:"},
}
