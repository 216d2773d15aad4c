"""Web layer: the only code importing Flask (app factory, blueprints, HTTP error mapping)."""

from engine.web.factory import create_app

__all__ = ["create_app"]
