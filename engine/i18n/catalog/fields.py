"""What people read about field values: refusals of a submitted value, and how values are shown."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # every type
    "field.required": {"en": "{label} is required", "zh-CN": "请填写{label}"},
    "field.wrong_type": {"en": "{label} must be {expected}", "zh-CN": "{label}应为{expected}"},
    "field.expected.text": {"en": "a text", "zh-CN": "文本"},
    "field.expected.date": {"en": "date", "zh-CN": "日期"},
    "field.expected.datetime": {"en": "datetime", "zh-CN": "日期时间"},
    "field.too_long": {"en": "{label} allows at most {limit} characters", "zh-CN": "{label}最多 {limit} 个字符"},
    "field.unknown_field": {"en": "{label} is not a field of this form", "zh-CN": "{label} 不是此表单的字段"},
    "field.computed": {
        "en": "{label} is filled in by the system and cannot be set",
        "zh-CN": "{label}由系统填写,不能修改",
    },
    "field.not_valid": {"en": "{label} is not valid", "zh-CN": "{label}无效"},
    # text, mobile, email
    "field.text.too_short": {"en": "{label} needs at least {limit} characters", "zh-CN": "{label}至少 {limit} 个字符"},
    "field.text.pattern": {"en": "{label} is not in the expected form", "zh-CN": "{label}格式不正确"},
    "field.mobile.invalid": {
        "en": "{label} is not a valid mobile number (11 digits, such as 13812345678)",
        "zh-CN": "{label}格式不正确",
    },
    "field.email.invalid": {"en": "{label} is not a valid email address", "zh-CN": "{label}不是有效的邮箱地址"},
    # numbers
    "field.number.not_number": {"en": "{label} must be a number", "zh-CN": "{label}必须是数字"},
    "field.number.below_min": {"en": "{label} must be at least {limit}", "zh-CN": "{label}不能小于 {limit}"},
    "field.number.above_max": {"en": "{label} must be at most {limit}", "zh-CN": "{label}不能大于 {limit}"},
    "field.number.precision": {
        "en": "{label} allows at most {places} decimal places",
        "zh-CN": "{label}最多保留 {places} 位小数",
    },
    "field.rating.stars": {
        "en": "{label} must be a whole number of stars from 1 to {max}",
        "zh-CN": "{label}应为 1 到 {max} 星",
    },
    # choices
    "field.choice.not_an_option": {
        "en": "{label}: '{value}' is not one of the choices",
        "zh-CN": "{label}:“{value}”不是可选项",
    },
    "field.choice.not_a_list": {"en": "{label} must be a list of choices", "zh-CN": "{label}应为选项列表"},
    "field.choice.too_few": {"en": "{label}: choose at least {limit}", "zh-CN": "{label}至少选择 {limit} 项"},
    "field.choice.too_many": {"en": "{label}: choose at most {limit}", "zh-CN": "{label}最多选择 {limit} 项"},
    "field.choice.repeated": {"en": "{label}: '{value}' is chosen twice", "zh-CN": "{label}:“{value}”重复选择"},
    "field.checkbox.not_boolean": {"en": "{label} must be true or false", "zh-CN": "{label}应为“是”或“否”"},
    # dates and times
    "field.temporal.not_date": {
        "en": "{label} must be a date like 2026-03-01",
        "zh-CN": "{label}应为日期,如 2026-03-01",
    },
    "field.temporal.not_datetime": {
        "en": "{label} must be a date and time like 2026-03-01T09:30",
        "zh-CN": "{label}应为日期时间,如 2026-03-01 09:30",
    },
    "field.temporal.not_time": {"en": "{label} must be a time like 09:30", "zh-CN": "{label}应为时间,如 09:30"},
    "field.temporal.in_past": {"en": "{label} cannot be in the past", "zh-CN": "{label}不能早于当前时间"},
    "field.temporal.before_min": {"en": "{label} cannot be before {limit}", "zh-CN": "{label}不能早于 {limit}"},
    "field.temporal.after_max": {"en": "{label} cannot be after {limit}", "zh-CN": "{label}不能晚于 {limit}"},
    # attachments and location
    "field.file.not_attachments": {
        "en": "{label} must be a list of uploaded attachments",
        "zh-CN": "{label}应为已上传的附件列表",
    },
    "field.file.too_many": {"en": "{label} allows at most {limit} files", "zh-CN": "{label}最多 {limit} 个文件"},
    "field.image.too_many": {"en": "{label} allows at most {limit} photos", "zh-CN": "{label}最多 {limit} 张照片"},
    "field.location.not_location": {
        "en": "{label} must have a latitude (-90 to 90) and a longitude (-180 to 180)",
        "zh-CN": "{label}应包含纬度(-90 至 90)和经度(-180 至 180)",
    },
    # references
    "field.relation.not_id": {
        "en": "{label} must be the id of a {target} record",
        "zh-CN": "{label}应为{target}记录的编号",
    },
    "field.relation.missing": {"en": "{label}: record {value} does not exist", "zh-CN": "{label}:记录 {value} 不存在"},
    "field.user.not_principal": {"en": "{label} must be a user id", "zh-CN": "{label}应为用户编号"},
    "field.group.not_principal": {"en": "{label} must be a group id", "zh-CN": "{label}应为部门/班组编号"},
    # formulas: why a result cannot be kept
    "field.formula.result_not_number": {
        "en": "the result is true/false, not a number",
        "zh-CN": "结果是“是/否”,不是数字",
    },
    "field.formula.result_not_kind": {"en": "the result is not a {expected}", "zh-CN": "结果不是{expected}"},
    # sub-tables
    "field.subtable.not_rows": {"en": "{label} must be a list of rows", "zh-CN": "{label}应为明细行列表"},
    "field.subtable.too_many_rows": {"en": "{label} allows at most {limit} rows", "zh-CN": "{label}最多 {limit} 行"},
    "field.subtable.too_few_rows": {"en": "{label} needs at least {limit} rows", "zh-CN": "{label}至少需要 {limit} 行"},
    # a whole record
    "field.record.invalid": {
        "en": "the record has {count} problem(s); see the fields",
        "zh-CN": "提交内容有 {count} 处问题,请查看各字段",
    },
    "field.record.not_object": {
        "en": "a record is a JSON object of field values",
        "zh-CN": "记录应为字段值组成的 JSON 对象",
    },
    "field.record.derived_mismatch": {
        "en": "{label}: the chosen {source} belongs to another {label}; choose the matching one or leave {label} empty",
        "zh-CN": "{label}:所选{source}不属于该{label};请选择相符的{label}或留空",
    },
    "field.record.formula_failed": {
        "en": "{label} could not be computed: {reason}",
        "zh-CN": "{label}无法计算:{reason}",
    },
    "field.record.rule_failed": {
        "en": "the rule '{rule}' could not be checked: {reason}",
        "zh-CN": "规则“{rule}”无法检查:{reason}",
    },
    # permissions: the shapes a ``rows`` rule may take (a rule is enforced in SQL, so only a few)
    "permission.rows_unsupported": {
        "en": "{detail}; rows allows only: {shapes}",
        "zh-CN": "{detail};“rows”只允许这些写法:{shapes}",
    },
    "permission.rows_field": {
        "en": "'{field}' {why}; rows can only test fields stored in the form's own table",
        "zh-CN": "“{field}”{why};“rows”只能判断存放在表单自身表中的字段",
    },
    "permission.rows_path": {
        "en": "'{path}': {why}; a path in rows follows single relations to a field",
        "zh-CN": "“{path}”:{why};“rows”中的路径只能经由单个关联字段到达字段",
    },
    "permission.rows_value": {
        "en": "'{field}' holds {holds}: {why}",
        "zh-CN": "“{field}”存放的是{holds}:{why}",
    },
    "field.rows.shapes": {
        "en": (
            "field == user.id (or user.name), field in user.groups, field in user.communities, "
            "field == 'text' (or a number, True, False, today(), now()), field in ('a', 'b'), field != ..., "
            "field < value (<=, >, >=: a number, text, date or time, today(), now()), field not in ..., "
            "a yes/no field alone (published), a path through relations (room.building.community), "
            "not X, X and Y, X or Y"
        ),
        "zh-CN": (
            "“字段 == user.id”(或“user.name”)、“字段 in user.groups”、“字段 in user.communities”、"
            "“字段 == 文本”(文本也可换成数字、“True”、“False”、“today()”或“now()”)、“字段 in (甲, 乙)”、"
            "“字段 != …”、“字段 < 值”(也可用 <=、>、>=;值为数字、文本、日期、时间、“today()”或“now()”)、"
            "“字段 not in …”、单独一个是/否字段(如“published”)、经由关联字段的路径(如“room.building.community”)、"
            "“not X”、“X and Y”、“X or Y”"
        ),
    },
    "field.rows.malformed": {
        "en": "'{part}' is not a well-formed expression ({reason})",
        "zh-CN": "“{part}”不是合法的表达式({reason})",
    },
    "field.rows.user_not_condition": {
        "en": "'{part}' is the user, not a condition",
        "zh-CN": "“{part}”是用户,不是条件",
    },
    "field.rows.not_allowed_shape": {"en": "'{part}' is not an allowed shape", "zh-CN": "“{part}”不是允许的写法"},
    "field.rows.chained": {
        "en": "'{part}' chains comparisons; join them with 'and'",
        "zh-CN": "“{part}”连续比较;请用“and”分开写",
    },
    "field.rows.field_first": {
        "en": "'{part}' must start with a field of the form",
        "zh-CN": "“{part}”应以表单的字段开头",
    },
    "field.rows.operator": {
        "en": "'{part}' compares with an operator rows does not allow (use ==, !=, <, <=, >, >=, in, not in)",
        "zh-CN": "“{part}”用了“rows”不允许的比较符(请用 ==、!=、<、<=、>、>=、“in”、“not in”)",
    },
    "field.rows.set_with_eq": {
        "en": "'{part}' is a set; compare with 'in', not '=='",
        "zh-CN": "“{part}”是一组值;请用“in”比较,不要用“==”",
    },
    "field.rows.not_scalar": {
        "en": "'{part}' is neither user.id, user.name, today(), now() nor a text, number, True or False",
        "zh-CN": "“{part}”既不是“user.id”、“user.name”、“today()”、“now()”,也不是文本、数字、“True”或“False”",
    },
    "field.rows.not_comparable": {
        "en": "'{part}' is neither a text, a number, today() nor now(); only those have an order",
        "zh-CN": "“{part}”既不是文本、数字,也不是“today()”或“now()”;只有这些值能比较大小",
    },
    "field.rows.one_value_with_in": {
        "en": "'{part}' is one value; compare with '==', not 'in'",
        "zh-CN": "“{part}”是单个值;请用“==”比较,不要用“in”",
    },
    "field.rows.not_collection": {
        "en": "'{part}' must be user.groups, user.communities or a list of texts or numbers",
        "zh-CN": "“{part}”应为“user.groups”、“user.communities”或文本、数字的列表",
    },
    "field.rows.user_attribute": {
        "en": "'{part}' is not a user value rows may read (user.id, user.name, user.groups, user.communities)",
        "zh-CN": "“{part}”不是“rows”可读取的用户属性(“user.id”、“user.name”、“user.groups”、“user.communities”)",
    },
    "field.rows.function": {
        "en": "'{part}' calls a function; rows may call only now() and today()",
        "zh-CN": "“{part}”调用了函数;“rows”只能调用“now()”和“today()”",
    },
    "field.rows.clock_arguments": {
        "en": "'{part}' passes arguments; now() and today() take none",
        "zh-CN": "“{part}”带了参数;“now()”和“today()”不带参数",
    },
    "field.rows.arithmetic": {
        "en": "'{part}' computes a value; rows compares fields with fixed values, the user and the clock only",
        "zh-CN": "“{part}”在计算数值;“rows”只能把字段与固定值、当前用户或当前时间比较",
    },
    "field.rows.unknown_field": {
        "en": "form '{form}' has no field '{field}'",
        "zh-CN": "表单“{form}”没有字段“{field}”",
    },
    "field.rows.not_relation": {
        "en": "'{field}' is not a relation, so the path cannot go on",
        "zh-CN": "“{field}”不是关联字段,路径无法继续",
    },
    "field.rows.multi_relation": {
        "en": "'{field}' holds several records, so the path cannot go on through it",
        "zh-CN": "“{field}”关联多条记录,路径无法经由它继续",
    },
    "field.rows.not_ordered": {
        "en": "it has no order; compare it with == or in",
        "zh-CN": "它没有大小之分;请用 == 或“in”比较",
    },
    "field.rows.wrong_kind": {"en": "it cannot hold {value}", "zh-CN": "它存不了{value}"},
    "field.rows.clock_kind": {
        "en": "it cannot be compared with {clock} (today() compares with dates and date-times, now() with date-times)",
        "zh-CN": "它不能与“{clock}”比较(“today()”用于日期和日期时间,“now()”用于日期时间)",
    },
    "field.rows.user_texts": {
        "en": "{user} is text; compare it with a text field",
        "zh-CN": "“{user}”是文本,请与文本字段比较",
    },
    "field.rows.user_record_ids": {
        "en": "user.communities holds record ids; compare it with a relation or a whole-number field",
        "zh-CN": "“user.communities”存放的是记录编号,请与关联字段或整数字段比较",
    },
    "field.rows.several_values": {"en": "holds several values or none", "zh-CN": "存放多个值或不存放值"},
    "field.rows.not_yes_no": {"en": "is not a yes/no field; compare it", "zh-CN": "不是是/否字段,请与值比较"},
    "field.rows.not_a_user": {
        "en": "does not hold a user; user.id is a user",
        "zh-CN": "存放的不是用户;“user.id”才是用户",
    },
    # showing values
    "field.yes": {"en": "Yes", "zh-CN": "是"},
    "field.no": {"en": "No", "zh-CN": "否"},
    "field.more": {"en": "More", "zh-CN": "其他信息"},
}
