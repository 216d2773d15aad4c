"""The acting person as a form's defaults see them (forms domain): ``user.id``, ``user.name`` ...

A ``default_expr`` runs when a record is created and may read, besides the form's fields, the
person submitting it as ``user`` - so a "my own inspection" form fills its read-only inspector
field with ``user.id``. The clock is the sandbox's ``now()`` and ``today()`` helpers. A public
submission is nobody's: its ``user.id`` and ``user.name`` are empty, its lists empty.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any

from engine.principal import Principal

#: What ``user`` offers in a default, in the order the documentation lists them.
USER_ATTRIBUTES = ("id", "name", "groups", "communities")


def acting_names(principal: Principal) -> dict[str, Any]:
    """The names a ``default_expr`` reads besides the form's fields (for ``FormValidator.validate``)."""
    if principal.anonymous:
        return {"user": {"id": None, "name": None, "groups": [], "communities": []}}
    return {
        "user": {
            "id": principal.id,
            "name": principal.name,
            "groups": sorted(principal.groups),
            "communities": sorted(principal.communities),
        }
    }


def unknown_user_attribute(source: str) -> tuple[str, int, int] | None:
    """The first ``user.<name>`` (or ``user['<name>']``) that ``user`` does not offer, with its
    line and column (1-based), or None. The expression is known to compile."""
    found: list[tuple[int, int, str]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sandbox has spoken about this text already
        tree = ast.parse(source, mode="eval")
    for node in ast.walk(tree):
        name: Any = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            name = node.slice.value
        else:
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id == "user" and name not in USER_ATTRIBUTES:
            found.append((node.lineno, node.col_offset + 1, str(name)))
    if not found:
        return None
    line, column, name = min(found)
    return name, line, column
