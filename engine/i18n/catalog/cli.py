"""The command line's own sentences (engine/cli.py), shown in the shell's language (``--lang``, LANG)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # failures every command may end with
    "cli.error": {"en": "trellis: {message}", "zh-CN": "trellis:{message}"},
    "cli.config_error": {
        "en": "trellis: configuration error: {message}",
        "zh-CN": "trellis:配置错误:{message}",
    },
    # validate, import, export
    "cli.valid": {"en": "ok", "zh-CN": "没有问题"},
    "cli.import.refused": {"en": "{path}: refused, nothing was changed", "zh-CN": "{path}:已拒绝,没有做任何改动"},
    "cli.import.merged": {
        "en": "{path}: {app_id}: the newer bundled package was merged with your own changes (version {version})",
        "zh-CN": "{path}：{app_id}：新的内置应用包已与贵公司自己的修改合并（版本 {version}）",
    },
    "cli.import.kept": {
        "en": "{path}: {app_id}: your own version {version} stays current — the newer bundled package "
        "conflicts with your changes (conflicts: {count}); open the builder to settle them",
        "zh-CN": "{path}：{app_id}：仍使用贵公司自己的版本 {version}——新的内置应用包与贵公司的修改有 {count} 处冲突；"
        "请在搭建工具中处理",
    },
    "cli.import.done": {
        "en": "{path}: {app_id} {outcome} (version {version})",
        "zh-CN": "{path}:{app_id} {outcome}(版本 {version})",
    },
    "cli.wrote": {"en": "wrote {path}", "zh-CN": "已写入 {path}"},
    # seed-demo
    "cli.demo.loaded": {"en": "{path}: loaded {summary}", "zh-CN": "{path}:已载入 {summary}"},
    "cli.demo.already_loaded": {
        "en": "{path}: already loaded, nothing to do",
        "zh-CN": "{path}:已经载入过,无需再做",
    },
    "cli.demo.logins": {
        "en": "Demo logins (password for all: {password}):",
        "zh-CN": "演示账号(密码均为:{password}):",
    },
    # db upgrade
    "cli.db.up_to_date": {
        "en": "database {database} is up to date (revision {revision})",
        "zh-CN": "数据库 {database} 已是最新(版本 {revision})",
    },
    "cli.db.upgraded": {
        "en": "database {database} upgraded from {before} to {after}",
        "zh-CN": "数据库 {database} 已从 {before} 升级到 {after}",
    },
    "cli.db.empty": {"en": "empty", "zh-CN": "空库"},
    # users create, tokens create, flows migrate: usage mistakes (for the helpers who own those commands)
    "cli.role_format": {
        "en": "trellis: --role must look like APP:ROLE (e.g. property_repair:agent), got '{value}'",
        "zh-CN": "trellis:`--role` 的写法是 应用:角色(例如 `property_repair:agent`),收到的是“{value}”",
    },
    "cli.map_format": {
        "en": "trellis: --map takes OLD=NEW, got {value}",
        "zh-CN": "trellis:`--map` 的写法是 旧节点=新节点,收到的是 {value}",
    },
    "cli.scope_missing": {
        "en": "give at least one --scope, e.g. --scope app:property_repair:read",
        "zh-CN": "请至少给出一个 `--scope`,例如 `--scope app:property_repair:read`",
    },
    # serve
    "cli.serve.redis_workers": {
        "en": "Timers and the outbox are handled by `trellis worker` processes sharing Redis.",
        "zh-CN": "定时器和发件箱由共享 Redis 的 `trellis worker` 进程处理。",
    },
    "cli.serve.no_worker": {
        "en": "Timers and the outbox are left to a separate `trellis worker` (--no-worker).",
        "zh-CN": "定时器和发件箱交给单独的 `trellis worker` 处理(`--no-worker`)。",
    },
}
