"""The engine speaks no app's language: words of the property app (报修, 业主, ...) live in its package.

A page or message that needs such a word takes it from the package (a flow's ``tracking`` block,
a form's labels) or says something neutral; this test finds any that slipped into ``engine/``.
"""

from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1] / "engine"
SCANNED = ("*.py", "*.html", "*.js", "*.css", "*.json")
#: words only an app about property repair and service would use; none has a generic meaning here
APP_WORDS = ("报修", "维修", "业主", "物业", "工单", "返修", "投诉", "楼栋", "房号")


def test_no_file_under_engine_holds_a_word_of_an_app():
    found = [
        f"{path.relative_to(ENGINE.parent)}:{number}: {word}"
        for pattern in SCANNED
        for path in sorted(ENGINE.rglob(pattern))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for word in APP_WORDS
        if word in line
    ]
    assert found == []


def test_the_scan_reaches_the_catalog_templates_scripts_and_schemas():
    scanned = {path.suffix for pattern in SCANNED for path in ENGINE.rglob(pattern)}
    assert {".py", ".html", ".js", ".json"} <= scanned
    assert (ENGINE / "i18n" / "catalog" / "pages_tasks.py").exists()
