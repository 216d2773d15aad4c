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
#: what the BPMN canvas (bpmn-js) names but never fetches: the BPMN, DD and XML Schema namespaces of
#: the files it reads and writes, the SVG DTD's public identifier, the "powered by bpmn.io" link its
#: licence asks to keep (a person may click it), the issues its console warnings cite, and the Trellis
#: extension namespace the palette marks automatic steps with
BPMN_IDENTIFIERS = re.compile(
    r"^(http://www\.omg\.org/spec/(BPMN|DD)/[\w/.-]+|http://bpmn\.io/schema/bpmn(/biocolor/1\.0)?|https?://bpmn\.io"
    r"|http://www\.w3\.org/(1999/XPath|2001/XMLSchema(-instance)?|Graphics/SVG/1\.1/DTD/svg11\.dtd)"
    r"|https://github\.com/bpmn-io/diagram-js/(issues|pull)/\d+|https://schemas\.trellis\.dev/bpmn)$"
)
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


def _emitted() -> list[Path]:
    """Every file of the bundle: the entry, lazily loaded chunks (the BPMN canvas) and fonts."""
    return sorted(p for p in BUNDLE.iterdir() if p.is_file() and p.name != "manifest.json")


def test_the_bundle_is_what_the_build_wrote():
    built = _manifest()["built"]

    assert {"builder.js", "builder.css"} <= built.keys()
    assert built == {path.name: _sha256(path) for path in _emitted()}


def test_the_bundle_loads_nothing_from_the_network():
    found = {
        url
        for path in _emitted()
        if path.suffix in (".js", ".css")
        for url in URL.findall(path.read_text(encoding="utf-8"))
        if not NAMESPACES.match(url.rstrip("`\\")) and not BPMN_IDENTIFIERS.match(url)
    }

    assert found == set()
    assert not any("node_modules" in p.read_text(encoding="utf-8") for p in _emitted() if p.suffix == ".js")
