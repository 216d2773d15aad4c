"""Attachment upload and download for image and file fields."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_attachments", __name__)
