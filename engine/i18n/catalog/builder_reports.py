"""The report and dashboard designers (``builder.designers.report.*``, ``builder.designers.dash.*``)
and the names of the report kinds the designer offers (``builder.report_kind.*``, named by
``engine.services.builder_reports``)."""

from __future__ import annotations

_CHARTS = {
    "table": ("表格", "Table"),
    "pivot": ("透视表", "Pivot table"),
    "bar": ("柱状图", "Bar chart"),
    "line": ("折线图", "Line chart"),
    "area": ("面积图", "Area chart"),
    "pie": ("饼图", "Pie chart"),
    "kpi": ("指标卡", "KPI card"),
    "scatter": ("散点图", "Scatter plot"),
}
_MEASURES = {
    "count": ("计数", "Count"),
    "count_distinct": ("去重计数", "Distinct count"),
    "sum": ("求和", "Sum"),
    "avg": ("平均值", "Average"),
    "min": ("最小值", "Minimum"),
    "max": ("最大值", "Maximum"),
    "median": ("中位数", "Median"),
    "percentile": ("百分位数", "Percentile"),
    "share": ("占比", "Share"),
    "ratio": ("比率", "Ratio"),
    "calc": ("计算", "Calculation"),
}
_BUCKETS = {
    "hour": ("按小时", "By hour"),
    "day": ("按天", "By day"),
    "week": ("按周", "By week"),
    "month": ("按月", "By month"),
    "quarter": ("按季度", "By quarter"),
    "year": ("按年", "By year"),
    "hour_of_day": ("一天中的小时", "Hour of day"),
    "weekday": ("星期几", "Weekday"),
}
_OPS = {
    "eq": ("等于", "equals"),
    "ne": ("不等于", "is not"),
    "lt": ("小于", "less than"),
    "le": ("不大于", "at most"),
    "gt": ("大于", "greater than"),
    "ge": ("不小于", "at least"),
    "in": ("属于（逗号分隔）", "one of (comma separated)"),
    "not_in": ("不属于（逗号分隔）", "none of (comma separated)"),
    "between": ("介于（两个值，逗号分隔）", "between (two values, comma separated)"),
    "is_null": ("为空", "is empty"),
    "not_null": ("不为空", "is not empty"),
    "contains": ("包含", "contains"),
    "within_last": ("最近（如 P7D）", "within the last (e.g. P7D)"),
    "current": ("本期（day/week/month/quarter/year）", "current (day/week/month/quarter/year)"),
}


def _kinds(group: str, names: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"builder.report_kind.{group}.{key}": {"zh-CN": zh, "en": en} for key, (zh, en) in names.items()}


