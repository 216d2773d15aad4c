"""Connectors (domain core, no Flask or SQLAlchemy): arrives with its own issue."""
