"""What every request can reach: the services built once by ``engine.services.build_services``."""

from __future__ import annotations

from flask import current_app

from engine.services import Services

__all__ = ["Services", "services"]


def services() -> Services:
    found: Services = current_app.extensions["trellis"]
    return found
