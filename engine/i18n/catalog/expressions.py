"""What the expression sandbox says: reasons, hints, kinds of value and the position, by code."""

from __future__ import annotations

# Reasons carry no final punctuation; hints are whole sentences. Code a builder writes stays in
# quotes in the Chinese texts; an example with Chinese in it is a parameter, so the English
# text stays free of Chinese.
MESSAGES: dict[str, dict[str, str]] = {
    # -- how a message is put together ------------------------------------------------------------
    "expression.at": {"en": " (line {line}, column {column})", "zh-CN": "(第 {line} 行,第 {column} 列)"},
    "expression.sentence": {"en": "{reason}{where}.", "zh-CN": "{reason}{where}。"},
    "expression.sentence_with_hint": {"en": "{reason}{where}. {hint}", "zh-CN": "{reason}{where}。{hint}"},
    # -- kinds of value -----------------------------------------------------------------------------
    "expression.kind.none": {"en": "an empty value (None)", "zh-CN": "空值"},
    "expression.kind.bool": {"en": "a yes/no value", "zh-CN": "是/否值"},
    "expression.kind.int": {"en": "a whole number", "zh-CN": "整数"},
    "expression.kind.float": {"en": "a number", "zh-CN": "数字"},
    "expression.kind.decimal": {"en": "a decimal number", "zh-CN": "小数"},
    "expression.kind.text": {"en": "text", "zh-CN": "文本"},
    "expression.kind.date": {"en": "a date", "zh-CN": "日期"},
    "expression.kind.datetime": {"en": "a date-time", "zh-CN": "日期时间"},
    "expression.kind.time": {"en": "a time of day", "zh-CN": "时刻"},
    "expression.kind.duration": {"en": "a duration", "zh-CN": "时长"},
    "expression.kind.list": {"en": "a list", "zh-CN": "列表"},
    "expression.kind.record": {"en": "a record", "zh-CN": "记录"},
    "expression.kind.set": {"en": "a set", "zh-CN": "集合"},
    "expression.kind.range": {"en": "a range", "zh-CN": "范围"},
    "expression.kind.generator": {"en": "a generator", "zh-CN": "生成器"},
    "expression.kind.function": {"en": "a function", "zh-CN": "函数"},
    "expression.kind.other": {"en": "a value of type '{name}'", "zh-CN": "“{name}”类型的值"},
    # -- what a helper needs ------------------------------------------------------------------------
    "expression.needs": {"en": "{helper}() needs {what}, not {kind}", "zh-CN": "“{helper}()”需要{what},而不是{kind}"},
    "expression.what.text": {"en": "text", "zh-CN": "文本"},
    "expression.what.text_or_list": {"en": "text or a list", "zh-CN": "文本或列表"},
    "expression.what.list": {"en": "a list", "zh-CN": "列表"},
    "expression.what.number": {"en": "a number", "zh-CN": "数字"},
    "expression.what.number_to_start": {"en": "a number to start from", "zh-CN": "作为起始值的数字"},
    "expression.what.number_and_digits": {
        "en": "a number and a whole number of digits",
        "zh-CN": "一个数字和一个整数位数",
    },
    "expression.what.number_or_text": {"en": "a number or number text", "zh-CN": "数字或数字文本"},
    "expression.what.characters": {"en": "text of characters to remove", "zh-CN": "要去掉的字符(文本)"},
    "expression.what.pattern": {"en": "a pattern written as text", "zh-CN": "以文本写出的模式"},
    "expression.what.number_to_add": {"en": "a number to add", "zh-CN": "一个要加上的数字"},
    "expression.what.duration_text": {"en": "text like 'PT4H'", "zh-CN": "像“PT4H”这样的文本"},
    "expression.what.date": {"en": "a date or date-time", "zh-CN": "日期或日期时间"},
    # -- the text itself ----------------------------------------------------------------------------
    "expression.not_text": {"en": "An expression must be text, not {type}", "zh-CN": "表达式必须是文本,而不是“{type}”"},
    "expression.source_too_long": {
        "en": "The expression has {size:,} characters, more than the limit of {limit:,}",
        "zh-CN": "表达式有 {size:,} 个字符,超过上限 {limit:,}",
    },
    "expression.empty": {"en": "The expression is empty", "zh-CN": "表达式为空"},
    "expression.incomplete": {"en": "The expression is incomplete", "zh-CN": "表达式不完整"},
    "expression.invalid": {"en": "Invalid expression", "zh-CN": "表达式无效"},
    "expression.invalid_detail": {"en": "Invalid expression: {detail}", "zh-CN": "表达式无效:{detail}"},
    "expression.one_only": {"en": "Only one expression is allowed", "zh-CN": "只能写一个表达式"},
    "expression.statement": {
        "en": "Statements are not allowed in an expression: {what}",
        "zh-CN": "表达式中不能写语句:{what}",
    },
    "expression.statement.keyword": {"en": "{keyword}", "zh-CN": "“{keyword}”"},
    "expression.statement.def": {"en": "def (defining functions)", "zh-CN": "“def”(定义函数)"},
    "expression.statement.assign": {"en": "assignment (=)", "zh-CN": "赋值(“=”)"},
    "expression.statement.augmented": {"en": "assignment (+= and the like)", "zh-CN": "赋值(“+=”等)"},
    "expression.statement.for_loop": {
        "en": "for loops (use a comprehension such as sum(p.qty for p in parts))",
        "zh-CN": "“for”循环(请改用推导式,例如“sum(p.qty for p in parts)”)",
    },
    "expression.statement.loop": {"en": "{keyword} loops", "zh-CN": "“{keyword}”循环"},
    "expression.statement.if": {
        "en": "if statements (use 'a if condition else b')",
        "zh-CN": "“if”语句(请改用“a if condition else b”)",
    },
    # -- Python's own words, retold ----------------------------------------------------------------
    "expression.python.other": {"en": "{python}", "zh-CN": "“{python}”"},
    "expression.python.never_closed": {"en": "'{bracket}' was never closed", "zh-CN": "“{bracket}”没有闭合"},
    "expression.python.unmatched": {"en": "unmatched '{bracket}'", "zh-CN": "多出一个“{bracket}”"},
    "expression.python.mismatched": {
        "en": "closing parenthesis '{closing}' does not match opening parenthesis '{opening}'",
        "zh-CN": "右括号“{closing}”与左括号“{opening}”不匹配",
    },
    "expression.python.unterminated_string": {
        "en": "unterminated string literal (detected at line {line})",
        "zh-CN": "文本缺少结束引号(在第 {line} 行发现)",
    },
    "expression.python.invalid_character": {
        "en": "invalid character '{character}' ({codepoint})",
        "zh-CN": "非法字符“{character}”({codepoint})",
    },
    "expression.python.invalid_decimal": {"en": "invalid decimal literal", "zh-CN": "数字的写法有误"},
    "expression.python.if_without_else": {
        "en": "expected 'else' after 'if' expression",
        "zh-CN": "“if”后面缺少“else”",
    },
    "expression.python.dict_value_missing": {
        "en": "expression expected after dictionary key and ':'",
        "zh-CN": "字典的键和“:”后面缺少值",
    },
    "expression.python.generator_parentheses": {
        "en": "Generator expression must be parenthesized",
        "zh-CN": "生成器表达式必须用括号括起来",
    },
    "expression.python.positional_after_keyword": {
        "en": "positional argument follows keyword argument",
        "zh-CN": "按位置给出的参数不能写在按名称给出的参数后面",
    },
    "expression.python.missing_argument": {
        "en": "missing a required argument: '{argument}'",
        "zh-CN": "缺少必填参数“{argument}”",
    },
    "expression.python.too_many_arguments": {"en": "too many positional arguments", "zh-CN": "参数太多"},
    "expression.python.unexpected_keyword": {
        "en": "got an unexpected keyword argument '{argument}'",
        "zh-CN": "没有名为“{argument}”的参数",
    },
    "expression.python.multiple_values": {
        "en": "multiple values for argument '{argument}'",
        "zh-CN": "参数“{argument}”给了多个值",
    },
    "expression.hint.python": {"en": "{python}", "zh-CN": "Python 提示:“{python}”。"},
    "expression.hint.comma": {"en": "Perhaps you forgot a comma?", "zh-CN": "是否漏了逗号?"},
    "expression.hint.equals": {
        "en": "Maybe you meant '==' or ':=' instead of '='?",
        "zh-CN": "是否想写“==”或“:=”,而不是“=”?",
    },
    "expression.hint.restricted_python": {"en": "{detail}", "zh-CN": "RestrictedPython 的说明:“{detail}”。"},
    # -- what the sandbox refuses when compiling ---------------------------------------------------
    "expression.too_many_parts": {
        "en": "The expression is too long (more than {limit:,} parts)",
        "zh-CN": "表达式太长(超过 {limit:,} 个部分)",
    },
    "expression.too_deep": {
        "en": "The expression is nested too deeply (more than {limit} levels)",
        "zh-CN": "表达式嵌套太深(超过 {limit} 层)",
    },
    "expression.no_lambda": {
        "en": "Lambda functions are not allowed in expressions",
        "zh-CN": "表达式中不能使用“lambda”函数",
    },
    "expression.no_walrus": {
        "en": "Assignment with := is not allowed in expressions",
        "zh-CN": "表达式中不能用“:=”赋值",
    },
    "expression.no_star": {"en": "Unpacking with * is not allowed in expressions", "zh-CN": "表达式中不能用“*”展开"},
    "expression.no_double_star": {
        "en": "Unpacking with ** is not allowed in expressions",
        "zh-CN": "表达式中不能用“**”展开",
    },
    "expression.no_construct": {
        "en": "{construct} is not allowed in expressions",
        "zh-CN": "表达式中不能使用“{construct}”",
    },
    "expression.no_async_comprehension": {
        "en": "Async comprehensions are not allowed in expressions",
        "zh-CN": "表达式中不能使用异步推导式",
    },
    "expression.name_not_allowed": {"en": "'{name}' is not allowed", "zh-CN": "不能使用“{name}”"},
    "expression.name_unavailable": {
        "en": "'{name}' is not available in expressions",
        "zh-CN": "表达式中不能使用“{name}”",
    },
    "expression.number_digits": {
        "en": "Numbers are limited to {limit:,} digits before or after the decimal point",
        "zh-CN": "数字在小数点前后最多 {limit:,} 位",
    },
    "expression.number_bits": {
        "en": "The number is longer than {limit:,} binary digits",
        "zh-CN": "数字超过了 {limit:,} 个二进制位",
    },
    "expression.no_bytes": {"en": "Bytes literals are not supported", "zh-CN": "不支持字节串"},
    "expression.no_imaginary": {"en": "Imaginary numbers are not supported", "zh-CN": "不支持虚数"},
    "expression.unsupported_literal": {"en": "{literal} are not supported", "zh-CN": "不支持“{literal}”"},
    "expression.no_matmul": {"en": "The @ operator is not supported", "zh-CN": "不支持“@”运算符"},
    "expression.format_computed": {
        "en": "Format specifications must be written out, not computed",
        "zh-CN": "格式说明必须直接写出,不能计算得出",
    },
    "expression.format_limit": {
        "en": "Widths and precisions in formats are limited to {limit:,}",
        "zh-CN": "格式中的宽度和精度最大为 {limit:,}",
    },
    "expression.unknown_function": {"en": "Unknown function '{name}'", "zh-CN": "未知的函数“{name}”"},
    "expression.method_unavailable": {
        "en": "The method '{name}()' is not available",
        "zh-CN": "不能调用方法“{name}()”",
    },
    "expression.call_only_helpers": {
        "en": "Only helper functions and methods can be called",
        "zh-CN": "只能调用辅助函数和方法",
    },
    "expression.wrong_arguments": {
        "en": "Wrong arguments for {name}(): {detail}",
        "zh-CN": "“{name}()”的参数不对:{detail}",
    },
    "expression.aggregate_ids": {
        "en": "{name}() needs the form and field ids written out in quotes",
        "zh-CN": "“{name}()”需要用引号直接写出表单和字段的 ID",
    },
    "expression.aggregate_of": {
        "en": "of= in {name}() takes the id of a relation field of this record, written as a plain name",
        "zh-CN": "“{name}()”中的“of=”只能直接写本记录一个关联字段的 ID",
    },
    "expression.hint.aggregate_example": {"en": "For example: {example}", "zh-CN": "例如:{example}"},
    "expression.aggregate_unavailable": {
        "en": "The value of {call} was not computed here",
        "zh-CN": "这里没有计算“{call}”的值",
    },
    "expression.hint.aggregate_where": {
        "en": "Aggregates across records can be used in a form's formulas, conditions and rules.",
        "zh-CN": "跨记录的统计只能用在表单的公式、条件和校验规则中。",
    },
    "expression.loop_variable_is_helper": {"en": "'{name}' is a helper function", "zh-CN": "“{name}”是辅助函数"},
    "expression.loop_variable_plain": {
        "en": "Only plain names can be loop variables",
        "zh-CN": "循环变量只能是简单的名称",
    },
    "expression.restricted": {"en": "This is not allowed in expressions", "zh-CN": "表达式中不允许这样写"},
    "expression.cannot_compile": {
        "en": "The expression cannot be compiled: {detail}",
        "zh-CN": "表达式无法编译:{detail}",
    },
    # -- names --------------------------------------------------------------------------------------
    "expression.unknown_name": {"en": "Unknown name '{name}'", "zh-CN": "未知的名称“{name}”"},
    "expression.hint.did_you_mean": {"en": "Did you mean '{name}'?", "zh-CN": "您是想写“{name}”吗?"},
    "expression.hint.no_fields": {"en": "No fields are available here.", "zh-CN": "这里没有可用的字段。"},
    "expression.hint.check_field_id": {"en": "Check the field id.", "zh-CN": "请检查字段 ID。"},
    "expression.hint.known_fields": {"en": "Known fields: {names}.", "zh-CN": "可用的字段:{names}。"},
    "expression.hint.no_such_field": {
        "en": "The data given to the expression has no such field; check the spelling.",
        "zh-CN": "表达式收到的数据中没有这个字段,请检查拼写。",
    },
    # -- evaluating -----------------------------------------------------------------------------------
    "expression.result_not_value": {"en": "The result is {kind}, not a value", "zh-CN": "结果是{kind},不是一个值"},
    "expression.attribute_unavailable": {"en": "'{name}' is not available on {kind}", "zh-CN": "{kind}没有“{name}”"},
    "expression.position_type": {
        "en": "Positions in {container} are whole numbers, not {kind}",
        "zh-CN": "{container}中的位置必须是整数,而不是{kind}",
    },
    "expression.cannot_look_up": {
        "en": "Cannot look up [{key}] in {container}",
        "zh-CN": "无法在{container}中查找[{key}]",
    },
    "expression.cannot_loop": {"en": "Cannot loop over {kind}", "zh-CN": "无法遍历{kind}"},
    "expression.cannot_operate_none": {"en": "Cannot {verb} an empty value (None)", "zh-CN": "无法对空值做{verb}"},
    "expression.cannot_operate": {"en": "Cannot {verb} {a} and {b}", "zh-CN": "无法对{a}和{b}做{verb}"},
    "expression.verb.add": {"en": "add", "zh-CN": "加法"},
    "expression.verb.subtract": {"en": "subtract", "zh-CN": "减法"},
    "expression.verb.multiply": {"en": "multiply", "zh-CN": "乘法"},
    "expression.verb.divide": {"en": "divide", "zh-CN": "除法"},
    "expression.verb.remainder": {"en": "take the remainder of", "zh-CN": "求余"},
    "expression.verb.power": {"en": "raise", "zh-CN": "乘方"},
    "expression.verb.shift": {"en": "shift", "zh-CN": "移位"},
    "expression.verb.combine": {"en": "combine", "zh-CN": "合并"},
    "expression.text_percent": {"en": "Text formatting with % is not supported", "zh-CN": "不支持用“%”格式化文本"},
    "expression.compare_none": {"en": "Cannot compare an empty value (None)", "zh-CN": "无法比较空值"},
    "expression.compare": {"en": "Cannot compare {a} with {b}", "zh-CN": "无法比较{a}和{b}"},
    "expression.division_by_zero": {"en": "Division by zero", "zh-CN": "除数为零"},
    "expression.number_too_large": {"en": "The number is too large", "zh-CN": "数字太大"},
    "expression.undefined_result": {"en": "The calculation has no defined result", "zh-CN": "计算结果没有定义"},
    "expression.too_much_memory": {"en": "The expression needs too much memory", "zh-CN": "表达式需要的内存太多"},
    "expression.nested_too_deeply": {"en": "The values are nested too deeply", "zh-CN": "值的嵌套太深"},
    "expression.failed": {"en": "The expression failed: {detail}", "zh-CN": "表达式执行失败:{detail}"},
    "expression.cannot_look_inside": {"en": "Cannot look inside {kind}", "zh-CN": "无法查看{kind}的内部"},
    "expression.cannot_use_on": {"en": "Cannot use {operator} on {kind}", "zh-CN": "无法对{kind}使用“{operator}”"},
    "expression.unhashable": {"en": "{kind} cannot be a key or a set member", "zh-CN": "{kind}不能作为键或集合成员"},
    # -- helpers ------------------------------------------------------------------------------------
    "expression.cannot_compare_others": {
        "en": "{helper}() cannot compare {kind} with the other values",
        "zh-CN": "“{helper}()”无法把{kind}与其他值比较",
    },
    "expression.round_digits": {"en": "round() can keep at most 100 digits", "zh-CN": "“round()”最多保留 100 位"},
    "expression.cannot_round": {"en": "round() cannot round {value}", "zh-CN": "“round()”无法对 {value} 取整"},
    "expression.sorted_key": {
        "en": "sorted(key=...) must name a helper such as lower or len",
        "zh-CN": "“sorted(key=...)”必须指定一个辅助函数,例如“lower”或“len”",
    },
    "expression.sorted_compare": {
        "en": "sorted() cannot compare these values with each other",
        "zh-CN": "“sorted()”无法相互比较这些值",
    },
    "expression.range_arguments": {
        "en": "range() needs one to three whole numbers",
        "zh-CN": "“range()”需要一到三个整数",
    },
    "expression.range_step": {"en": "range() step cannot be zero", "zh-CN": "“range()”的步长不能为零"},
    "expression.range_too_big": {
        "en": "range() would have {size:,} numbers, more than the limit of {limit:,}",
        "zh-CN": "“range()”会产生 {size:,} 个数字,超过上限 {limit:,}",
    },
    "expression.number_text_too_long": {
        "en": "{helper}() cannot read numbers longer than 100 characters",
        "zh-CN": "“{helper}()”无法读取超过 100 个字符的数字",
    },
    "expression.not_number_text": {
        "en": "{helper}() cannot read '{text}' as a number",
        "zh-CN": "“{helper}()”无法把“{text}”读成数字",
    },
    # -- dates ----------------------------------------------------------------------------------------
    "expression.date_out_of_range": {
        "en": "{helper}() cannot add {value}: the date would be out of range",
        "zh-CN": "“{helper}()”无法加上 {value}:日期会超出范围",
    },
    "expression.beyond_years": {
        "en": "{helper}() would go beyond the years 1-9999",
        "zh-CN": "“{helper}()”的结果会超出公元 1 至 9999 年",
    },
    "expression.not_duration": {"en": "'{text}' is not an ISO-8601 duration", "zh-CN": "“{text}”不是 ISO-8601 时长"},
    "expression.duration_too_long": {"en": "'{text}' is longer than 10,000 years", "zh-CN": "“{text}”超过了 10,000 年"},
    # -- patterns -----------------------------------------------------------------------------------
    "expression.pattern_invalid": {
        "en": "The pattern is not valid: {detail} at character {position}",
        "zh-CN": "模式无效:第 {position} 个字符处{detail}",
    },
    "expression.pattern.unbalanced": {"en": "unbalanced parenthesis", "zh-CN": "括号不配对"},
    "expression.pattern.nothing_to_repeat": {"en": "nothing to repeat", "zh-CN": "没有可重复的内容"},
    "expression.pattern.multiple_repeat": {"en": "multiple repeat", "zh-CN": "重复符号连用"},
    "expression.pattern.min_over_max": {"en": "min repeat greater than max repeat", "zh-CN": "重复次数的下限大于上限"},
    "expression.pattern.unterminated_name": {"en": "missing >, unterminated name", "zh-CN": "缺少“>”,名称没有结束"},
    "expression.pattern.unterminated_comment": {
        "en": "missing ), unterminated comment",
        "zh-CN": "缺少“)”,注释没有结束",
    },
    "expression.pattern.unterminated_group": {
        "en": "missing ), unterminated subpattern",
        "zh-CN": "缺少“)”,分组没有结束",
    },
    "expression.pattern.escape_at_end": {"en": "bad escape (end of pattern)", "zh-CN": "模式以转义符结尾"},
    "expression.pattern.incomplete_escape": {"en": "incomplete escape {escape}", "zh-CN": "转义“{escape}”不完整"},
    "expression.pattern.bad_escape": {"en": "bad escape {escape}", "zh-CN": "无效的转义“{escape}”"},
    "expression.pattern.unterminated_set": {"en": "unterminated character set", "zh-CN": "字符集没有结束"},
    "expression.pattern.bad_range": {"en": "bad character range", "zh-CN": "字符范围无效"},
    "expression.pattern.other": {"en": "{reason}", "zh-CN": "语法错误({reason})"},
    "expression.pattern_unsupported": {
        "en": "The pattern cannot be run by the linear-time matcher (RE2): {reason}",
        "zh-CN": "线性时间匹配引擎(RE2)无法运行该模式:{reason}",
    },
    "expression.pattern_refused": {"en": "Patterns cannot use {feature}", "zh-CN": "模式中不能使用{feature}"},
    "expression.feature.lookahead": {"en": "look-ahead (?=...)", "zh-CN": "前瞻“(?=...)”"},
    "expression.feature.negative_lookahead": {"en": "negative look-ahead (?!...)", "zh-CN": "否定前瞻“(?!...)”"},
    "expression.feature.lookbehind": {"en": "look-behind (?<=...)", "zh-CN": "后顾“(?<=...)”"},
    "expression.feature.atomic": {"en": "atomic groups (?>...)", "zh-CN": "原子分组“(?>...)”"},
    "expression.feature.conditional": {"en": "conditional groups (?(...)...)", "zh-CN": "条件分组“(?(...)...)”"},
    "expression.feature.scoped_flags": {"en": "scoped flags (?i:...)", "zh-CN": "局部标志“(?i:...)”"},
    "expression.feature.possessive": {"en": "possessive repetition (*+, ++, ?+)", "zh-CN": "占有型重复(“*+”“++”“?+”)"},
    "expression.feature.backreferences": {"en": "backreferences", "zh-CN": "反向引用"},
    "expression.feature.other_flags": {
        "en": "flags other than (?i), (?s) and (?m) at the start of the pattern",
        "zh-CN": "模式开头的“(?i)”“(?s)”“(?m)”以外的标志",
    },
    "expression.pattern_too_complex": {
        "en": "The pattern is too complex (more than {limit:,} states)",
        "zh-CN": "模式太复杂(超过 {limit:,} 个状态)",
    },
    "expression.pattern_too_long": {
        "en": "The pattern has {size:,} characters, more than the limit of {limit:,}",
        "zh-CN": "模式有 {size:,} 个字符,超过上限 {limit:,}",
    },
    "expression.match_text_too_long": {
        "en": "matches() can look at {limit:,} characters of text, this one has {size:,}",
        "zh-CN": "“matches()”最多查看 {limit:,} 个字符,这段文本有 {size:,} 个",
    },
    # -- limits -------------------------------------------------------------------------------------
    "expression.too_many_steps": {
        "en": "The expression loops too often (more than {limit:,} steps)",
        "zh-CN": "表达式循环次数太多(超过 {limit:,} 步)",
    },
    "expression.too_much_built": {
        "en": "The expression builds too much text or too many items (more than {limit:,} in total)",
        "zh-CN": "表达式生成的文本或项目太多(合计超过 {limit:,})",
    },
    "expression.too_slow": {
        "en": "The expression takes too long (more than {ms:g} ms of computing)",
        "zh-CN": "表达式计算时间太长(超过 {ms:g} 毫秒)",
    },
    "expression.result_too_long": {
        "en": "The result would have {size:,} characters or items, more than the limit of {limit:,}",
        "zh-CN": "结果会有 {size:,} 个字符或项目,超过上限 {limit:,}",
    },
    "expression.number_too_big": {
        "en": "The number would have more than {limit:,} binary digits",
        "zh-CN": "数字会超过 {limit:,} 个二进制位",
    },
    "expression.outside_evaluation": {
        "en": "This value can only be used while its expression is evaluated",
        "zh-CN": "这个值只能在它的表达式求值时使用",
    },
    # -- hints --------------------------------------------------------------------------------------
    "expression.hint.split": {"en": "Split it into several calculated fields.", "zh-CN": "请拆分成几个计算字段。"},
    "expression.hint.write_something": {"en": "Write a condition or a formula.", "zh-CN": "请写一个条件或公式。"},
    "expression.hint.remove_extra": {"en": "Remove the ';' or the extra lines.", "zh-CN": "请删除“;”或多余的行。"},
    "expression.hint.one_value": {
        "en": "An expression computes one value, like {formula} or {condition}.",
        "zh-CN": "表达式只计算一个值,例如“{formula}”或“{condition}”。",
    },
    "expression.hint.missing_end": {
        "en": "Something is missing at the end, such as a value after an operator.",
        "zh-CN": "结尾缺少内容,例如运算符后面的值。",
    },
    "expression.hint.check_syntax": {
        "en": "Check for a missing quote, bracket or operator.",
        "zh-CN": "请检查是否缺少引号、括号或运算符。",
    },
    "expression.hint.underscore": {"en": "Names starting with '_' are reserved.", "zh-CN": "以“_”开头的名称是保留的。"},
    "expression.hint.use_helpers": {
        "en": "Use fields and the helpers listed in docs/expressions.md.",
        "zh-CN": "请使用字段和“docs/expressions.md”中列出的辅助函数。",
    },
    "expression.hint.read_fields": {
        "en": "Read fields by their names; names starting with '_' are reserved.",
        "zh-CN": "请直接用名称读取字段;以“_”开头的名称是保留的。",
    },
    "expression.hint.methods": {
        "en": "Text offers lower(), upper(), strip(), startswith() and endswith();"
        " dates offer weekday() and isoformat().",
        "zh-CN": "文本可用“lower()”“upper()”“strip()”“startswith()”和“endswith()”;日期可用“weekday()”和“isoformat()”。",
    },
    "expression.hint.usage": {"en": "Use {name}({usage}).", "zh-CN": "请写成“{name}({usage})”。"},
    "expression.hint.rename_loop_variable": {
        "en": "Choose another name for the loop variable.",
        "zh-CN": "请给循环变量换个名字。",
    },
    "expression.hint.call_or_wrap": {
        "en": "Call the helper, or wrap the generator in sum(), any(), all(), min(), max() or sorted().",
        "zh-CN": "请调用该辅助函数,或用“sum()”“any()”“all()”“min()”“max()”或“sorted()”包住生成器。",
    },
    "expression.hint.wrap_generator": {
        "en": "Wrap the generator in sum(), any(), all(), min(), max() or sorted().",
        "zh-CN": "请用“sum()”“any()”“all()”“min()”“max()”或“sorted()”包住生成器。",
    },
    "expression.hint.fields_on_records": {
        "en": "Fields can be read on records and sub-table rows; see docs/expressions.md for the rest.",
        "zh-CN": "只有记录和子表行可以读取字段;其余用法见“docs/expressions.md”。",
    },
    "expression.hint.none": {
        "en": "A field may be empty: use coalesce(field, 0) to give it a default.",
        "zh-CN": "字段可能为空:请用“coalesce(field, 0)”给它一个默认值。",
    },
    "expression.hint.str": {"en": "Use str() to turn a number into text.", "zh-CN": "请用“str()”把数字转成文本。"},
    "expression.hint.build_text": {
        "en": "Build text with + and str(), or with an f-string like {example}.",
        "zh-CN": "请用“+”和“str()”拼接文本,或写成“{example}”这样的格式化文本。",
    },
    "expression.hint.check_divisor": {
        "en": "Check the divisor first: a / b if b else 0.",
        "zh-CN": "请先检查除数:“a / b if b else 0”。",
    },
    "expression.hint.smaller_values": {"en": "Build smaller values.", "zh-CN": "请生成更小的值。"},
    "expression.hint.smaller_value": {"en": "Build a smaller value.", "zh-CN": "请生成更小的值。"},
    "expression.hint.iso_dates": {
        "en": "Write dates in ISO format, like '2024-05-01' or '2024-05-01T08:30'.",
        "zh-CN": "请用 ISO 格式写日期,例如“2024-05-01”或“2024-05-01T08:30”。",
    },
    "expression.hint.duration_days": {
        "en": "Years and months have no fixed length: write days, e.g. 'P30D'.",
        "zh-CN": "年和月的长度不固定,请写成天数,例如“P30D”。",
    },
    "expression.hint.duration_form": {
        "en": "Write it like 'PT4H' (4 hours), 'P1DT12H' or 'P2W'.",
        "zh-CN": "请写成“PT4H”(4 小时)、“P1DT12H”或“P2W”这样的形式。",
    },
    "expression.hint.smaller_range": {"en": "Use a smaller range.", "zh-CN": "请缩小范围。"},
    "expression.hint.check_pattern": {"en": "Check the regular expression.", "zh-CN": "请检查正则表达式。"},
    "expression.hint.pattern_features": {
        "en": "matches() supports classes, groups, | and repetition; see docs/expressions.md.",
        "zh-CN": "“matches()”支持字符类、分组、“|”和重复;参见“docs/expressions.md”。",
    },
    "expression.hint.smaller_repetition": {
        "en": "Use smaller repetition counts like {{1,20}}.",
        "zh-CN": "请使用更小的重复次数,例如“{{1,20}}”。",
    },
    "expression.hint.shorter_pattern": {"en": "Use a shorter pattern.", "zh-CN": "请使用更短的模式。"},
    "expression.hint.use_contains": {"en": "Use contains() for long text.", "zh-CN": "长文本请用“contains()”。"},
    "expression.hint.loop_less": {
        "en": "Loop over less data or simplify nested loops.",
        "zh-CN": "请减少循环的数据或简化嵌套循环。",
    },
    "expression.hint.build_less": {
        "en": "Build smaller values or loop over less data.",
        "zh-CN": "请生成更小的值或减少循环的数据。",
    },
    "expression.hint.simplify": {
        "en": "Simplify it or loop over less data.",
        "zh-CN": "请简化表达式或减少循环的数据。",
    },
    "expression.hint.smaller_numbers": {"en": "Use smaller numbers.", "zh-CN": "请使用更小的数字。"},
}
