"""Swimlanes of flows: the package checks of ``lanes`` (``flow.lane.*``) and what the BPMN import says
about the lanes and pools of a modeler's file (``bpmn.lane.*``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "kind.lane": {"en": "lane", "zh-CN": "泳道"},
    "flow.lane.unknown_node": {
        "en": "lane '{lane}' lists node '{node}', which the flow does not have{hint}",
        "zh-CN": "泳道“{lane}”列出的节点“{node}”不在流程中{hint}",
    },
    "flow.lane.node_twice": {
        "en": "node '{node}' is in lane '{lane}' and already in lane '{first}'; a node sits in one lane",
        "zh-CN": "节点“{node}”同时在泳道“{lane}”和“{first}”中;一个节点只能在一条泳道里",
    },
    "flow.lane.task_needs_assignee": {
        "en": "nobody would get task '{node}': give it an assignee, or put it in a lane that has one",
        "zh-CN": "任务“{node}”没有处理人:请为它指定处理人,或把它放进指定了处理人的泳道",
    },
    "flow.lane.lane_needs_assignee": {
        "en": "nobody would get task '{node}': its lane '{lane}' says no role or group, and the task has no assignee",
        "zh-CN": "任务“{node}”没有处理人:所在泳道“{lane}”未指定角色或分组,任务自身也未指定处理人",
    },
    "bpmn.lane.nested": {
        "en": "lanes inside a lane are not supported; the tasks stay in the outer lane '{lane}'",
        "zh-CN": "不支持泳道中再分泳道;其中的任务归入外层泳道“{lane}”",
    },
    "bpmn.note.lane_group": {
        "en": "no role is called '{name}': the lane's tasks go to the group '{name}'",
        "zh-CN": "没有名为“{name}”的角色:该泳道的任务交给分组“{name}”",
    },
    "bpmn.note.lane_unnamed": {
        "en": "the lane has no name: choose the role or group that does its tasks",
        "zh-CN": "泳道没有名称:请为其中的任务选择处理的角色或分组",
    },
}
