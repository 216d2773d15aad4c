"""Reports and dashboards: what a definition, a viewer's filter or a report request can be refused for."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "report.unknown_path": {
        "en": "'{path}' is not a column of form '{form}': {why}",
        "zh-CN": "“{path}”不是表单“{form}”的列:{why}",
    },
    "report.unknown_flow": {
        "en": "there is no flow '{flow}' in this app",
        "zh-CN": "此应用中没有流程“{flow}”",
    },
    "report.unknown_facts": {
        "en": "'{facts}' is not a kind of process facts; use one of: {known}",
        "zh-CN": "“{facts}”不是流程事实的种类;可用:{known}",
    },
    "report.unknown_fact": {
        "en": "'{path}' is not a fact column of flow '{flow}' ({known}); a record field is written 'record.<field>'",
        "zh-CN": "“{path}”不是流程“{flow}”的事实列({known});记录字段写作“record.<字段>”",
    },
    "report.not_groupable": {
        "en": "'{path}' holds several values or none of its own; a report can only read fields with one value",
        "zh-CN": "“{path}”保存多个值或不单独保存值;报表只能读取单值字段",
    },
    "report.not_temporal": {
        "en": "a '{bucket}' bucket needs a date or date-time field; '{path}' is neither",
        "zh-CN": "“{bucket}”时间分段需要日期或日期时间字段;“{path}”两者都不是",
    },
    "report.measure_kind": {
        "en": "a '{kind}' measure cannot read '{path}': it needs a number field (min and max also take dates)",
        "zh-CN": "“{kind}”度量不能读取“{path}”:它需要数字字段(最小值、最大值也可用日期)",
    },
    "report.measure_needs": {
        "en": "a '{kind}' measure needs '{key}'",
        "zh-CN": "“{kind}”度量需要“{key}”",
    },
    "report.measure_reads_no_field": {
        "en": "a '{kind}' measure is computed from other measures and reads no field; remove 'field'",
        "zh-CN": "“{kind}”度量由其他度量算出,不读取字段;请删除“field”",
    },
    "report.measure_reads_no_key": {
        "en": "a '{kind}' measure takes no '{key}'",
        "zh-CN": "“{kind}”度量不接受“{key}”",
    },
    "report.unknown_measure": {
        "en": "'{name}' is not a measure defined before this one; the measures before it are: {known}",
        "zh-CN": "“{name}”不是在此之前定义的度量;在此之前的度量有:{known}",
    },
    "report.same_dimension_twice": {
        "en": "two dimensions have the same key; give one of them an 'id'",
        "zh-CN": "两个维度的键相同;请给其中一个设置“id”",
    },
    "report.top_bucket": {
        "en": "a time bucket keeps every period; 'top' applies to other dimensions only",
        "zh-CN": "时间分段保留每个时段;“top”只适用于其他维度",
    },
    "report.board_filter": {
        "en": "'{path}' is a column of none of the forms its widgets read ({forms})",
        "zh-CN": "“{path}”不是其组件所读表单({forms})中任何一个的列",
    },
    "report.filter_value": {
        "en": "the value does not fit the operator '{op}' on '{path}'",
        "zh-CN": "该值不适用于“{path}”上的运算符“{op}”",
    },
    "report.not_found": {
        "en": "app '{app}' has no report '{report}'",
        "zh-CN": "应用“{app}”没有报表“{report}”",
    },
    "report.no_dashboard": {
        "en": "app '{app}' has no dashboard '{dashboard}'",
        "zh-CN": "应用“{app}”没有看板“{dashboard}”",
    },
    "report.source_unavailable": {
        "en": "reports over a source of kind '{kind}' are not available yet",
        "zh-CN": "暂不支持基于“{kind}”类数据源的报表",
    },
    "report.hidden": {
        "en": "this report groups, filters or measures by '{name}', which is hidden from you",
        "zh-CN": "此报表按“{name}”分组、筛选或计算,而该字段对您不可见",
    },
    "report.invalid": {
        "en": "the report definition has {count} problem(s)",
        "zh-CN": "报表定义有 {count} 处问题",
    },
    "report.not_object": {
        "en": "send the report definition as a JSON object",
        "zh-CN": "请以 JSON 对象发送报表定义",
    },
    "report.other": {
        "en": "Other",
        "zh-CN": "其他",
    },
    "report.total": {
        "en": "Total",
        "zh-CN": "合计",
    },
}
