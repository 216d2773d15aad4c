"""The flow designer's swimlanes (``builder.designers.flow.*``, embedded for the single-page app as
``designers.flow.*``): the pool in the palette, the lane panel, and bpmn-js's lane sentences."""

from __future__ import annotations

_BPMN = {
    "Add lane above": ("在上方添加泳道", "Add lane above"),
    "Add lane below": ("在下方添加泳道", "Add lane below"),
    "Divide into two lanes": ("分成两条泳道", "Divide into two lanes"),
    "Divide into three lanes": ("分成三条泳道", "Divide into three lanes"),
}

MESSAGES: dict[str, dict[str, str]] = {
    "builder.designers.flow.kind.pool": {"zh-CN": "泳池与泳道（谁做哪一步）", "en": "Pool with lanes (who does what)"},
    "builder.designers.flow.kind.lane": {"zh-CN": "泳道", "en": "Lane"},
    "builder.designers.flow.lane.assignee": {"zh-CN": "这条泳道的任务由谁处理", "en": "Who does this lane's tasks"},
    "builder.designers.flow.lane.nobody": {"zh-CN": "未指定", "en": "Nobody yet"},
    "builder.designers.flow.lane.hint": {
        "zh-CN": "泳道里没有单独指定处理人的任务都交给这里选的角色或分组。",
        "en": "Every task in the lane without an assignee of its own goes to the role or group chosen here.",
    },
    "builder.designers.flow.lane.tasks": {"zh-CN": "泳道里的任务", "en": "Tasks in this lane"},
    "builder.designers.flow.lane.own_assignee": {"zh-CN": "单独指定了处理人", "en": "has its own assignee"},
    "builder.designers.flow.lane.from_lane": {
        "zh-CN": "由泳道“{lane}”指定的人处理。",
        "en": "Done by the people of the lane “{lane}”.",
    },
    "builder.designers.flow.lane.own": {"zh-CN": "单独指定处理人", "en": "Give it its own assignee"},
    "builder.designers.flow.lane.use_lane": {
        "zh-CN": "改由泳道“{lane}”指定处理人",
        "en": "Let the lane “{lane}” say who does it",
    },
}

for _key, (_zh, _en) in _BPMN.items():
    MESSAGES[f"builder.designers.flow.bpmn.{_key}"] = {"zh-CN": _zh, "en": _en}
