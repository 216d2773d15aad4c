"""What an import or a publish did, and where app versions come from (services layer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ORIGINS = ("bundled", "builder", "api", "rollback")
#: versions a company made its own: a newer bundled package is merged into them, never laid over them
CUSTOMISED = ("builder", "rollback")


@dataclass(frozen=True, slots=True)
class ImportResult:
    app_id: str
    version: int
    outcome: str  # "created" | "updated" | "unchanged"; a bundled upgrade: "merged" | "kept"
    conflicts: tuple[dict[str, str], ...] = ()  # "kept": why the company's version stays current

    def as_dict(self) -> dict[str, Any]:
        return {"app_id": self.app_id, "version": self.version, "outcome": self.outcome}
