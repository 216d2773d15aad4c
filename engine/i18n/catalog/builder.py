"""The builder: its pages, designers and the refusals of its API (``builder.*``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "builder.sign_in": {"en": "Sign in to use the builder.", "zh-CN": "请先登录再使用搭建工具。"},
    "builder.not_builder": {
        "en": "You may not build app “{app}”: ask an administrator for its builder role.",
        "zh-CN": "您不能搭建应用“{app}”：请向管理员申请该应用的搭建者角色。",
    },
    "builder.may_not_create": {
        "en": "You may not create apps: ask an administrator for a builder role.",
        "zh-CN": "您不能新建应用：请向管理员申请搭建者角色。",
    },
    "builder.app_exists": {
        "en": "There is already an app “{app}”: choose another id.",
        "zh-CN": "已经有应用“{app}”了：请换一个标识。",
    },
    "builder.app_invalid": {"en": "The new app needs an id and a name.", "zh-CN": "新应用需要标识和名称。"},
    "builder.field.app_id": {
        "en": "lower-case letters, digits and underscores, starting with a letter (at most 63)",
        "zh-CN": "只能用小写字母、数字和下划线，以字母开头（最多 63 个）",
    },
    "builder.field.app_name": {
        "en": "a name in Chinese and in English",
        "zh-CN": "需要中文名称和英文名称",
    },
    "builder.import_no_id": {
        "en": "The package has no usable app id, so it cannot become a draft.",
        "zh-CN": "应用包没有可用的应用标识，无法作为草稿打开。",
    },
    "builder.id_changed": {
        "en": "the draft of app “{app}” must keep the id “{app}”",
        "zh-CN": "应用“{app}”的草稿必须保留标识“{app}”",
    },
    "builder.draft_stale": {
        "en": "{by} saved the draft of “{app}” after you opened it (it is now revision {revision}): "
        "look at their changes, then save again.",
        "zh-CN": "您打开“{app}”的草稿后，{by} 又保存了它（现在是第 {revision} 次修订）：请先查看对方的修改再保存。",
    },
    "builder.write_race": {
        "en": "Someone changed app “{app}” at the same moment: try again.",
        "zh-CN": "有人恰好同时修改了应用“{app}”：请重试。",
    },
    "builder.no_draft": {
        "en": "App “{app}” has no draft to publish: open it in the builder first.",
        "zh-CN": "应用“{app}”没有可发布的草稿：请先在搭建工具中打开它。",
    },
    "builder.publish_conflict": {
        "en": "“{label}” was also changed in version {version}, published after this draft was opened: "
        "settle it in the draft, then publish",
        "zh-CN": "“{label}”在本草稿打开之后发布的第 {version} 版中也被修改了：请先在草稿中处理，再发布",
    },
    "builder.table.create_table": {"en": "new table {table}", "zh-CN": "新建数据表 {table}"},
    "builder.table.add_column": {"en": "new column {name} in {table}", "zh-CN": "在数据表 {table} 中新增列 {name}"},
    "builder.table.widen_column": {"en": "column {table}.{name} made wider", "zh-CN": "加宽列 {table}.{name}"},
    "builder.table.create_index": {"en": "new index {name} on {table}", "zh-CN": "在数据表 {table} 上新建索引 {name}"},
}
