"""The builder's flow designer (``builder.designers.flow.*``, embedded for the single-page app as
``designers.flow.*``) and its conversions' refusals (``builder.flows.*``)."""

from __future__ import annotations

_ASSIGNEES = {
    "role": ("角色", "A role"),
    "roles": ("多个角色", "Several roles"),
    "group": ("分组", "A group"),
    "users": ("指定人员", "Named people"),
    "field": ("表单字段里的人", "The person in a field"),
    "submitter": ("提交人", "The submitter"),
    "submitter_manager": ("提交人的上级", "The submitter's manager"),
}
_MODES = {
    "countersign": ("会签（全部或按比例通过）", "Countersign (all, or a share, approve)"),
    "or_sign": ("或签（一人通过即可）", "Or-sign (one approval is enough)"),
    "sequential": ("依次审批", "Sequential"),
}
_KINDS = {
    "start": ("开始", "Start"),
    "end": ("结束", "End"),
    "user_task": ("人工任务", "User task"),
    "approval": ("审批", "Approval"),
    "exclusive_gateway": ("排他网关", "Exclusive gateway"),
    "parallel_gateway": ("并行网关", "Parallel gateway"),
    "inclusive_gateway": ("包容网关", "Inclusive gateway"),
    "timer": ("定时等待", "Timer"),
    "edge": ("连线", "Sequence flow"),
    "boundary_timer": ("边界定时器", "Boundary timer"),
    "service_task": ("服务任务", "Service task"),
    "script_task": ("脚本任务", "Script task"),
    "notify": ("通知", "Notify"),
    "subflow": ("子流程", "Subflow"),
}
# bpmn-js's own sentences (context pad, popup menu), looked up by their English text
_BPMN = {
    "Append end event": ("追加结束", "Append end event"),
    "Append gateway": ("追加网关", "Append gateway"),
    "Append task": ("追加任务", "Append task"),
    "Append intermediate/boundary event": ("追加中间/边界事件", "Append intermediate/boundary event"),
    "Append timer intermediate catch event": ("追加定时等待", "Append timer"),
    "Append user task": ("追加人工任务", "Append user task"),
    "Append text annotation": ("追加注释", "Append text annotation"),
    "Add text annotation": ("添加注释", "Add text annotation"),
    "Change element": ("更换类型", "Change element"),
    "Change type": ("更换类型", "Change type"),
    "Connect to other element": ("连到其他元素", "Connect to other element"),
    "Connect using sequence flow": ("用连线连接", "Connect using sequence flow"),
    "Delete": ("删除", "Delete"),
    "Search in diagram": ("在图中搜索", "Search in diagram"),
}
_FIELD_MODES = {
    "default": ("按表单", "As the form says"),
    "hidden": ("隐藏", "Hidden"),
    "read_only": ("只读", "Read-only"),
    "editable": ("可编辑", "Editable"),
    "required": ("必填", "Required"),
}
_TIMER_ACTIONS = {
    "route": ("走连出的线", "Take the line leaving it"),
    "notify": ("发通知，任务继续", "Notify; the task stays open"),
    "escalate": ("升级", "Escalate"),
    "complete": ("自动完成任务", "Complete the task"),
}
_TOOLS = {
    "hand": ("抓手：拖动画布", "Hand: move the canvas"),
    "lasso": ("框选", "Lasso: select several"),
    "connect": ("连线", "Connect"),
}

