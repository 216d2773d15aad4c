"""Settings that are missing or malformed (engine/config.py): one line naming the variable and the fix."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "config.database_url": {
        "en": "TRELLIS_DATABASE_URL must start with sqlite:/// or postgresql://, got {value}",
        "zh-CN": "`TRELLIS_DATABASE_URL` 必须以 sqlite:/// 或 postgresql:// 开头,实际是 {value}",
    },
    "config.redis_url": {
        "en": "TRELLIS_REDIS_URL must look like redis://host:6379/0, got {value}",
        "zh-CN": "`TRELLIS_REDIS_URL` 的写法应如 `redis://host:6379/0`,实际是 {value}",
    },
    "config.redis_port": {
        "en": "TRELLIS_REDIS_URL has a malformed port: {value}",
        "zh-CN": "`TRELLIS_REDIS_URL` 的端口格式不对:{value}",
    },
    "config.port": {
        "en": "TRELLIS_PORT must be a port number from 1 to 65535, got {value}",
        "zh-CN": "`TRELLIS_PORT` 必须是 1 到 65535 之间的端口号,实际是 {value}",
    },
    "config.public_url": {
        "en": "TRELLIS_PUBLIC_URL must be the http:// or https:// address people open, "
        "like https://repair.example.com, got {value}",
        "zh-CN": "`TRELLIS_PUBLIC_URL` 必须是大家打开的 http:// 或 https:// 地址,"
        "如 `https://repair.example.com`,实际是 {value}",
    },
    "config.positive_int": {
        "en": "{name} must be a positive whole number, got {value}",
        "zh-CN": "{name} 必须是正整数,实际是 {value}",
    },
    "config.trusted_proxies": {
        "en": "TRELLIS_TRUSTED_PROXIES must be the number of reverse proxies in front of Trellis, "
        "from 0 (none: the default) to 5, got {value}",
        "zh-CN": "`TRELLIS_TRUSTED_PROXIES` 必须是 Trellis 前面反向代理的层数,从 0(没有代理,默认)到 5,实际是 {value}",
    },
    "config.package_env": {
        "en": "TRELLIS_PACKAGE_ENV lists the environment variables app packages may read, as names or "
        "prefixes ending in * separated by commas (like TRELLIS_APP_*,FINANCE_URL); {value} is neither",
        "zh-CN": "`TRELLIS_PACKAGE_ENV` 列出应用包可读取的环境变量:用逗号分隔的变量名或以 * 结尾的前缀"
        "(如 `TRELLIS_APP_*,FINANCE_URL`);{value} 两者都不是",
    },
    "config.encryption_key": {
        "en": "TRELLIS_ENCRYPTION_KEY must be a Fernet key: 32 bytes in URL-safe base64, "
        "as `Fernet.generate_key()` makes",
        "zh-CN": "`TRELLIS_ENCRYPTION_KEY` 必须是 URL 安全 base64 编码的 32 字节密钥,"
        "即 `Fernet.generate_key()` 生成的那种",
    },
    "config.secret_unreadable": {
        "en": "a stored secret cannot be decrypted with this server's key: TRELLIS_ENCRYPTION_KEY or "
        "TRELLIS_SECRET_KEY changed since it was stored; store it again (trellis secrets set)",
        "zh-CN": "无法用本服务器的密钥解密已保存的密钥:保存之后 `TRELLIS_ENCRYPTION_KEY` 或 `TRELLIS_SECRET_KEY` "
        "已更改;请重新保存(`trellis secrets set`)",
    },
}
