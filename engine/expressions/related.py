"""A relation field's value in an expression: the related record's id that also reads its fields.

``room == 5``, ``room in (5, 6)``, ``json.dumps(room)`` and ``room < 9`` see a whole number - the id
the field stores - while ``room.building.community`` reads through it, one related record per
step. The records are loaded before evaluation (in batches, by whoever builds the context); a
related record that is missing, deleted or not the reader's to see has no fields, so every field
read through it is ``None``, as any field read on ``None`` is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class RelatedId(int):
    """An id (an ``int`` in every respect) carrying the related record's values, or ``None``."""

    def __new__(cls, value: int, record: Mapping[str, Any] | None = None) -> RelatedId:
        made = super().__new__(cls, value)
        made.record = record
        return made

    record: Mapping[str, Any] | None

    def field(self, name: str) -> Any:
        """The related record's field ``name``; ``None`` when the record or the field is not there."""
        return None if self.record is None else self.record.get(name)

    def __reduce__(self) -> tuple[type[int], tuple[int]]:
        return int, (int(self),)  # copied or pickled it is the plain id: records never travel
