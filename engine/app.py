"""Entry point for WSGI servers: ``gunicorn 'engine.app:create_app()'``."""

from engine.web import create_app

__all__ = ["create_app"]
