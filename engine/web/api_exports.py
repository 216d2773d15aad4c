"""Exports of form records to CSV and XLSX."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_exports", __name__)
