"""Administration pages (web layer): people, groups, bulk import and the audit log, for administrators.

One blueprint (``bp``, defined with the gate and drawing in ``admin_common``) whose routes live
by concept in ``admin_people``, ``admin_groups``, ``admin_import`` and ``admin_audit``; importing
this module registers them all.
"""

from __future__ import annotations

from engine.web import admin_audit, admin_groups, admin_import, admin_people  # noqa: F401 (their routes join bp)
from engine.web.admin_common import bp

__all__ = ["bp"]
