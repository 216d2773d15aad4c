"""Whole numbers and ids from untrusted text: the one parser for query strings, path segments and headers.

``str.isdigit()`` accepts ``²`` and ``٣`` (which ``int()`` then refuses or reads as another number),
``int()`` of a 5,000-digit string is refused by Python, and an id past 2**63 - 1 overflows SQLite's
integers. Every caller therefore asks here, and gets ``None`` for anything that is not plain ASCII
digits within its bounds; what to answer then (404, 422, a default) is the caller's decision.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL's bigint both hold
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_whole(text: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """``text`` as an int in ``low..high``, or None (not a string of ASCII digits, or out of bounds)."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_id(text: object) -> int | None:
    """A record, row or event id: a positive whole number a database column can hold."""
    return parse_whole(text, low=1)