MESSAGES: dict[str, dict[str, str]] = {
    "builder.flows.not_drawable": {
        "zh-CN": "这个流程缺少节点或连线的标识、类型或两端，画不出来。",
        "en": "This flow cannot be drawn: a node or edge lacks its id, type or ends.",
    },
    "builder.designers.tab.flows": {"zh-CN": "流程", "en": "Flows"},
    "builder.designers.flow.title": {"zh-CN": "流程设计", "en": "Flow designer"},
    "builder.designers.flow.none": {"zh-CN": "这个应用还没有流程。", "en": "This app has no flow yet."},
    "builder.designers.flow.new_id": {"zh-CN": "新流程标识", "en": "New flow id"},
    "builder.designers.flow.new_form": {"zh-CN": "运行在表单", "en": "Runs on form"},
    "builder.designers.flow.add": {"zh-CN": "添加流程", "en": "Add flow"},
    "builder.designers.flow.open": {"zh-CN": "打开", "en": "Open"},
    "builder.designers.flow.steps": {"zh-CN": "{count} 个节点", "en": "{count} steps"},
    "builder.designers.flow.list": {"zh-CN": "全部流程", "en": "All flows"},
    "builder.designers.flow.missing": {"zh-CN": "草稿里没有流程“{flow}”。", "en": "The draft has no flow “{flow}”."},
    "builder.designers.flow.select_hint": {
        "zh-CN": "在画布上选一个节点或连线，在这里设置它。",
        "en": "Select a step or a flow line on the canvas to set it up here.",
    },
    "builder.designers.flow.refused": {"zh-CN": "引擎不能运行的元素：", "en": "Elements the engine cannot run:"},
    "builder.designers.flow.notes": {"zh-CN": "请检查：", "en": "Please check:"},
    "builder.designers.flow.import": {"zh-CN": "导入 .bpmn 文件", "en": "Import a .bpmn file"},
    "builder.designers.flow.export": {"zh-CN": "导出 .bpmn 文件", "en": "Export a .bpmn file"},
    "builder.designers.flow.kind": {"zh-CN": "类型", "en": "Kind"},
    "builder.designers.flow.name": {"zh-CN": "名称", "en": "Name"},
    "builder.designers.flow.assignee": {"zh-CN": "处理人", "en": "Assignee"},
    "builder.designers.flow.assignee_type": {"zh-CN": "处理人来自", "en": "Assigned to"},
    "builder.designers.flow.role": {"zh-CN": "角色", "en": "Role"},
    "builder.designers.flow.group": {"zh-CN": "分组名称", "en": "Group name"},
    "builder.designers.flow.group_members": {"zh-CN": "{count} 人", "en": "{count} people"},
    "builder.designers.flow.group_unknown": {
        "zh-CN": "通讯录里还没有这个组：建好之前，派给它的任务找不到人。",
        "en": "The directory has no such group yet: until it is made, its tasks find nobody.",
    },
    "builder.designers.flow.users": {"zh-CN": "人员", "en": "People"},
    "builder.designers.flow.field": {"zh-CN": "字段", "en": "Field"},
    "builder.designers.flow.leader": {"zh-CN": "交给其负责人", "en": "To their leader"},
    "builder.designers.flow.mode": {"zh-CN": "审批方式", "en": "Approval mode"},
    "builder.designers.flow.pass_ratio": {
        "zh-CN": "通过比例（0–1，空为全部）",
        "en": "Pass ratio (0–1, empty for all)",
    },
    "builder.designers.flow.field_permissions": {"zh-CN": "这一步的字段权限", "en": "Fields at this step"},
    "builder.designers.flow.condition": {"zh-CN": "分支条件", "en": "Branch condition"},
    "builder.designers.flow.default": {
        "zh-CN": "默认分支（其他条件都不成立时）",
        "en": "Default branch (when no other holds)",
    },
    "builder.designers.flow.after": {"zh-CN": "等待时长", "en": "Wait for"},
    "builder.designers.flow.after_hint": {
        "zh-CN": "ISO 8601 时长，例如 PT15M（15 分钟）、PT2H、P1D",
        "en": "An ISO 8601 duration, e.g. PT15M (15 minutes), PT2H, P1D",
    },
    "builder.designers.flow.timer_action": {"zh-CN": "到时后", "en": "When it fires"},
    "builder.designers.flow.timer_interrupting": {"zh-CN": "中断任务", "en": "Interrupts the task"},
    "builder.designers.flow.edge_from_to": {"zh-CN": "从“{source}”到“{target}”", "en": "From “{source}” to “{target}”"},
    "builder.designers.flow.saving_canvas": {"zh-CN": "正在转换画布…", "en": "Converting the canvas…"},
    "builder.designers.flow.canvas_failed": {"zh-CN": "画布无法转换：", "en": "The canvas cannot be converted:"},
}

for _key, (_zh, _en) in _ASSIGNEES.items():
    MESSAGES[f"builder.designers.flow.assignee.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _MODES.items():
    MESSAGES[f"builder.designers.flow.mode.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _KINDS.items():
    MESSAGES[f"builder.designers.flow.kind.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _BPMN.items():
    MESSAGES[f"builder.designers.flow.bpmn.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _TOOLS.items():
    MESSAGES[f"builder.designers.flow.tool.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _FIELD_MODES.items():
    MESSAGES[f"builder.designers.flow.field_mode.{_key}"] = {"zh-CN": _zh, "en": _en}
for _key, (_zh, _en) in _TIMER_ACTIONS.items():
    MESSAGES[f"builder.designers.flow.timer.{_key}"] = {"zh-CN": _zh, "en": _en}
