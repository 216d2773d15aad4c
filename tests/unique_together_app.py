"""A small app with a uniqueness rule over two fields, shared by the unique_together tests."""

import copy

PACKAGE = {
    "format": "trellis.app/1",
    "id": "assets",
    "version": "1.0.0",
    "name": {"zh-CN": "设备台账", "en": "Assets"},
    "default_locale": "zh-CN",
    "forms": [
        {
            "id": "community",
            "name": {"zh-CN": "小区", "en": "Community"},
            "title_field": "name",
            "fields": [{"id": "name", "type": "text", "label": {"zh-CN": "名称", "en": "Name"}, "required": True}],
        },
        {
            "id": "equipment",
            "name": {"zh-CN": "设备", "en": "Equipment"},
            "title_field": "code",
            "fields": [
                {
                    "id": "community",
                    "type": "relation",
                    "target": "community",
                    "label": {"zh-CN": "小区", "en": "Community"},
                },
                {"id": "code", "type": "text", "label": {"zh-CN": "编码", "en": "Code"}},
                {"id": "name", "type": "text", "label": {"zh-CN": "名称", "en": "Name"}},
                {"id": "photos", "type": "image", "label": "照片"},
                {"id": "basics", "type": "section", "label": "基本信息"},
                {
                    "id": "parts",
                    "type": "subtable",
                    "label": "配件",
                    "fields": [{"id": "part", "type": "text", "label": "配件"}],
                },
            ],
            "unique_together": [["community", "code"]],
        },
    ],
}


def package(**equipment_changes) -> dict:
    """A copy of the package, with keys of the equipment form replaced (None removes one)."""
    copied = copy.deepcopy(PACKAGE)
    form = copied["forms"][1]
    for key, value in equipment_changes.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return copied
