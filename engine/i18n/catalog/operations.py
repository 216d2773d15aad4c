"""Operations for administrators: failed flow instances and failed deliveries, on the page and the command line."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "operations.admin_only": {
        "en": "only an administrator may see and act on failed flows and deliveries",
        "zh-CN": "只有管理员可以查看和处理失败的流程与投递",
    },
    "operations.no_delivery": {
        "en": "there is no failed delivery {id} (it may have been retried or cancelled already)",
        "zh-CN": "没有编号为 {id} 的失败投递（可能已被重试或取消）",
    },
    "page.admin.nav_operations": {"zh-CN": "运维", "en": "Operations"},
    "page.admin.ops_instances": {"zh-CN": "失败的流程", "en": "Failed flows"},
    "page.admin.ops_deliveries": {"zh-CN": "失败的投递", "en": "Failed deliveries"},
    "page.admin.ops_no_instances": {"zh-CN": "没有失败的流程。", "en": "No flow has failed."},
    "page.admin.ops_no_deliveries": {"zh-CN": "没有失败的投递。", "en": "No delivery has failed."},
    "page.admin.ops_flow": {"zh-CN": "流程", "en": "Flow"},
    "page.admin.ops_record": {"zh-CN": "记录", "en": "Record"},
    "page.admin.ops_started_by": {"zh-CN": "发起人", "en": "Started by"},
    "page.admin.ops_error": {"zh-CN": "原因", "en": "Reason"},
    "page.admin.ops_when": {"zh-CN": "时间", "en": "When"},
    "page.admin.ops_connector": {"zh-CN": "连接器", "en": "Connector"},
    "page.admin.ops_operation": {"zh-CN": "操作", "en": "Operation"},
    "page.admin.ops_attempts": {"zh-CN": "尝试次数", "en": "Attempts"},
    "page.admin.ops_actions": {"zh-CN": "处理", "en": "Actions"},
    "page.admin.ops_retry": {"zh-CN": "重试", "en": "Retry"},
    "page.admin.ops_cancel": {"zh-CN": "取消", "en": "Cancel"},
    "page.admin.ops_instance_retried": {
        "zh-CN": "流程 {id} 已重新运行停住的步骤。",
        "en": "Flow {id} ran its stopped step again.",
    },
    "page.admin.ops_instance_cancelled": {"zh-CN": "流程 {id} 已取消。", "en": "Flow {id} was cancelled."},
    "page.admin.ops_delivery_retried": {
        "zh-CN": "投递 {id} 已放回发件箱，将重新尝试。",
        "en": "Delivery {id} is back in the outbox and will be tried again.",
    },
    "page.admin.ops_delivery_cancelled": {
        "zh-CN": "投递 {id} 已取消，审计日志中保留了记录。",
        "en": "Delivery {id} was cancelled; the audit log keeps a record of it.",
    },
    "cli.ops.instance": {
        "en": "flow {id}  {app}/{flow}  record {record}  started by {who}  failed at {when}: {error}",
        "zh-CN": "流程 {id}  {app}/{flow}  记录 {record}  发起人 {who}  失败于 {when}：{error}",
    },
    "cli.ops.delivery": {
        "en": "delivery {id}  {app} connector {connector} {operation}  {attempts} attempts  failed at {when}: {error}",
        "zh-CN": "投递 {id}  {app} 连接器 {connector} {operation}  已尝试 {attempts} 次  失败于 {when}：{error}",
    },
    "cli.ops.none": {"en": "nothing has failed", "zh-CN": "没有失败的流程或投递"},
    "cli.ops.done": {"en": "done: {what} {id}", "zh-CN": "已完成：{what} {id}"},
}
