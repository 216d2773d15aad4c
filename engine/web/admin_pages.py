"""Administration pages (web layer): people, groups, bulk import, the audit log and operations, for administrators.

One blueprint (``bp``, defined with the gate and drawing in ``admin_common``) whose routes live
by concept in ``admin_people``, ``admin_groups``, ``admin_import``, ``admin_audit`` and ``admin_operations``; importing
this module registers them all.
"""

from __future__ import annotations

from engine.web import (  # noqa: F401 (their routes join bp)
    admin_audit,
    admin_groups,
    admin_import,
    admin_operations,
    admin_people,
)
from engine.web.admin_common import bp

__all__ = ["bp"]
