"""Directory administration API: people, groups, roles and the audit log (administrators only)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_directory", __name__, url_prefix="/api/v1")
