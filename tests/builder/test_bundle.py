"""The committed builder bundle matches its sources and fetches nothing from the network.

``npm run build`` in builder_ui/ writes engine/web/static/builder/manifest.json with the sha256 of
every source file; recomputing them here (no Node needed) fails when a source changed without a
rebuild, or when the bundle was edited by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "builder_ui"
BUNDLE = ROOT / "engine" / "web" / "static" / "builder"
TOP_LEVEL = ("package.json", "package-lock.json", "vite.config.js")
#: XML namespace names the DOM code mentions: identifiers, never fetched
NAMESPACES = re.compile(r"^http://www\.w3\.org/(1998/Math/MathML|1999/xhtml|2000/svg|1999/xlink|XML/1998/namespace)$")
URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'`)]*")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    return found


def test_the_bundle_was_built_from_the_sources_as_they_are():
    sources = sorted(p for p in (SOURCES / "src").rglob("*") if p.is_file())
    now = {p.relative_to(SOURCES).as_posix(): _sha256(p) for p in [*sources, *(SOURCES / f for f in TOP_LEVEL)]}

    recorded = _manifest()["sources"]

    stale = sorted(name for name in now.keys() | recorded.keys() if now.get(name) != recorded.get(name))
    assert stale == [], f"run `npm run build` in builder_ui/ and commit the bundle; changed since: {stale}"


def test_the_bundle_is_what_the_build_wrote():
    built = _manifest()["built"]

    assert built == {name: _sha256(BUNDLE / name) for name in ("builder.js", "builder.css")}


def test_the_bundle_loads_nothing_from_the_network():
    found = {
        url
        for name in ("builder.js", "builder.css")
        for url in URL.findall((BUNDLE / name).read_text(encoding="utf-8"))
        if not NAMESPACES.match(url.rstrip("`\\"))  # a namespace ends before an escaped quote (CSS data: URLs)
    }

    assert found == set()
    assert "node_modules" not in (BUNDLE / "builder.js").read_text(encoding="utf-8")
