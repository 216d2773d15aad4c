"""The one written form of a package: how it is stored, exported and fingerprinted.

Export returns the stored document in its author's key order (diffs stay readable); the
fingerprint uses sorted keys so that re-importing a package whose keys merely moved is
recognised as unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def dumps(document: Mapping[str, Any]) -> str:
    """Pretty JSON, UTF-8 Chinese kept readable, trailing newline: the export format."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def fingerprint(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
