"""Conditions between BPMN and Trellis: JUEL ``${...}`` and FEEL ``=...`` into Python expressions.

Only a simple, safe subset translates (comparisons, and/or/not, literals, field names); anything
else - method calls such as ``execution.getVariable``, the ``?:`` operator, ``empty`` - is
refused with a reason, so the importer reports it instead of guessing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from engine.flows.bpmn.text import Text, says

JUEL = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
TOKEN = re.compile(
    r"""(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      |(?P<op>&&|\|\||==|!=|>=|<=|!|=)
      |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
      |(?P<other>\s+|.)""",
    re.VERBOSE | re.DOTALL,
)
JUEL_WORDS = {
    "eq": "==", "ne": "!=", "gt": ">", "lt": "<", "ge": ">=", "le": "<=", "div": "/", "mod": "%",
    "true": "True", "false": "False", "null": "None", "and": "and", "or": "or", "not": "not",
}  # fmt: skip
FEEL_WORDS = {"true": "True", "false": "False", "null": "None", "and": "and", "or": "or", "not": "not"}
UNTRANSLATABLE = {"empty", "instanceof", "execution", "task", "this"}


@dataclass(frozen=True, slots=True)
class Translation:
    python: str | None
    reason: Text | None = None  # why there is no translation


def to_python(source: str) -> Translation:
    """A Python expression for a BPMN condition, or the reason it cannot be translated."""
    text = source.strip()
    if not text:
        return Translation(None, says("bpmn.condition.empty"))
    juel = JUEL.match(text)
    if juel:
        return _checked(_translate(juel.group("body"), JUEL_WORDS, feel=False))
    if text.startswith("="):
        return _checked(_translate(text[1:], FEEL_WORDS, feel=True))
    if _parses(text):
        return _checked(text)
    return _checked(_translate(text, JUEL_WORDS, feel=False))


def _translate(body: str, words: dict[str, str], *, feel: bool) -> str | Translation:
    out: list[str] = []
    strings: list[str] = []  # kept verbatim: spacing is normalized only outside string literals
    for match in TOKEN.finditer(body):
        kind, value = match.lastgroup, match.group()
        if kind == "op":
            if value in ("&&", "||"):
                out.append(" and " if value == "&&" else " or ")
            elif value == "!":
                out.append(" not ")
            elif value == "=":
                if not feel:
                    return Translation(None, says("bpmn.condition.assignment"))
                out.append("==")
            else:
                out.append(value)
        elif kind == "word":
            if value in UNTRANSLATABLE:
                return Translation(None, says("bpmn.condition.no_equivalent", token=value))
            out.append(f" {words[value]} " if value in words else value)
        elif kind == "other" and value in "?:;{}[]":
            return Translation(None, says("bpmn.condition.no_equivalent", token=value))
        elif kind == "string":
            out.append(f"\0{len(strings)}\0")
            strings.append(value)
        else:
            out.append(value)
    text = re.sub(r"\s+", " ", "".join(out)).strip().replace("( ", "(").replace(" )", ")")
    return re.sub("\0(\\d+)\0", lambda m: strings[int(m.group(1))], text)


def _checked(result: str | Translation) -> Translation:
    if isinstance(result, Translation):
        return result
    if not _parses(result):
        return Translation(None, says("bpmn.condition.not_simple"))
    tree = ast.parse(result, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return Translation(None, says("bpmn.condition.method_call"))
        if isinstance(node, ast.Lambda | ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom):
            return Translation(None, says("bpmn.condition.not_simple"))
    return Translation(result)


def _parses(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# -- multi-instance completion conditions ---------------------------------------------------------

COMPLETED = {"nrOfCompletedInstances", "numberOfCompletedInstances"}
TOTAL = {"nrOfInstances", "numberOfInstances"}


@dataclass(frozen=True, slots=True)
class Completion:
    """What a completion condition means for an approval: its mode and optional pass ratio."""

    mode: str
    pass_ratio: float | int | None = None


def completion(source: str | None, *, sequential: bool) -> Completion | None:
    """The approval an MI loop describes, or None when its completion condition is not understood.

    ``nrOfCompletedInstances >= 1`` (the first decision decides) is or-sign;
    ``nrOfCompletedInstances / nrOfInstances >= r`` is a pass ratio; no condition (or "all
    completed") is countersign, or sequential when the loop is sequential.
    """
    base = "sequential" if sequential else "countersign"
    if source is None or not source.strip():
        return Completion(base)
    translated = to_python(source)
    if translated.python is None:
        return None
    tree = ast.parse(translated.python, mode="eval").body
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1):
        return None
    left, op, right = tree.left, tree.ops[0], tree.comparators[0]
    if _name(left) in COMPLETED and _name(right) in TOTAL and isinstance(op, ast.GtE | ast.Eq):
        return Completion(base)
    number = right.value if isinstance(right, ast.Constant) else None
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    if _name(left) in COMPLETED and not sequential:
        if (isinstance(op, ast.GtE | ast.Eq) and number == 1) or (isinstance(op, ast.Gt) and number == 0):
            return Completion("or_sign")
    ratio = _ratio(left)
    if ratio and isinstance(op, ast.GtE) and 0 < number < 1:
        return Completion(base, number)
    if ratio and isinstance(op, ast.GtE) and number == 1:
        return Completion(base)
    return None


def completion_condition(mode: str, pass_ratio: float | int | None) -> str | None:
    """The Camunda completion condition the writer puts on an approval's MI loop."""
    if mode == "or_sign":
        return "${nrOfCompletedInstances >= 1}"
    if pass_ratio is not None and not isinstance(pass_ratio, bool):
        return f"${{nrOfCompletedInstances / nrOfInstances >= {pass_ratio!r}}}"
    return None


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def _ratio(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Div)
        and _name(node.left) in COMPLETED
        and _name(node.right) in TOTAL
    )
