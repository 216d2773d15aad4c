"""A field's ``pattern`` runs on RE2: what RE2 cannot run in linear time is refused at validate, named."""

import copy

import pytest

from engine.packages import package_problems
from engine.packages.messages import localize
from tests.docs.test_app_format_doc import example_package


def _with_pattern(pattern: str) -> dict:
    package = copy.deepcopy(example_package())
    package["forms"][0]["fields"][0]["pattern"] = pattern
    return package


@pytest.mark.parametrize(
    ("pattern", "english", "chinese"),
    [
        (r"^(\d)\1$", "Patterns cannot use backreferences", "模式中不能使用反向引用"),
        (r"^(?=.*\d)\w+$", "Patterns cannot use look-ahead (?=...)", "模式中不能使用前瞻“(?=...)”"),
        (r"(?<!x)y", "Patterns cannot use look-behind (?<=...)", "模式中不能使用后顾“(?<=...)”"),
        ("[A-Z", "unterminated character set", "字符集没有结束"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_at_validate_with_its_pointer(pattern, english, chinese):
    (found,) = package_problems(_with_pattern(pattern))
    assert (found.pointer, found.code) == ("/forms/0/fields/0/pattern", "form.bad_pattern")
    assert english in found.message and pattern in found.message
    assert chinese in localize(found, "zh-CN").message


@pytest.mark.parametrize(
    "pattern", [r"^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$", r"^[0-9]{17}[0-9Xx]\Z", "^(a+)+$", r"^\d{,4}$"]
)
def test_patterns_re2_runs_are_accepted(pattern):
    assert package_problems(_with_pattern(pattern)) == []
