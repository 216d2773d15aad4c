"""Registry[T]: named plug-ins (field types, node types, connectors) that refuse duplicates.

A registry is how a new type becomes one file: the module registers itself under a key, and
every lookup of an unknown key answers with the nearest known names instead of a KeyError.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from engine.errors import EngineError

T = TypeVar("T")


def suggest(name: str, candidates: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class UnknownKeyError(EngineError):
    code = "unknown_key"


class DuplicateKeyError(EngineError):
    code = "duplicate_key"


class Registry(Generic[T]):
    """A mapping from key to plug-in that can be added to once per key and never overwritten."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        if key in self._items:
            raise DuplicateKeyError(f"{self.kind} '{key}' is already registered; pick another name")
        self._items[key] = item
        return item

    def get(self, key: str) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise UnknownKeyError(f"unknown {self.kind} '{key}'{suggest(key, self._items)}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return sorted(self._items)

    def items(self) -> list[tuple[str, T]]:
        """Every key with its item in the order they were registered: the order a palette shows."""
        return list(self._items.items())

    @contextmanager
    def scoped(self, key: str, item: T) -> Iterator[T]:
        """``key`` registered for one ``with`` block only (a test's toy type), removed on the way out."""
        self.register(key, item)
        try:
            yield item
        finally:
            del self._items[key]
