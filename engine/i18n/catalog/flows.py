"""The flow engine's sentences: task and instance refusals, why an instance stops, notifications, migrations."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # a task someone acts on
    "flow.task.gone": {
        "en": "this task is no longer open: the record has moved on; reload to see where it is",
        "zh-CN": "该任务已不再处理中:记录已流转到其他环节,请刷新查看当前所在环节",
    },
    "flow.task.already": {
        "en": "this task was already {status} ({by}); reload to see it",
        "zh-CN": "该任务已经{status}({by}),请刷新查看",
    },
    "flow.task.not_offered": {
        "en": "'{node}' does not offer '{action}'",
        "zh-CN": "“{node}”不提供“{action}”操作",
    },
    "flow.task.hand_back_nobody_else": {
        "en": "nobody else can take '{node}', so handing it back would only bring it back to you; "
        "transfer it to the person who should do it",
        "zh-CN": "没有其他人可以接手“{node}”,退单只会回到您这里;请把它转派给要处理的人",
    },
    "flow.task.taken": {
        "en": "someone else already took this task",
        "zh-CN": "该任务已被其他人领取",
    },
    "flow.task.not_yours": {
        "en": "this task is not yours to work on",
        "zh-CN": "该任务不归您处理",
    },
    "flow.task.choose_outcome": {
        "en": "choose one of: {choices}",
        "zh-CN": "请从以下选项中选择:{choices}",
    },
    "flow.task.no_outcomes": {
        "en": "this step has no outcomes to choose",
        "zh-CN": "该环节没有可选择的处理结果",
    },
    "flow.task.no_outcomes_here": {
        "en": "this step has no outcomes",
        "zh-CN": "该环节没有处理结果",
    },
    "flow.task.return_earlier": {
        "en": "return only to an earlier step this record has been through",
        "zh-CN": "只能退回到该记录经过的之前环节",
    },
    "flow.task.already_theirs": {
        "en": "the task is already theirs",
        "zh-CN": "该任务已经是对方的了",
    },
    "flow.approval.not_completed": {
        "en": "an approval is decided with approve or reject, not complete",
        "zh-CN": "审批环节请选择同意或驳回,而不是完成",
    },
    "flow.approval.only_decided": {
        "en": "only an approval step can be approved or rejected",
        "zh-CN": "只有审批环节可以同意或驳回",
    },
    "flow.approval.only_signers": {
        "en": "signers can only be added to an approval step",
        "zh-CN": "只能在审批环节加签",
    },
    # the instance as a whole
    "flow.instance.not_running": {
        "en": "this record is no longer running",
        "zh-CN": "该记录已不在流转中",
    },
    "flow.instance.withdraw_not_submitter": {
        "en": "only the person who submitted it may withdraw it",
        "zh-CN": "只有提交人可以撤回",
    },
    "flow.instance.withdraw_in_progress": {
        "en": "someone is already working on it, so it can no longer be withdrawn; ask them instead",
        "zh-CN": "已有人在处理,无法撤回;请直接联系处理人",
    },
    "flow.instance.cancel_admin_only": {
        "en": "only an administrator may cancel a running flow",
        "zh-CN": "只有管理员可以取消流转中的流程",
    },
    "flow.instance.not_failed": {
        "en": "only a failed flow can be retried; this one is {status}",
        "zh-CN": "只有失败的流程可以重试，该流程是{status}状态",
    },
    "flow.instance.already": {
        "en": "this flow is already {status}",
        "zh-CN": "该流程已经是{status}状态",
    },
    "flow.status.instance_move": {
        "en": "a flow instance cannot move from '{current}' to '{target}'",
        "zh-CN": "流程实例不能从“{current}”变为“{target}”",
    },
    "flow.status.task_move": {
        "en": "a task cannot move from '{current}' to '{target}'",
        "zh-CN": "任务不能从“{current}”变为“{target}”",
    },
    "flow.status.timer_move": {
        "en": "a timer cannot move from '{current}' to '{target}'",
        "zh-CN": "定时器不能从“{current}”变为“{target}”",
    },
    "flow.status.token_move": {
        "en": "a token cannot move from '{current}' to '{target}'",
        "zh-CN": "令牌不能从“{current}”变为“{target}”",
    },
    "flow.state.format_newer": {
        "en": "this instance was saved in state format {found}, newer than this server reads ({known}); "
        "upgrade Trellis",
        "zh-CN": "该流程实例的状态格式为 {found},比本服务器能读取的格式({known})更新;请升级 Trellis",
    },
    # why an instance stops at a node
    "flow.stuck.no_way_out": {
        "en": "node '{node}' has no way out",
        "zh-CN": "节点“{node}”没有出口",
    },
    "flow.stuck.no_branch": {
        "en": "at '{node}' no condition is true and there is no default branch; "
        "add a default branch to the gateway or correct the record",
        "zh-CN": "在“{node}”处没有成立的条件,也没有默认分支;请为网关添加默认分支或修正记录",
    },
    "flow.stuck.looped": {
        "en": "the flow looped {limit} times without waiting for anyone; check its loops",
        "zh-CN": "流程自动循环了 {limit} 次而未等待任何人处理;请检查流程中的循环",
    },
    "flow.timer.no_edge": {
        "en": "timer '{timer}' routes along edge '{edge}', which does not exist",
        "zh-CN": "定时器“{timer}”要走的连线“{edge}”不存在",
    },
    # who gets a task
    "flow.assign.no_manager": {
        "en": "the submitter belongs to no group with a leader, so there is no manager to ask",
        "zh-CN": "提交人不属于任何有负责人的用户组,因此找不到上级",
    },
    "flow.assign.unknown_type": {
        "en": "unknown assignment type '{kind}'",
        "zh-CN": "未知的分配方式“{kind}”",
    },
    "flow.assign.nobody_in_role": {
        "en": "nobody holds the role '{role}', so nobody can sign",
        "zh-CN": "没有人拥有角色“{role}”,因此无人可以审批",
    },
    "flow.assign.nobody_covering": {
        "en": (
            "nobody holding the role '{role}' covers the community in the field '{field}', "
            "so the task has nobody to go to"
        ),
        "zh-CN": "没有拥有角色“{role}”的人负责字段“{field}”中的小区,因此任务无人可派",
    },
    "flow.assign.empty_group": {
        "en": "the group '{group}' has no members, so nobody can sign",
        "zh-CN": "用户组“{group}”没有成员,因此无人可以审批",
    },
    "flow.assign.no_group": {
        "en": "there is no group '{group}'; create it under Admin → Groups or fix the flow",
        "zh-CN": "不存在用户组“{group}”;请在 管理 → 用户组 中创建,或修改流程",
    },
    "flow.assign.no_leader": {
        "en": "the group '{group}' has no leader",
        "zh-CN": "用户组“{group}”没有负责人",
    },
    "flow.assign.no_user": {
        "en": "there is no user '{user}'",
        "zh-CN": "不存在用户“{user}”",
    },
    "flow.assign.write_refused": {
        "en": "the step '{node}' chose someone the record's field refuses ({reason}), so the task has nobody to go to",
        "zh-CN": "步骤“{node}”选出的人员不被记录的字段接受({reason}),任务无人可派",
    },
    "flow.assign.inactive_user": {
        "en": "the field '{field}' names '{user}', who is not an active user, so the task has nobody to go to",
        "zh-CN": "字段“{field}”中的“{user}”不是启用的用户,任务无人可派",
    },
    "flow.assign.inactive_leader": {
        "en": "the leader '{user}' of the group '{group}' is not an active user; set a new leader under Admin → Groups",
        "zh-CN": "用户组“{group}”的负责人“{user}”不是启用的用户;请在 管理 → 用户组 中更换负责人",
    },
    "flow.assign.empty_field": {
        "en": "the field '{field}' is empty, so the task has nobody to go to",
        "zh-CN": "字段“{field}”为空,任务无人可派",
    },
    "flow.assign.no_tracking": {
        "en": "the record was submitted without an account and has no tracking link",
        "zh-CN": "该记录是匿名提交的,且没有跟踪链接",
    },
    "flow.assign.no_dispatch_row": {
        "en": "no row of the dispatch table matches this record, and the table has no catch-all row",
        "zh-CN": "派单表中没有与该记录匹配的行,且没有兜底行",
    },
    # notifications stored in both languages
    "flow.notify.task_passed": {"en": "A task was passed to you", "zh-CN": "您有一个新任务"},
    "flow.notify.task_due": {"en": "A task is due", "zh-CN": "任务即将超时"},
    "flow.notify.task_escalated": {"en": "A task was escalated to you", "zh-CN": "任务已升级给您"},
    "flow.notify.task_back": {"en": "A task is back for you to work on again", "zh-CN": "有任务退回给您重新处理"},
    # a compiled definition
    "flow.spec.no_node": {
        "en": "flow '{flow}' has no node '{node}'",
        "zh-CN": "流程“{flow}”中没有节点“{node}”",
    },
    "flow.spec.cannot_run": {
        "en": "flow '{flow}' cannot run: {problem}",
        "zh-CN": "流程“{flow}”无法运行:{problem}",
    },
    "flow.spec.unknown_node": {
        "en": "there is no node '{node}'",
        "zh-CN": "不存在节点“{node}”",
    },
    "flow.spec.start_count": {
        "en": "a flow needs exactly one start node",
        "zh-CN": "流程必须有且只有一个开始节点",
    },
    # moving running instances to another version
    "flow.migrate.old_no_node": {
        "en": "the old version has no node '{node}'",
        "zh-CN": "旧版本中没有节点“{node}”",
    },
    "flow.migrate.new_no_node": {
        "en": "the new version has no node '{node}'",
        "zh-CN": "新版本中没有节点“{node}”",
    },
    "flow.migrate.stranded": {
        "en": "a token at '{node}' would be stranded: the new version has no node '{target}'; "
        "map it, e.g. {node}=<new node>",
        "zh-CN": "位于“{node}”的令牌将无处可去:新版本中没有节点“{target}”;请为它指定映射,例如 {node}=<新节点>",
    },
    "flow.migrate.kind_changed": {
        "en": "'{node}' is a {kind} and '{target}' a {target_kind}: the work waiting there would be lost",
        "zh-CN": "“{node}”是 {kind},而“{target}”是 {target_kind}:在那里等待的工作将会丢失",
    },
    "flow.migrate.votes_lost": {
        "en": "'{node}' collects {mode} votes and '{target}' {target_mode} ones: the votes cast so far would be lost",
        "zh-CN": "“{node}”按 {mode} 方式计票,而“{target}”按 {target_mode} 方式:已投的票将会丢失",
    },
    "flow.migrate.join_edge": {
        "en": "a token waiting at the join '{target}' arrived by edge '{edge}', which the new version "
        "does not have: the join could never fire",
        "zh-CN": "在汇聚节点“{target}”等待的令牌经由连线“{edge}”到达,而新版本没有该连线:汇聚将永远无法触发",
    },
}
