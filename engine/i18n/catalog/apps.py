"""Installed apps and their versions: what importing, exporting and listing versions can refuse."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "app.not_found": {
        "en": "there is no app '{app_id}'; `trellis import` installs one",
        "zh-CN": "没有应用“{app_id}”;可用 `trellis import` 安装",
    },
    "app.no_version": {
        "en": "app '{app_id}' has no version {version}",
        "zh-CN": "应用“{app_id}”没有版本 {version}",
    },
    "app.bad_version_number": {
        "en": "'{raw}' is not a version number; versions are 1, 2, 3, ...",
        "zh-CN": "“{raw}”不是版本号;版本号为 1、2、3……",
    },
    "app.missing_file_field": {
        "en": "send the package as the file field '{field}'",
        "zh-CN": "请以文件字段“{field}”发送应用包",
    },
    "app.import_race": {
        "en": "another import of app '{app_id}' finished at the same moment; import again to see the result",
        "zh-CN": "应用“{app_id}”的另一次导入恰好同时完成;请再导入一次查看结果",
    },
}
