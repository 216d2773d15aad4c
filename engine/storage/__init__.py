"""Storage: the only layer that imports SQLAlchemy and redis (tables, repositories, migrations)."""

from engine.storage.database import Database

__all__ = ["Database"]
