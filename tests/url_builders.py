"""Reuse werkzeug's compiled routes across the thousands of Flask apps a test run makes.

Binding a route parses its rule and compiles a small function (an AST made, walked and compiled)
that builds its URLs; with some 130 routes that is most of the 0.1 s an app takes to create, paid
again by every test that makes one. What binding produces is a function of the rule and of how the
map parses it, so the first app's result serves every later one: the parsed parts, the rule's
arguments, the converters (their ``map`` is only read for settings every app shares) and the
builders, which read the rule's converters through their ``self`` argument at call time. Only the
test run does this: a server makes its app once, and every test still gets an app, a map and rules
of its own.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing.rules import Rule

_COMPILED: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_compile = Rule.compile


def _key(rule: Rule) -> tuple[Any, ...]:
    bound = rule.map
    assert bound is not None, "rule not bound"
    return (
        rule.rule,
        rule.host if bound.host_matching else rule.subdomain,
        rule.merge_slashes,
        repr(sorted((rule.defaults or {}).items())),
        tuple(sorted(bound.converters.items())),
    )


def _compile_once(self: Rule) -> None:
    key = _key(self)
    found = _COMPILED.get(key)
    if found is None:
        _compile(self)
        compiled = (self._parts, self._trace, self._converters, frozenset(self.arguments))
        _COMPILED[key] = (*compiled, self._build.__func__, self._build_unknown.__func__)
        return
    parts, trace, converters, arguments, build, build_unknown = found
    self._parts, self._trace, self._converters = list(parts), list(trace), dict(converters)
    self.arguments = self.arguments | arguments
    self._build = build.__get__(self, None)
    self._build_unknown = build_unknown.__get__(self, None)


def reuse_compiled_routes() -> None:
    Rule.compile = _compile_once  # type: ignore[method-assign]
