"""A refusal a person reads is raised by catalog code, never as an English sentence written in place."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import engine
from engine.errors import EngineError

ENGINE = Path(engine.__file__).resolve().parent
#: a programmer's mistake when registering a type, never a user's: English for whoever writes the code
WRITTEN_IN_PLACE = {("registry.py", "DuplicateKeyError"), ("registry.py", "UnknownKeyError")}


def _engine_errors() -> set[str]:
    names = set()
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        names.update(
            name for name, value in vars(module).items() if inspect.isclass(value) and issubclass(value, EngineError)
        )
    return names


def test_no_engine_error_is_raised_with_a_sentence_written_in_place():
    errors = _engine_errors()
    offenders = []
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in errors):
                continue
            first = node.args[0] if node.args else None
            written = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            )
            if written and (str(path.relative_to(ENGINE)), node.func.id) not in WRITTEN_IN_PLACE:
                offenders.append(f"{path.relative_to(ENGINE)}:{node.lineno} {node.func.id}({ast.unparse(first)[:60]})")
    assert offenders == []


def test_a_parameter_that_can_say_itself_is_said_in_the_readers_language():
    from engine.errors import DefinitionError
    from engine.expressions import compile_expression
    from engine.expressions.errors import LocatedExpressionError

    with pytest.raises(LocatedExpressionError) as raised:
        compile_expression("amount +")
    exc = raised.value
    error = DefinitionError.says("form.expression_invalid", where="/forms/0/fields/1/expression", reason=exc)

    assert error.message == f"/forms/0/fields/1/expression: {exc.message}"
    assert error.localized("zh-CN") == f"/forms/0/fields/1/expression:{exc.localized('zh-CN')}"
    assert error.localized("zh-CN") != error.message
