"""The vocabulary of list filters (forms domain): ``field__op=value``, shared by the records API and views.

A filter's key is a field id, a system column, a relation path (``room.building.community``) or a
flow filter (``_step``, ``_assignee``, ``_overdue``, ``_state``: names no field may take, as field
ids start with a letter), then optionally ``__`` and an operator (``eq`` when none is given).
"""

from __future__ import annotations

#: ``notin``: none of these (an empty value is none of them either); ``hour``/``weekday``: the hour of
#: the day (0-23) or the weekday (1 = Monday) of a date or time, in the company's time zone
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "notin", "contains", "isnull", "hour", "weekday")
#: each flow filter and the operators it takes
FLOW_OPERATORS: dict[str, tuple[str, ...]] = {
    "_step": ("eq", "in"),  # an open task at this flow node
    "_assignee": ("eq", "in"),  # an open task held by this person
    "_overdue": ("eq",),  # an open task past its due time (true), or none (false)
    "_state": ("eq", "in"),  # a flow instance in this state
}
FLOW_FILTERS = tuple(FLOW_OPERATORS)
INSTANCE_STATES = ("running", "completed", "cancelled", "failed")
#: the value a filter may hold for "the person looking" (``worker=$me``)
ME = "$me"


def split_filter(key: str) -> tuple[str, str]:
    """``room.building__in`` -> ``("room.building", "in")``; no operator is ``eq``."""
    name, _, op = key.partition("__")
    return name, op or "eq"
