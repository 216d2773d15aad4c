"""Behaviour that depends on a field's type is asked of the type (``FIELD_TYPES``), never decided by
comparing the type's name outside ``engine/forms/types``: a new type stays one file only while no
``if field.type == "subtable"`` elsewhere needs to learn about it."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.forms.types import FIELD_TYPES

ENGINE = Path(__file__).resolve().parents[2] / "engine"
TYPES = ENGINE / "forms" / "types"


def _is_type(node: ast.expr, aliases: frozenset[str] = frozenset()) -> bool:
    """``x.type``, ``x["type"]``, ``x.get("type")``, or a name bound to a field's (``kind = field["type"]``)."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    if isinstance(node, ast.Attribute):
        return node.attr == "type"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "type"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value == "type"
    return False


def _of_a_field(node: ast.expr) -> bool:
    """Whether a ``type`` is read off a field (``field``, ``child``): an assignee's or a node's ``type`` is not."""
    owner = getattr(node.func if isinstance(node, ast.Call) else node, "value", None)
    return isinstance(owner, ast.Name) and ("field" in owner.id or owner.id == "child")


def _strings(node: ast.expr, named: dict[str, list[str]]) -> Iterator[str]:
    """The string constants ``node`` stands for: itself, a literal collection, or a module-level name bound to one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _strings(element, named)
    elif isinstance(node, ast.Name):
        yield from named.get(node.id, [])


def field_type_checks(source: str) -> list[str]:
    """``line: names`` of every comparison of a ``type`` against field type names in ``source``."""
    tree = ast.parse(source)
    named = {
        target.id: list(_strings(statement.value, {}))
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    aliases = frozenset(
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_type(node.value) and _of_a_field(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    )
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_type(side, aliases) for side in sides):
                names = sorted({name for side in sides for name in _strings(side, named) if name in FIELD_TYPES})
                if names:
                    found.append(f"{node.lineno}: {', '.join(names)}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        'if field.type == "subtable": pass',
        'if field["type"] != "formula": pass',
        'x = f.get("type") in ("section", "file")',
        'x = "serial" == field.type',
        'KINDS = ("image", "file")\nx = [f for f in fields if f.type in KINDS]',
        'kind = field["type"]\nif kind in ("number", "money"): pass',
    ],
)
def test_the_scan_finds_a_comparison_with_a_field_type_name(source):
    assert field_type_checks(source) != []


@pytest.mark.parametrize(
    "source",
    [
        'if node.type == "approval": pass',
        'if assignment["type"] == "role": pass',
        'if v.get("type") == "string": pass',
        'kind = assignment["type"]\nif kind == "group": pass',
        "if FIELD_TYPES.get(field.type).holds_rows: pass",
    ],
)
def test_the_scan_leaves_other_kinds_of_type_alone(source):
    assert field_type_checks(source) == []


def test_no_field_type_is_compared_by_name_outside_the_field_types():
    offenders = {
        str(path.relative_to(ENGINE)): found
        for path in sorted(ENGINE.rglob("*.py"))
        if not path.is_relative_to(TYPES) and (found := field_type_checks(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