MESSAGES: dict[str, dict[str, str]] = {
    **_kinds("chart", _CHARTS),
    **_kinds("measure", _MEASURES),
    **_kinds("bucket", _BUCKETS),
    **_kinds("op", _OPS),
    "builder.designers.tab.reports": {"zh-CN": "报表", "en": "Reports"},
    "builder.designers.tab.dashboards": {"zh-CN": "仪表盘", "en": "Dashboards"},
    # the report designer
    "builder.designers.report.list": {"zh-CN": "报表", "en": "Reports"},
    "builder.designers.report.none": {"zh-CN": "这个应用还没有报表。", "en": "This app has no report yet."},
    "builder.designers.report.new_id": {"zh-CN": "新报表标识", "en": "New report id"},
    "builder.designers.report.default_name": {"zh-CN": "报表 {n}", "en": "Report {n}"},
    "builder.designers.dash.default_name": {"zh-CN": "仪表盘 {n}", "en": "Dashboard {n}"},
    "builder.designers.report.add": {"zh-CN": "新建报表", "en": "New report"},
    "builder.designers.report.select": {"zh-CN": "选择或新建一个报表。", "en": "Pick or create a report."},
    "builder.designers.report.source": {"zh-CN": "数据来源", "en": "Source"},
    "builder.designers.report.fields": {
        "zh-CN": "字段（拖到行、列或数值）",
        "en": "Fields (drag onto rows, columns or values)",
    },
    "builder.designers.report.rows": {"zh-CN": "行", "en": "Rows"},
    "builder.designers.report.columns": {"zh-CN": "列", "en": "Columns"},
    "builder.designers.report.values": {"zh-CN": "数值", "en": "Values"},
    "builder.designers.report.to_rows": {"zh-CN": "加到行", "en": "Add to rows"},
    "builder.designers.report.to_columns": {"zh-CN": "加到列", "en": "Add to columns"},
    "builder.designers.report.to_values": {"zh-CN": "加到数值", "en": "Add to values"},
    "builder.designers.report.drop_here": {"zh-CN": "把字段拖到这里", "en": "Drop a field here"},
    "builder.designers.report.records": {"zh-CN": "记录数", "en": "Records"},
    "builder.designers.report.count_records": {"zh-CN": "记录计数", "en": "Count of records"},
    "builder.designers.report.bucket": {"zh-CN": "时间分段", "en": "Time bucket"},
    "builder.designers.report.no_bucket": {"zh-CN": "不分段", "en": "No bucket"},
    "builder.designers.report.top": {"zh-CN": "只看前几项", "en": "Top N"},
    "builder.designers.report.agg": {"zh-CN": "汇总方式", "en": "Aggregation"},
    "builder.designers.report.chart": {"zh-CN": "图表类型", "en": "Chart type"},
    "builder.designers.report.donut": {"zh-CN": "环形", "en": "Ring (donut)"},
    "builder.designers.report.stacked": {"zh-CN": "堆叠", "en": "Stacked"},
    "builder.designers.report.horizontal": {"zh-CN": "横向", "en": "Horizontal"},
    "builder.designers.report.filters": {"zh-CN": "筛选条件", "en": "Filters"},
    "builder.designers.report.add_filter": {"zh-CN": "添加筛选", "en": "Add a filter"},
    "builder.designers.report.value": {"zh-CN": "值", "en": "Value"},
    "builder.designers.report.sort": {"zh-CN": "排序", "en": "Sort by"},
    "builder.designers.report.no_sort": {"zh-CN": "默认顺序", "en": "Default order"},
    "builder.designers.report.descending": {"zh-CN": "倒序", "en": "Descending"},
    "builder.designers.report.limit": {"zh-CN": "最多行数", "en": "Row limit"},
    "builder.designers.report.result": {"zh-CN": "实时结果", "en": "Live result"},
    "builder.designers.report.result_hint": {
        "zh-CN": "已发布版本的真实数据，按你自己的查看权限计算。",
        "en": "Real records of the published version, counted with your own read permissions.",
    },
    "builder.designers.report.total": {"zh-CN": "合计", "en": "Total"},
    "builder.designers.report.empty_value": {"zh-CN": "（空）", "en": "(empty)"},
    "builder.designers.report.needs_measure": {
        "zh-CN": "至少放一个数值（如记录计数）才能看到结果。",
        "en": "Put at least one value (such as the count of records) to see a result.",
    },
    "builder.designers.report.remove": {"zh-CN": "删除报表", "en": "Delete report"},
    # the dashboard designer
    "builder.designers.dash.list": {"zh-CN": "仪表盘", "en": "Dashboards"},
    "builder.designers.dash.none": {"zh-CN": "这个应用还没有仪表盘。", "en": "This app has no dashboard yet."},
    "builder.designers.dash.new_id": {"zh-CN": "新仪表盘标识", "en": "New dashboard id"},
    "builder.designers.dash.add": {"zh-CN": "新建仪表盘", "en": "New dashboard"},
    "builder.designers.dash.select": {"zh-CN": "选择或新建一个仪表盘。", "en": "Pick or create a dashboard."},
    "builder.designers.dash.reports": {
        "zh-CN": "报表（点“放到仪表盘”）",
        "en": "Reports (press “Place on the dashboard”)",
    },
    "builder.designers.dash.place": {"zh-CN": "放到仪表盘", "en": "Place on the dashboard"},
    "builder.designers.dash.no_reports": {
        "zh-CN": "先在“报表”里建一个报表。",
        "en": "Build a report under “Reports” first.",
    },
    "builder.designers.dash.grid": {
        "zh-CN": "拖动标题移动，拖动右下角调整大小；也可用方向按钮。",
        "en": "Drag a title to move, the bottom-right corner to resize; or use the arrow buttons.",
    },
    "builder.designers.dash.empty": {
        "zh-CN": "仪表盘至少要有一个图表。",
        "en": "A dashboard needs at least one chart.",
    },
    "builder.designers.dash.filters": {"zh-CN": "全局筛选", "en": "Global filters"},
    "builder.designers.dash.add_filter": {"zh-CN": "添加筛选", "en": "Add a filter"},
    "builder.designers.dash.kind.select": {"zh-CN": "选项", "en": "Choice"},
    "builder.designers.dash.kind.date_range": {"zh-CN": "日期范围", "en": "Date range"},
    "builder.designers.dash.refresh": {"zh-CN": "刷新间隔（秒）", "en": "Refresh every (seconds)"},
    "builder.designers.dash.open": {"zh-CN": "打开已发布的仪表盘", "en": "Open the published dashboard"},
    "builder.designers.dash.left": {"zh-CN": "左移", "en": "Move left"},
    "builder.designers.dash.right": {"zh-CN": "右移", "en": "Move right"},
    "builder.designers.dash.up": {"zh-CN": "上移", "en": "Move up"},
    "builder.designers.dash.down": {"zh-CN": "下移", "en": "Move down"},
    "builder.designers.dash.wider": {"zh-CN": "加宽", "en": "Wider"},
    "builder.designers.dash.narrower": {"zh-CN": "变窄", "en": "Narrower"},
    "builder.designers.dash.taller": {"zh-CN": "加高", "en": "Taller"},
    "builder.designers.dash.shorter": {"zh-CN": "变矮", "en": "Shorter"},
    "builder.designers.dash.remove": {"zh-CN": "删除仪表盘", "en": "Delete dashboard"},
}
