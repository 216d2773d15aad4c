"""Task actions go through a table of handlers, and a refused value speaks the reader's language."""

import pytest

from engine.errors import SubmissionError
from engine.flows.actions import TASK_ACTIONS
from engine.services.flow_actions import HANDLERS, required_text, text

NOTED = {"save", "check_in"}  # actions that only leave a trace in the history


def test_every_task_action_has_its_handler_or_is_noted():
    assert set(HANDLERS) | NOTED == set(TASK_ACTIONS)
    assert not set(HANDLERS) & NOTED


def test_a_too_long_comment_is_refused_in_english_for_the_log_and_chinese_next_to_the_field():
    with pytest.raises(SubmissionError) as refused:
        text("x" * 2001, "comment", 2000, "zh-CN")
    assert refused.value.message == "comment is longer than 2000 characters"
    assert refused.value.field_errors == {"comment": ["最多 2000 个字符"]}


def test_a_missing_recipient_is_refused_by_name():
    with pytest.raises(SubmissionError) as refused:
        required_text("  ", "to", "en")
    assert refused.value.field_errors == {"to": ["to is required"]}
