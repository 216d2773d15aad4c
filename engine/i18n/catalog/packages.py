"""Problems in app packages and definitions: reading the file, structure, meaning, expressions."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # reading the file
    "package.env_not_allowed": {
        "en": "reads the environment variable {name}, which this server does not let app packages read "
        "(allowed: {allowed}; an administrator can add it to TRELLIS_PACKAGE_ENV)",
        "zh-CN": "读取了环境变量 {name},但本服务器不允许应用包读取它(允许的:{allowed};"
        "管理员可把它加入 `TRELLIS_PACKAGE_ENV`)",
    },
    "package.env_own_setting": {
        "en": "reads {name}, one of Trellis's own settings: app packages can never read those "
        "(name the variable TRELLIS_APP_… instead)",
        "zh-CN": "读取了 {name},这是 Trellis 自身的设置,应用包永远不能读取(请改用 TRELLIS_APP_… 开头的变量)",
    },
    "package.too_large": {
        "en": "the document is {size_mb} MB; the limit is {limit_mb} MB",
        "zh-CN": "文件大小为 {size_mb} MB,超过上限 {limit_mb} MB",
    },
    "package.not_utf8": {
        "en": "the document is not UTF-8 text (byte {position}); save it as UTF-8 JSON",
        "zh-CN": "内容不是 UTF-8 文本(第 {position} 字节);请另存为 UTF-8 编码的 JSON",
    },
    "package.not_json": {
        "en": "not valid JSON at line {line}, column {column}: {reason}",
        "zh-CN": "第 {line} 行第 {column} 列不是合法的 JSON:{reason}",
    },
    "package.too_deep": {
        "en": "the JSON is nested more than {limit} levels deep; Trellis documents never need that",
        "zh-CN": "JSON 嵌套超过 {limit} 层,Trellis 文档不需要这么深的结构",
    },
    "package.number_too_long": {
        "en": "the number '{token}' is too long: at most {most} digits",
        "zh-CN": "数字“{token}”太长:最多 {most} 位",
    },
    "package.bad_number": {
        "en": "'{token}' is not a number JSON allows; write a plain number",
        "zh-CN": "“{token}”不是 JSON 允许的数字,请写普通数字",
    },
    "package.duplicate_key": {
        "en": "the key '{key}' appears twice in the same object; keep one",
        "zh-CN": "同一对象中键“{key}”出现了两次,请只保留一个",
    },
    "package.bad_character": {
        "en": "the document contains the invalid character {character}; remove it",
        "zh-CN": "内容包含非法字符 {character},请删除",
    },
    "package.not_object": {
        "en": "an app package is a JSON object, not {kind}",
        "zh-CN": "应用包必须是 JSON 对象,而不是{kind}",
    },
    "package.unreadable": {
        "en": "cannot read {path}: {reason}",
        "zh-CN": "无法读取 {path}:{reason}",
    },
    "package.missing_file": {
        "en": "no file named '{field}' in the upload; attach the package JSON as the field '{field}'",
        "zh-CN": "上传内容中没有名为“{field}”的文件;请以“{field}”字段附上应用包 JSON",
    },
    "package.too_many_problems": {
        "en": "{count} more problems not shown; fix the ones above first",
        "zh-CN": "还有 {count} 个问题未显示,请先修正以上问题",
    },
    "package.invalid_one": {"en": "the app package has 1 problem", "zh-CN": "应用包有 1 个问题"},
    "package.invalid_many": {"en": "the app package has {count} problems", "zh-CN": "应用包有 {count} 个问题"},
    # publishing the forms' tables
    "form.publish_refused": {
        "en": "the new version cannot be published: {first}",
        "zh-CN": "新版本无法发布:{first}",
    },
    "form.unsafe_change": {
        "en": "field '{field}' of form '{form}' would change from {before} to {after}; "
        "existing records cannot be converted safely — add a new field instead and keep the old one",
        "zh-CN": "表单“{form}”的字段“{field}”将从{before}改为{after};"
        "已有记录无法安全转换——请改为新增一个字段并保留旧字段",
    },
    "form.returning_field_retyped": {
        "en": "field '{field}' of form '{form}' was removed after version {version}, where it held {before}; "
        "its column still keeps those records' values, so it cannot come back as {after} — "
        "give the field a new id (it gets a column of its own)",
        "zh-CN": "表单“{form}”的字段“{field}”在第 {version} 版之后被删除，当时存放的是{before}；"
        "该列仍保留着已有记录的值，不能再改作{after}——请给该字段换一个新标识（会得到自己的新列）",
    },
    # the kinds of column a field is stored in (form.unsafe_change's before and after)
    "form.column.string": {"en": "text of up to {length} characters", "zh-CN": "最多 {length} 个字符的文本"},
    "form.column.text": {"en": "long text", "zh-CN": "长文本"},
    "form.column.decimal": {"en": "a number with {scale} decimal places", "zh-CN": "保留 {scale} 位小数的数字"},
    "form.column.integer": {"en": "a whole number", "zh-CN": "整数"},
    "form.column.reference": {"en": "a link to '{target}'", "zh-CN": "指向“{target}”的关联"},
    "form.column.json": {"en": "a list or object", "zh-CN": "列表或对象"},
    "form.column.boolean": {"en": "boolean", "zh-CN": "是/否"},
    "form.column.date": {"en": "date", "zh-CN": "日期"},
    "form.column.datetime": {"en": "datetime", "zh-CN": "日期时间"},
    "form.column.time": {"en": "time", "zh-CN": "时间"},
    "form.unique_conflict": {
        "en": "a new unique rule cannot be applied because existing records already share values "
        "({reason}); remove the duplicates first or drop the unique rule",
        "zh-CN": "无法启用新的唯一性规则:已有记录的值重复({reason});请先删除重复记录或取消该唯一性规则",
    },
    "form.unique_together_too_few": {
        "en": "a uniqueness rule needs at least two fields (here: {fields}); "
        'for one field, mark that field "unique" instead',
        "zh-CN": "组合唯一规则至少需要两个字段(此处:{fields});单个字段请改为在该字段上设置“unique”",
    },
    "form.unique_together_repeated": {
        "en": "field '{field}' is listed twice in this uniqueness rule; list each field once",
        "zh-CN": "字段“{field}”在此组合唯一规则中出现了两次;每个字段只需列出一次",
    },
    "form.unique_together_no_column": {
        "en": "field '{field}' ({type}) keeps no single value in the form's table, so it cannot be part of "
        "a uniqueness rule; use fields that hold one value each",
        "zh-CN": "字段“{field}”({type})在表单的表中没有单一取值,不能用于组合唯一规则;请改用各自只存一个值的字段",
    },
    "form.unique_together_duplicate": {
        "en": "the same uniqueness rule is already given at {first}; remove one of them",
        "zh-CN": "相同的组合唯一规则已在 {first} 给出;请删除其中一条",
    },
    # structure (JSON Schema)
    "schema.required": {"en": "'{name}' is required here", "zh-CN": "此处缺少必填项“{name}”"},
    "schema.unknown_property": {
        "en": "'{name}' is not allowed here{hint}",
        "zh-CN": "此处不允许出现“{name}”{hint}",
    },
    "schema.type": {"en": "must be {expected}, not {actual}", "zh-CN": "应为{expected},实际是{actual}"},
    "schema.enum": {
        "en": "'{value}' is not one of: {allowed}{hint}",
        "zh-CN": "“{value}”不是可选值之一:{allowed}{hint}",
    },
    "schema.const": {"en": "must be '{expected}'", "zh-CN": "必须是“{expected}”"},
    "schema.pattern": {"en": "{value} {pattern_help}", "zh-CN": "{value} {pattern_help}"},
    "schema.too_short": {"en": "needs at least {limit} {unit}", "zh-CN": "至少需要 {limit} 个{unit}"},
    "schema.too_long": {"en": "allows at most {limit} {unit}", "zh-CN": "最多允许 {limit} 个{unit}"},
    "schema.range": {"en": "{value} is out of range ({rule})", "zh-CN": "{value} 超出范围({rule})"},
    "schema.not_unique": {"en": "has repeated items", "zh-CN": "包含重复项"},
    "schema.text": {
        "en": "must be a text, or an object with 'zh-CN' and/or 'en' texts",
        "zh-CN": "应为文本,或包含“zh-CN”/“en”文本的对象",
    },
    "schema.one_of": {"en": "{message}", "zh-CN": "{message}"},
    "schema.invalid": {"en": "{message}", "zh-CN": "{message}"},
    # expressions: the sandbox's own message (it is written for business users)
    "expression": {"en": "{message}", "zh-CN": "{message}"},
    # meaning
    "ref.duplicate_id": {
        "en": "duplicate {kind} id '{id}' (first used at {first})",
        "zh-CN": "{kind} 标识“{id}”重复(首次出现在 {first})",
    },
    "ref.unknown": {"en": "unknown {kind} '{id}'{hint}", "zh-CN": "未知的{kind}“{id}”{hint}"},
    "role.reserved_id": {
        "en": "the role id '{id}' is reserved for the app's builders; choose another id",
        "zh-CN": "角色标识“{id}”为搭建者保留,请换一个标识",
    },
    "flow.no_start": {"en": "the flow has no start node; add one", "zh-CN": "流程没有开始节点,请添加一个"},
    "flow.many_starts": {
        "en": "the flow has {count} start nodes; keep exactly one",
        "zh-CN": "流程有 {count} 个开始节点,只能保留一个",
    },
    "flow.no_end": {"en": "the flow has no end node; add one", "zh-CN": "流程没有结束节点,请添加一个"},
    "flow.end_unreachable": {
        "en": "no end node can be reached from the start; the flow could never finish",
        "zh-CN": "从开始节点无法到达任何结束节点,流程永远无法结束",
    },
    "flow.unreachable": {
        "en": "node '{id}' cannot be reached from the start; connect it or remove it",
        "zh-CN": "节点“{id}”从开始节点无法到达,请连接或删除它",
    },
    "flow.dead_end": {
        "en": "node '{id}' has no outgoing edge; every node but an end needs one",
        "zh-CN": "节点“{id}”没有出口连线,除结束节点外每个节点都需要",
    },
    "flow.start_incoming": {"en": "the start node cannot have incoming edges", "zh-CN": "开始节点不能有进入的连线"},
    "flow.end_outgoing": {"en": "an end node cannot have outgoing edges", "zh-CN": "结束节点不能有出去的连线"},
    "flow.split_without_join": {
        "en": "{kind} split '{id}' has no matching join: its branches never meet at a {kind} gateway",
        "zh-CN": "{kind} 分支“{id}”没有对应的汇聚:各分支从未在同类网关汇合",
    },
    "flow.many_defaults": {
        "en": "node '{id}' has {count} default edges; keep at most one",
        "zh-CN": "节点“{id}”有 {count} 条默认连线,最多保留一条",
    },
    "flow.facts.built_in": {
        "en": "milestone '{id}' is built in (when the instance started or ended); give yours another name",
        "zh-CN": "里程碑“{id}”是内置的(实例开始或结束的时刻),请给您的里程碑另起一个名字",
    },
    "flow.facts.unknown_node": {
        "en": "the flow has no node '{id}'{hint}",
        "zh-CN": "流程中没有节点“{id}”{hint}",
    },
    "flow.facts.impossible_event": {
        "en": "node '{node}' ({type}) never has '{event}': only a node that gives out tasks is claimed or "
        "completed, and only one offering 'check_in' is checked in; use 'entered' or another node",
        "zh-CN": "节点“{node}”({type})不会发生“{event}”:只有派发任务的节点才会被领取或完成,"
        "只有提供“check_in”操作的节点才会签到;请改用“entered”或其他节点",
    },
    "flow.facts.unknown_milestone": {
        "en": "there is no milestone '{id}'{hint}; name a milestone of 'facts.milestones', 'started' or 'ended'",
        "zh-CN": "没有里程碑“{id}”{hint};请填写“facts.milestones”中的里程碑,或“started”“ended”",
    },
    "flow.facts.empty_span": {
        "en": "duration '{id}' starts and ends at the same milestone, so it is always zero; pick two milestones",
        "zh-CN": "时长“{id}”的起止是同一个里程碑,永远为零;请选择两个不同的里程碑",
    },
    "flow.facts.unknown_timer": {
        "en": "no node of the flow has a timer '{id}'{hint}",
        "zh-CN": "流程中没有任何节点有定时器“{id}”{hint}",
    },
    "flow.tracking.hidden_outcome": {
        "en": "outcome field '{id}' is hidden from the public role, so a tracking link may not show it",
        "zh-CN": "结果字段“{id}”对公开角色是隐藏的,跟踪链接不能显示它",
    },
    "flow.self_loop": {"en": "edge '{id}' leads from a node to itself", "zh-CN": "连线“{id}”从节点指向其自身"},
    "flow.timer_edge_elsewhere": {
        "en": "the timer leaves along edge '{edge}', which does not start at node '{node}'",
        "zh-CN": "定时器使用的连线“{edge}”不是从节点“{node}”出发的",
    },
    "flow.timer_edge_only_way": {
        "en": "edge '{edge}' is the timer's, so node '{node}' needs another way out for when the task is done",
        "zh-CN": "连线“{edge}”专供定时器使用,节点“{node}”还需要一条任务完成后的出口",
    },
    "flow.timer_route_needs_edge": {
        "en": "timer '{timer}' routes, so it needs an 'edge': the edge from this node that it leaves "
        "(or starts a path) along",
        "zh-CN": "定时器“{timer}”的动作是改道,须用“edge”指明它从本节点出发所走的连线",
    },
    "flow.timer_edge_not_route": {
        "en": "timer '{timer}' does '{action}', which takes no edge; remove 'edge' or use action 'route'",
        "zh-CN": "定时器“{timer}”的动作“{action}”不走连线;请去掉“edge”或改用动作“route”",
    },
    "flow.timer_cannot_interrupt": {
        "en": "a '{action}' timer leaves the task open, so it cannot interrupt; to take the task's token "
        "elsewhere use action 'route' with an edge, to finish the task use 'complete'",
        "zh-CN": "“{action}”定时器不会结束任务,不能设为中断型;要让任务改走别的路径请用动作“route”并指明连线,"
        "要直接完成任务请用“complete”",
    },
    "flow.timer_must_interrupt": {
        "en": "a '{action}' timer always finishes the task; drop 'interrupting': false, "
        "or use 'notify' to leave it open",
        "zh-CN": "“{action}”定时器总会完成任务;请去掉“interrupting”: false,或改用“notify”保留任务",
    },
    "form.serial_pattern": {
        "en": (
            "serial pattern '{pattern}' has an unknown part '{part}'; "
            "use {{yyyy}}, {{MM}}, {{dd}}, {{yyyyMMdd}} or {{seq:N}}"
        ),
        "zh-CN": "编号规则“{pattern}”包含未知部分“{part}”;可用 {{yyyy}}、{{MM}}、{{dd}}、{{yyyyMMdd}} 或 {{seq:N}}",
    },
    "form.bad_pattern": {
        "en": "'{pattern}' is not a valid regular expression: {reason}",
        "zh-CN": "“{pattern}”不是合法的正则表达式:{reason}",
    },
    "form.path.unknown_field": {
        "en": "'{path}': form '{through}' has no field '{step}'",
        "zh-CN": "“{path}”:表单“{through}”没有字段“{step}”",
    },
    "form.path.unknown_row_field": {
        "en": "'{path}': the rows of '{through}' have no field '{step}'",
        "zh-CN": "“{path}”:“{through}”的行没有字段“{step}”",
    },
    "form.path.not_relation": {
        "en": "'{path}': '{through}' is not a relation, so '{step}' cannot be read through it",
        "zh-CN": "“{path}”:“{through}”不是关联字段,无法经由它读取“{step}”",
    },
    "form.path.multiple": {
        "en": "'{path}': '{through}' holds several records and cannot be read as one to reach '{step}'",
        "zh-CN": "“{path}”:“{through}”关联多条记录,不能当作一条记录来读取“{step}”",
    },
    "form.derived_target": {
        "en": "'{path}' leads to a record of form '{found}', but this relation points at form '{target}'",
        "zh-CN": "“{path}”指向表单“{found}”的记录,但此关联字段指向表单“{target}”",
    },
    "form.derived_not_relation": {
        "en": "'{path}' does not end at a single relation; a derived relation needs a path to a record of '{target}'",
        "zh-CN": "“{path}”的末端不是单值关联字段;派生关联需要一条指向表单“{target}”记录的路径",
    },
    "form.derived_multiple": {
        "en": "a derived relation holds one record; remove 'multiple' or 'derived_from' ('{path}')",
        "zh-CN": "派生关联只保存一条记录;请去掉“multiple”或“derived_from”(“{path}”)",
    },
    "form.knowledge_base_not_text": {
        "en": "field '{id}' holds no text; a knowledge base shows and searches text fields only",
        "zh-CN": "字段“{id}”不是文本;知识库只展示和搜索文本字段",
    },
    "form.reserved_field_id": {
        "en": "'{id}' is a system column of every record; name the field differently",
        "zh-CN": "“{id}”是每条记录的系统列,请换一个字段标识",
    },
    "form.field_shadows_helper": {
        "en": "'{id}' is also a name of the expression language, so no expression could read this field; "
        "name it differently (for example '{id}_value')",
        "zh-CN": "“{id}”是表达式语言的保留名称,表达式将无法读取此字段;请换一个标识(例如“{id}_value”)",
    },
    "form.bad_default": {
        "en": "the default value does not fit the field ({reason})",
        "zh-CN": "默认值不符合字段要求({reason})",
    },
    "form.option_duplicate": {
        "en": "option value '{value}' appears twice",
        "zh-CN": "选项值“{value}”重复",
    },
    "form.expression_invalid": {"en": "{where}: {reason}", "zh-CN": "{where}:{reason}"},
    "form.formula_cycle": {
        "en": "formulas depend on each other in a circle: {cycle}",
        "zh-CN": "公式之间循环引用:{cycle}",
    },
    "form.permissions_unenforceable": {
        "en": "the permissions of this app cannot be enforced",
        "zh-CN": "该应用的权限规则无法执行",
    },
    "form.range": {
        "en": "min ({min}) is greater than max ({max})",
        "zh-CN": "最小值({min})大于最大值({max})",
    },
    "flow.check_in_time": {
        "en": "field '{field}' cannot hold the moment of a check-in; name a datetime field",
        "zh-CN": "字段“{field}”无法保存签到时间,请指定一个日期时间字段",
    },
    "flow.field_not_editable": {
        "en": "field '{field}' ({type}) is set by the server, so no step can let people fill it; make it 'read_only'",
        "zh-CN": "字段“{field}”({type})由系统填写,任何步骤都不能让人填写;请改为“read_only”",
    },
    "flow.collect_needs_text": {
        "en": "collect 'all' adds a 'name: opinion' line per signer, which field '{field}' ({type}) cannot hold; "
        "name a text or textarea field, or use collect 'last'",
        "zh-CN": "“collect”为“all”时每位签署人追加一行“姓名: 意见”,字段“{field}”({type})无法保存;"
        "请指定文本或多行文本字段,或改用“last”",
    },
    "flow.check_in_location": {
        "en": "field '{field}' cannot hold the place of a check-in; name a location field",
        "zh-CN": "字段“{field}”无法保存签到位置,请指定一个位置字段",
    },
    "form.formula_precision": {
        "en": "'precision' rounds numbers only; a formula with result_type '{result_type}' has no decimal places",
        "zh-CN": "“precision”只用于数值结果;结果类型为“{result_type}”的公式没有小数位",
    },
    "form.aggregate_unknown_form": {
        "en": "{call}: unknown form '{form}'{hint}",
        "zh-CN": "{call}:未知的表单“{form}”{hint}",
    },
    "form.aggregate_unknown_field": {
        "en": "{call}: form '{form}' has no field '{field}'{hint}",
        "zh-CN": "{call}:表单“{form}”没有字段“{field}”{hint}",
    },
    "form.aggregate_not_relation": {
        "en": (
            "{call}: field '{field}' of form '{form}' is not a relation; "
            "name the relation field that points at the record"
        ),
        "zh-CN": "{call}:表单“{form}”的字段“{field}”不是关联字段;请写出指向该记录的关联字段",
    },
    "form.aggregate_wrong_target": {
        "en": "{call}: field '{field}' of form '{form}' points at form '{target}', not at '{anchor}'",
        "zh-CN": "{call}:表单“{form}”的字段“{field}”指向表单“{target}”,而不是“{anchor}”",
    },
    "form.aggregate_not_numeric": {
        "en": "{call}: field '{field}' of form '{form}' is not a number; {helper}() reads number fields only",
        "zh-CN": "{call}:表单“{form}”的字段“{field}”不是数字;“{helper}()”只能读取数字字段",
    },
    "form.aggregate_of_not_relation": {
        "en": "{call}: of={of} must name a single relation field of form '{form}'",
        "zh-CN": "{call}:“of={of}”必须是表单“{form}”的一个单选关联字段",
    },
    "form.aggregate_not_here": {
        "en": "{call}: aggregates across records are computed for a form's own fields and rules only, not here",
        "zh-CN": "{call}:跨记录统计只能用在表单自身的字段和校验规则中,不能用在这里",
    },
    "form.relation_self_required": {
        "en": "a required relation from form '{form}' to itself could never be filled for the first record",
        "zh-CN": "表单“{form}”对自身的必填关联,第一条记录永远无法填写",
    },
    "form.filter_by.unknown_target_field": {
        "en": "the related form has no field '{field}' to narrow the choices by{hint}",
        "zh-CN": "关联表单没有可用于筛选的字段“{field}”{hint}",
    },
    "form.filter_by.unknown_source_field": {
        "en": "'{field}' is not another field beside this one (on the form, or in the same sub-table row){hint}",
        "zh-CN": "“{field}”不是与此字段同级的其他字段(表单上,或同一子表行中){hint}",
    },
    "form.filter_by.mismatch": {
        "en": "'{target_field}' of the related form and '{source}' of this form must both be single relations "
        "to the same form, so their records can be compared",
        "zh-CN": "关联表单的“{target_field}”与本表单的“{source}”必须都是指向同一表单的单选关联,才能比较所选记录",
    },
    "form.filter_by.cycle": {
        "en": "these fields narrow each other's choices in a circle ({cycle}); one of them must be chosen first",
        "zh-CN": "这些字段互相筛选,形成循环({cycle});其中必须有一个字段先选",
    },
    "form.unknown_user_attribute": {
        "en": "'user.{name}' is not known (line {line}, column {column}){hint}; a default may read {known}",
        "zh-CN": "“user.{name}”未知(第 {line} 行第 {column} 列){hint};默认值可读取 {known}",
    },
    "report.field_in_flow": {
        "en": "'{id}' is not a field of form '{form}'{hint}",
        "zh-CN": "“{id}”不是表单“{form}”的字段{hint}",
    },
    # views (named list views)
    "view.role_cannot_read": {
        "en": "role '{role}' cannot read form '{form}', so it cannot open this view; grant it read or remove it",
        "zh-CN": "角色“{role}”不能查看表单“{form}”,因此打不开此视图;请授予查看权限或移除该角色",
    },
    "view.path": {
        "en": "'{id}' does not lead anywhere from form '{form}'; join single relation fields with dots, such as"
        " room.building",
        "zh-CN": "“{id}”无法从表单“{form}”走通;请用点号连接单值关联字段的标识",
    },
    "view.not_single": {
        "en": "'{id}' does not end in one stored value; name a field with a single value",
        "zh-CN": "“{id}”的终点不是单个存储值;请指定单值字段",
    },
    "view.sort_path": {
        "en": "cannot sort by the relation path '{id}'; sort by a field of the form itself",
        "zh-CN": "不能按关联路径“{id}”排序;请按本表单的字段排序",
    },
    "view.operator": {
        "en": "unknown filter operator '{op}'; use one of {operators}",
        "zh-CN": "未知的筛选运算符“{op}”;请使用以下之一:{operators}",
    },
    "view.filter_hidden": {
        "en": "filter '{id}' reads field '{field}', which role '{role}' cannot read; drop the role or the filter",
        "zh-CN": "筛选“{id}”读取字段“{field}”,角色“{role}”无权查看;请移除该角色或该筛选",
    },
    "view.flow_value": {
        "en": "'{id}' is not a value this flow filter takes; use {values}",
        "zh-CN": "“{id}”不是此流程筛选可用的值;请使用 {values}",
    },
}

#: the kinds of thing a problem names ("form", "node" ...), in the reader's language
MESSAGES.update(
    {
        "kind.form": {"en": "form", "zh-CN": "表单"},
        "kind.field": {"en": "field", "zh-CN": "字段"},
        "kind.flow": {"en": "flow", "zh-CN": "流程"},
        "kind.node": {"en": "node", "zh-CN": "节点"},
        "kind.edge": {"en": "edge", "zh-CN": "连线"},
        "kind.role": {"en": "role", "zh-CN": "角色"},
        "kind.report": {"en": "report", "zh-CN": "报表"},
        "kind.dashboard": {"en": "dashboard", "zh-CN": "看板"},
        "kind.widget": {"en": "widget", "zh-CN": "组件"},
        "kind.connector": {"en": "connector", "zh-CN": "连接器"},
        "kind.automation": {"en": "automation", "zh-CN": "自动化"},
        "kind.measure": {"en": "measure", "zh-CN": "指标"},
        "kind.rule": {"en": "rule", "zh-CN": "规则"},
        "kind.stage": {"en": "stage", "zh-CN": "阶段"},
        "kind.timer": {"en": "timer", "zh-CN": "定时器"},
        "kind.option": {"en": "option", "zh-CN": "选项"},
        "kind.filter": {"en": "filter", "zh-CN": "筛选"},
        "kind.view": {"en": "list view", "zh-CN": "列表视图"},
        "kind.outcome": {"en": "outcome", "zh-CN": "结果"},
        "kind.parallel": {"en": "parallel", "zh-CN": "并行"},
        "kind.inclusive": {"en": "inclusive", "zh-CN": "包容"},
    }
)
