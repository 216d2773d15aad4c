"""Hostile expressions: every classic way out of a Python sandbox is refused, quickly and by name.

Each case is compiled and evaluated against an ordinary record; each must end in the listed
``ExpressionError`` subclass - most of them at compile time, before any code exists - and
never in a host value, a Python exception or a hang.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from engine.expressions import (
    ExpressionError,
    ExpressionRuntimeError,
    ExpressionSyntaxError,
    ForbiddenConstructError,
    UnknownNameError,
    compile_expression,
)
from engine.expressions.compiler import SANDBOX_GLOBALS
from engine.expressions.limits import METER

RECORD = {
    "x": "abc",
    "n": 5,
    "price": Decimal("9.90"),
    "rec": {"qty": 2, "items": [1, 2]},
    "items": [1, 2, 3],
    "d": datetime(2024, 5, 1, tzinfo=UTC),
}

HOSTILE = [
    # dunder walks to the class hierarchy
    ("().__class__.__bases__[0].__subclasses__()", ForbiddenConstructError),
    ("''.__class__.__mro__[1].__subclasses__()", ForbiddenConstructError),
    ("x.__class__", ForbiddenConstructError),
    ("rec.__dict__", ForbiddenConstructError),
    ("items.__len__()", ForbiddenConstructError),
    ("sum.__self__", ForbiddenConstructError),
    ("lower.__globals__['__builtins__']", ForbiddenConstructError),
    ("now.__module__", ForbiddenConstructError),
    ("[c for c in ().__class__.__base__.__subclasses__()]", ForbiddenConstructError),
    # format-string attribute walks
    ("'{0.__class__}'.format(x)", ForbiddenConstructError),
    ("'{0.__globals__}'.format(lower)", ForbiddenConstructError),
    ("x.format_map(rec)", ForbiddenConstructError),
    ("str.format_map", ForbiddenConstructError),
    ("str.format", ForbiddenConstructError),
    ("f'{x.__class__}'", ForbiddenConstructError),
    ("f'{x:{n}}'", ForbiddenConstructError),
    ("'%s' % x", ForbiddenConstructError),
    # generator / frame walks
    ("(a for a in items).gi_frame.f_globals", ForbiddenConstructError),
    ("(a for a in items).gi_code", ForbiddenConstructError),
    ("(a for a in items).gi_running", ForbiddenConstructError),
    ("x.f_back", ForbiddenConstructError),
    ("x.tb_frame", ForbiddenConstructError),
    # host builtins
    ("getattr(x, 'upper')", ForbiddenConstructError),
    ("type(x)", ForbiddenConstructError),
    ("type(x).__subclasses__(type(x))", ForbiddenConstructError),
    ("vars()", ForbiddenConstructError),
    ("globals()", ForbiddenConstructError),
    ("locals()", ForbiddenConstructError),
    ("dir(x)", ForbiddenConstructError),
    ("open('/etc/passwd').read()", ForbiddenConstructError),
    ("__import__('os').system('id')", ForbiddenConstructError),
    ("__builtins__", ForbiddenConstructError),
    ("eval('1 + 1')", ForbiddenConstructError),
    ("exec('import os')", ForbiddenConstructError),
    ("compile('1', 'x', 'eval')", ForbiddenConstructError),
    ("print(x)", ForbiddenConstructError),
    ("breakpoint()", ForbiddenConstructError),
    ("help()", ForbiddenConstructError),
    ("input()", ForbiddenConstructError),
    ("object()", ForbiddenConstructError),
    ("super()", ForbiddenConstructError),
    ("isinstance(x, str)", ForbiddenConstructError),
    ("id(x)", UnknownNameError),  # id is the record's id field, never the builtin; calling it is no helper
    ("iter(items)", ForbiddenConstructError),
    ("sorted(items, key=getattr)", ForbiddenConstructError),
    ("sorted(items, key=type)", ForbiddenConstructError),
    ("_", ForbiddenConstructError),
    ("_secret", ForbiddenConstructError),
    ("rec._private", ForbiddenConstructError),
    ("[_ctx_ for a in items]", ForbiddenConstructError),
    ("𝐠𝐞𝐭𝐚𝐭𝐭𝐫(x, 'upper')", ForbiddenConstructError),  # bold letters: Python folds them to getattr
    ("＿＿import＿＿('os')", ExpressionSyntaxError),  # full-width underscores are not identifier characters
    # statements and definitions
    ("import os", ForbiddenConstructError),
    ("from os import system", ForbiddenConstructError),
    ("def f(): return 1", ForbiddenConstructError),
    ("class A: pass", ForbiddenConstructError),
    ("x = 1", ForbiddenConstructError),
    ("n += 1", ForbiddenConstructError),
    ("del rec", ForbiddenConstructError),
    ("global x", ForbiddenConstructError),
    ("for a in items: pass", ForbiddenConstructError),
    ("while True: pass", ForbiddenConstructError),
    ("with open('f') as f: pass", ForbiddenConstructError),
    ("try:\n    x\nexcept Exception as e:\n    e", ForbiddenConstructError),
    ("raise SystemExit", ForbiddenConstructError),
    ("x; n", ForbiddenConstructError),
    ("lambda: 1", ForbiddenConstructError),
    ("(lambda f: f(f))(lambda f: f(f))", ForbiddenConstructError),
    ("(y := 1)", ForbiddenConstructError),
    ("[y := 1 for a in items]", ForbiddenConstructError),
    ("await x", ForbiddenConstructError),
    ("[a async for a in items]", ForbiddenConstructError),
    ("yield x", ExpressionSyntaxError),
    # unpacking and odd literals
    ("[*items]", ForbiddenConstructError),
    ("{**rec}", ForbiddenConstructError),
    ("sum(*items)", ForbiddenConstructError),
    ("max(**rec)", ForbiddenConstructError),
    ("b'abc'", ForbiddenConstructError),
    ("1j", ForbiddenConstructError),
    ("n @ n", ForbiddenConstructError),
    ("...", ForbiddenConstructError),
    # methods outside the allow-list, mutation
    ("x.ljust(10)", ForbiddenConstructError),
    ("x.encode()", ForbiddenConstructError),
    ("x.join(items)", ForbiddenConstructError),
    ("items.append(4)", ForbiddenConstructError),
    ("items.pop()", ForbiddenConstructError),
    ("rec.update({'qty': 3})", ForbiddenConstructError),
    ("rec.setdefault('a', 1)", ForbiddenConstructError),
    ("d.replace(year=1)", ForbiddenConstructError),
    ("d.tzinfo", ForbiddenConstructError),
    ("price.as_tuple()", ForbiddenConstructError),
    ("x.lower.func", ForbiddenConstructError),
    ("x.lower.args", ForbiddenConstructError),
    ("n.real", ForbiddenConstructError),
    ("items.copy", ForbiddenConstructError),
    ("[lower][0](x)", ForbiddenConstructError),
    ("rec.qty()", ForbiddenConstructError),
    ("items[0](1)", ForbiddenConstructError),
    ("foo(x)", UnknownNameError),
    ("x.upper.__call__()", ForbiddenConstructError),
    # results that would leave the sandbox
    ("lower", ExpressionRuntimeError),
    ("x.lower", ExpressionRuntimeError),
    ("(a for a in items)", ExpressionRuntimeError),
    ("{'f': upper}", ExpressionRuntimeError),
]


@pytest.mark.parametrize(("source", "error"), HOSTILE, ids=[source for source, _ in HOSTILE])
def test_hostile_expression_is_refused(source, error):
    with pytest.raises(error) as caught:
        compile_expression(source).evaluate(dict(RECORD))
    assert caught.value.line is not None and caught.value.column is not None


def test_there_are_many_hostile_cases():
    assert len(HOSTILE) >= 40


def test_the_classic_escape_is_refused_at_compile_time_pointing_at_the_first_dunder():
    with pytest.raises(ForbiddenConstructError) as caught:
        compile_expression("().__class__.__bases__[0].__subclasses__()")
    assert str(caught.value) == (
        "'__class__' is not allowed (line 1, column 4). Read fields by their names;"
        " names starting with '_' are reserved."
    )
    assert caught.value.code == "expression_forbidden"


def test_a_format_string_walk_is_refused_because_format_is_not_a_method_of_text():
    with pytest.raises(ForbiddenConstructError) as caught:
        compile_expression("'{0.__class__}'.format(x)")
    assert str(caught.value) == (
        "The method 'format()' is not available (line 1, column 17). Text offers lower(), upper(), strip(),"
        " startswith() and endswith(); dates offer weekday() and isoformat()."
    )


def test_a_statement_is_named_and_explained():
    with pytest.raises(ForbiddenConstructError) as caught:
        compile_expression("import os")
    assert str(caught.value) == (
        "Statements are not allowed in an expression: import (line 1, column 1)."
        " An expression computes one value, like qty * unit_price or urgency == '紧急'."
    )


def test_a_host_builtin_is_refused_by_name():
    with pytest.raises(ForbiddenConstructError) as caught:
        compile_expression("len(x) > 0 and getattr(x, 'y')")
    assert str(caught.value) == (
        "'getattr' is not available in expressions (line 1, column 16)."
        " Use fields and the helpers listed in docs/expressions.md."
    )


def test_an_attribute_outside_the_allow_list_is_refused_when_evaluated():
    with pytest.raises(ForbiddenConstructError) as caught:
        compile_expression("d.tzinfo").evaluate(RECORD)
    assert str(caught.value) == (
        "'tzinfo' is not available on a date-time (line 1, column 3)."
        " Fields can be read on records and sub-table rows; see docs/expressions.md for the rest."
    )


def test_a_field_named_like_a_python_attribute_is_still_just_a_field():
    record = {"rec": {"format": "A4", "items": 3, "get": "yes", "keys": None}}
    assert compile_expression("[rec.format, rec.items, rec.get, rec.keys]").evaluate(record) == ["A4", 3, "yes", None]


def test_expressions_cannot_change_the_values_they_are_given():
    record = {"items": [3, 1, 2], "rec": {"qty": 1}}
    for source in ["sorted(items)", "items[::-1]", "items + [4]", "items * 2", "[rec] * 2", "rec"]:
        compile_expression(source).evaluate(record)
    assert record == {"items": [3, 1, 2], "rec": {"qty": 1}}


def test_nothing_an_expression_does_is_seen_by_the_next_one():
    before = dict(SANDBOX_GLOBALS)
    for source, _ in HOSTILE:
        try:
            compile_expression(source).evaluate(dict(RECORD))
        except ExpressionError:
            pass
    assert SANDBOX_GLOBALS == before
    assert SANDBOX_GLOBALS["__builtins__"] == {}
    assert METER.get() is None
    assert compile_expression("x.upper()").evaluate(RECORD) == "ABC"
