"""BPMN import and export: refused files, elements not carried over, notes for the person finishing the flow.

Element ids, XML tags (``bpmn:subProcess``) and expressions from the file are parameters, never
translated. A parameter that is itself a sentence (``{why}``, ``{reason}``) is rendered in the same
language; inside a Problem's template it names that language as its format spec (``{detail:en}``).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # reading the file (engine/flows/bpmn/security.py)
    "bpmn.not_bytes": {"en": "a BPMN file is read as bytes", "zh-CN": "BPMN 文件须以字节形式读取"},
    "bpmn.too_large": {
        "en": "the file is {size_mb} MB; BPMN files are limited to {limit_mb} MB",
        "zh-CN": "文件大小为 {size_mb} MB,BPMN 文件的上限为 {limit_mb} MB",
    },
    "bpmn.dtd": {
        "en": "the file declares a DTD (<!DOCTYPE ...>); BPMN files from a modeler never do - remove it",
        "zh-CN": "文件声明了 DTD(“<!DOCTYPE ...>”);建模工具导出的 BPMN 文件从不这样做,请删除它",
    },
    "bpmn.entities": {
        "en": "the file declares XML entities; they are refused",
        "zh-CN": "文件声明了 XML 实体,已拒绝",
    },
    "bpmn.external": {
        "en": "the file refers to external resources; they are refused",
        "zh-CN": "文件引用了外部资源,已拒绝",
    },
    "bpmn.not_xml": {"en": "{detail:en}", "zh-CN": "{detail:zh-CN}"},
    "bpmn.not_xml.at": {
        "en": "not well-formed XML at line {line}, column {column}: {reason}",
        "zh-CN": "第 {line} 行第 {column} 列的 XML 格式不正确:{reason}",
    },
    "bpmn.not_xml.unsafe": {
        "en": "the XML cannot be read safely: {error}",
        "zh-CN": "无法安全地读取该 XML:{error}",
    },
    "bpmn.wrong_root": {
        "en": "the root element is <{root}>, not <bpmn:definitions>; is this a BPMN 2.0 file?",
        "zh-CN": "根元素是“<{root}>”,而不是“<bpmn:definitions>”;这是 BPMN 2.0 文件吗?",
    },
    "bpmn.duplicate_id": {
        "en": "the id '{ident}' is used by {first} and {second}; ids must be unique",
        "zh-CN": "id“{ident}”同时被 {first} 和 {second} 使用;id 必须唯一",
    },
    "bpmn.bad_property": {
        "en": "the Trellis property '{key}' is not valid JSON; re-export it",
        "zh-CN": "Trellis 属性“{key}”不是合法的 JSON,请重新导出",
    },
    # broken references (engine/flows/bpmn/reader.py, document.py)
    "bpmn.no_process": {
        "en": "the file has no bpmn:process; draw the flow in a process (pool)",
        "zh-CN": "文件中没有“bpmn:process”;请在流程(池)中绘制流程",
    },
    "bpmn.missing_id": {"en": "this {tag} has no id; give it one", "zh-CN": "这个 {tag} 没有 id,请为它设置一个"},
    "bpmn.missing_ref": {
        "en": "the {tag} has no {attribute}; connect both ends",
        "zh-CN": "{tag} 缺少 {attribute},请连接两端",
    },
    "bpmn.dangling_ref": {"en": "{detail:en}", "zh-CN": "{detail:zh-CN}"},
    "bpmn.dangling_ref.target": {
        "en": "{attribute} '{target}' names no element of the process; reconnect it in the modeler",
        "zh-CN": "{attribute} 指向的“{target}”不是流程中的元素,请在建模工具中重新连接",
    },
    "bpmn.dangling_ref.default": {
        "en": "the default flow '{default}' is not an outgoing sequence flow of this element",
        "zh-CN": "默认流“{default}”不是该元素的出口顺序流",
    },
    # exporting (engine/flows/bpmn/writer.py)
    "bpmn.export_unknown_node": {
        "en": "edge '{edge}' names no node '{node}'",
        "zh-CN": "连线“{edge}”指向不存在的节点“{node}”",
    },
    # what a refused file or flow says as a whole
    "bpmn.refused.no_process": {"en": "no process in the file", "zh-CN": "文件中没有流程"},
    "bpmn.refused.bad_property": {"en": "a Trellis property is damaged", "zh-CN": "有一个 Trellis 属性已损坏"},
    "bpmn.refused.export": {"en": "the flow cannot be exported", "zh-CN": "无法导出该流程"},
    "bpmn.refused.duplicate_ids": {
        "en": "the BPMN file has {count} duplicated ids",
        "zh-CN": "BPMN 文件中有 {count} 个重复的 id",
    },
    "bpmn.refused.broken_element": {
        "en": "the BPMN file has {count} broken element",
        "zh-CN": "BPMN 文件中有 {count} 个元素的连接有误",
    },
    "bpmn.refused.broken_elements": {
        "en": "the BPMN file has {count} broken elements",
        "zh-CN": "BPMN 文件中有 {count} 个元素的连接有误",
    },
    # elements not carried over (UnsupportedElement)
    "bpmn.unsupported": {"en": "not supported", "zh-CN": "不支持"},
    "bpmn.unsupported.details": {"en": "not supported ({details})", "zh-CN": "不支持({details})"},
    "bpmn.unsupported.second_process": {
        "en": "a second process; Trellis imports one per file (took '{chosen}')",
        "zh-CN": "第二个流程;Trellis 每个文件只导入一个流程(已选用“{chosen}”)",
    },
    "bpmn.unsupported.plain_start": {
        "en": "{definition} is not supported; imported as a plain start event",
        "zh-CN": "不支持 {definition},已按普通开始事件导入",
    },
    "bpmn.unsupported.plain_end": {
        "en": "{definition} is not supported; imported as a plain end event",
        "zh-CN": "不支持 {definition},已按普通结束事件导入",
    },
    "bpmn.unsupported.loop": {
        "en": "a loop (standardLoopCharacteristics) is not supported; imported as a single task",
        "zh-CN": "不支持循环(“standardLoopCharacteristics”),已按单个任务导入",
    },
    "bpmn.unsupported.completion_countersign": {
        "en": "the completion condition '{condition}' is not understood; imported as countersign "
        "(everyone must approve)",
        "zh-CN": "无法理解完成条件“{condition}”,已按会签导入(所有人都须同意)",
    },
    "bpmn.unsupported.completion_sequential": {
        "en": "the completion condition '{condition}' is not understood; imported as sequential "
        "(everyone must approve)",
        "zh-CN": "无法理解完成条件“{condition}”,已按依次审批导入(所有人都须同意)",
    },
    "bpmn.unsupported.time_cycle": {
        "en": "the timeCycle '{value}' is not supported; use an ISO-8601 duration (PT15M) or a date field ${{field}}",
        "zh-CN": "不支持循环定时“{value}”;请使用 ISO-8601 时长(“PT15M”)或日期字段“${{field}}”",
    },
    "bpmn.unsupported.timer": {
        "en": "the timer '{value}' is not supported; use an ISO-8601 duration (PT15M) or a date field ${{field}}",
        "zh-CN": "不支持定时器“{value}”;请使用 ISO-8601 时长(“PT15M”)或日期字段“${{field}}”",
    },
    "bpmn.unsupported.boundary_on_task": {
        "en": "only timers on user tasks are supported ({why})",
        "zh-CN": "只支持用户任务上的定时器({why})",
    },
    "bpmn.unsupported.boundary_timer": {
        "en": "only timer boundary events are supported ({why})",
        "zh-CN": "只支持定时器边界事件({why})",
    },
    "bpmn.unsupported.timer_outgoing": {
        "en": "an interrupting timer must have exactly one outgoing flow (the way the task is left)",
        "zh-CN": "中断型定时器必须恰好有一条出口顺序流(即离开任务的路径)",
    },
    "bpmn.unsupported.after_skipped": {
        "en": "starts at '{source}', which was not imported",
        "zh-CN": "起点“{source}”未被导入",
    },
    "bpmn.unsupported.reminder_path": {
        "en": "the timer's action '{action}' starts no path; make it 'route' to run this flow when it fires",
        "zh-CN": "定时器的动作“{action}”不会开始路径;改为“route”才会在到时后走这条顺序流",
    },
    "bpmn.unsupported.timer_paths": {
        "en": "a timer starts one path, and this one has {count} outgoing flows; keep one and split after it "
        "with a parallel gateway",
        "zh-CN": "定时器只能开始一条路径,而它有 {count} 条出口顺序流;请只保留一条,再在其后用并行网关分支",
    },
    "bpmn.unsupported.connects_skipped": {
        "en": "connects '{element}', which was not imported",
        "zh-CN": "连接的“{element}”未被导入",
    },
    "bpmn.unsupported.script_condition": {
        "en": "a {language} script condition is not supported; write it as a Trellis expression",
        "zh-CN": "不支持 {language} 脚本条件;请改写为 Trellis 表达式",
    },
    "bpmn.unsupported.condition": {
        "en": "the condition '{condition}' cannot be translated ({reason}); write it as a Trellis expression",
        "zh-CN": "无法转换条件“{condition}”({reason});请改写为 Trellis 表达式",
    },
    # why a condition does not translate (engine/flows/bpmn/conditions.py)
    "bpmn.condition.empty": {"en": "the condition is empty", "zh-CN": "条件为空"},
    "bpmn.condition.assignment": {"en": "assignment '=' is not a condition", "zh-CN": "赋值“=”不是条件"},
    "bpmn.condition.no_equivalent": {
        "en": "'{token}' has no Trellis equivalent",
        "zh-CN": "“{token}”在 Trellis 中没有对应写法",
    },
    "bpmn.condition.not_simple": {
        "en": "it is not a simple comparison Trellis can read",
        "zh-CN": "这不是 Trellis 能读懂的简单比较",
    },
    "bpmn.condition.method_call": {
        "en": "method calls have no Trellis equivalent",
        "zh-CN": "方法调用在 Trellis 中没有对应写法",
    },
    # who does a task (engine/flows/bpmn/assignment.py)
    "bpmn.assignment.assignee_expression": {
        "en": "the assignee expression '{value}' has no Trellis equivalent",
        "zh-CN": "处理人表达式“{value}”在 Trellis 中没有对应写法",
    },
    "bpmn.assignment.collection": {
        "en": "the collection '{value}' has no Trellis equivalent; use a user field",
        "zh-CN": "集合“{value}”在 Trellis 中没有对应写法,请改用人员字段",
    },
    "bpmn.assignment.candidate_users_expression": {
        "en": "the candidate users expression '{value}' has no Trellis equivalent",
        "zh-CN": "候选人表达式“{value}”在 Trellis 中没有对应写法",
    },
    "bpmn.assignment.candidate_groups_expression": {
        "en": "the candidate groups expression '{value}' has no Trellis equivalent",
        "zh-CN": "候选组表达式“{value}”在 Trellis 中没有对应写法",
    },
    # notes for the person finishing the flow (ImportNote)
    "bpmn.note.no_form": {
        "en": "no form was given; the flow uses the form '{form}' - pass the form's id",
        "zh-CN": "未指定表单;流程使用表单“{form}”,请传入表单的 id",
    },
    "bpmn.note.artifact": {
        "en": "ignored (annotations and groups do not change how the flow runs)",
        "zh-CN": "已忽略(注释和分组不影响流程运行)",
    },
    "bpmn.note.no_assignee": {
        "en": "no assignee in the file; the task goes to the submitter for now - choose who does it",
        "zh-CN": "文件中没有处理人;任务暂时交给提交人,请指定由谁处理",
    },
    "bpmn.note.form_ignored": {
        "en": "{extension} ignored: the flow shows the Trellis form",
        "zh-CN": "已忽略 {extension}:流程显示 Trellis 表单",
    },
    "bpmn.note.plain_task": {
        "en": "a plain task was imported as a user task",
        "zh-CN": "普通任务已按用户任务导入",
    },
    "bpmn.note.candidates_ignored": {
        "en": "candidates '{ignored}' ignored: the assignee '{assignee}' decides",
        "zh-CN": "已忽略候选人“{ignored}”:以处理人“{assignee}”为准",
    },
    "bpmn.note.groups_as_roles": {
        "en": "candidate groups {groups} became app roles; make sure the app defines them",
        "zh-CN": "候选组 {groups} 已转为应用角色;请确认应用中定义了这些角色",
    },
    "bpmn.note.first_group_kept": {
        "en": "only the first of the candidate groups {groups} was kept; a Trellis task has one group",
        "zh-CN": "候选组 {groups} 中只保留了第一个;Trellis 任务只能有一个组",
    },
    # the command line and the API (engine/cli.py, engine/web/api_flows.py)
    "bpmn.cli.note": {"en": "note: {line}", "zh-CN": "提示:{line}"},
    "bpmn.cli.unsupported": {"en": "unsupported: {line}", "zh-CN": "未导入:{line}"},
    "bpmn.cli.not_imported_one": {
        "en": "{file}: {count} element not imported; finish the flow by hand",
        "zh-CN": "{file}:{count} 个元素未导入,请手动补全流程",
    },
    "bpmn.cli.not_imported_many": {
        "en": "{file}: {count} elements not imported; finish the flow by hand",
        "zh-CN": "{file}:{count} 个元素未导入,请手动补全流程",
    },
    "bpmn.export.no_flow": {
        "en": "app '{app}' has no flow '{flow}' (its flows: {known})",
        "zh-CN": "应用“{app}”中没有流程“{flow}”(现有流程:{known})",
    },
    "bpmn.export.no_flows": {
        "en": "app '{app}' has no flow '{flow}' (its flows: none)",
        "zh-CN": "应用“{app}”中没有流程“{flow}”(它还没有任何流程)",
    },
    "bpmn.api.no_flow": {"en": "app '{app}' has no flow '{flow}'", "zh-CN": "应用“{app}”中没有流程“{flow}”"},
}
