"""Every demo role walks the pages reachable from their home page, in both languages.

A walk follows every link a page offers (the same kind of page at most twice: two tickets say what
two hundred would), and asks of each page what a person would: it opens (no link to a page the
person may not open), it is in the language chosen, and it carries no words of the other language:
no catalog or package text of the other language stands alone in an element, a placeholder or a
title. Data stays as it was typed (a Chinese ticket description on an English page is the data).
"""

from __future__ import annotations

import json
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from engine.demo import load_demo
from engine.i18n import CATALOG
from engine.services.apps import AppService
from tests.conftest import ROOT
from tests.web.test_security_headers import header_problems

DEMO = ROOT / "apps" / "property_repair.demo.json"
PACKAGE = ROOT / "apps" / "property_repair.json"
ROLES = ["owner01", "agent01", "supervisor01", "worker01", "leader01", "engineer01", "finance01", "manager01", "admin"]
MOST_PAGES = 80  # per person and language: the walk is a check of links and words, not a load test
SAME_KIND = 2  # pages of one kind (the path with its numbers taken out) opened at most this often
SKIPPED = ("/logout", "/static/", "/api/v1/apps/", "/exports")  # downloads and sign-out are not pages to read


@pytest.fixture
def demo_site(app, tmp_path):
    """The property app with the demo's people, places and live tickets (its year of history left out)."""
    services = app.extensions["trellis"]
    AppService(services.database).import_package(json.loads(PACKAGE.read_text(encoding="utf-8")), actor="test")
    document = json.loads(DEMO.read_text(encoding="utf-8"))
    orders = document["records"]["repair_order"]
    document["records"]["repair_order"] = orders[:20] + [o for o in orders if o.get("_start_flows")]
    trimmed = tmp_path / "property_repair.demo.json"
    trimmed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    load_demo(services.records, Path(trimmed), directory=services.directory)
    return app, document["password"]


def sign_in(app, login: str, password: str, locale: str):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").get_data(as_text=True))
    assert token is not None
    answer = browser.post("/login", data={"login": login, "password": password, "csrf_token": token.group(1)})
    assert answer.status_code == 302, f"{login} signs in"
    return browser


class Page(HTMLParser):
    """A page's links, its language and the texts a reader sees (element text, placeholders, titles)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.texts: list[str] = []
        self.lang = ""
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and found.get("href"):
            self.links.append(found["href"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if found.get(name):
                self.texts.append(found[name].strip())
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.texts.append(found["value"].strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def _texts_of(value, locale: str, found: set[str]) -> None:
    """Every text of ``locale`` in a package document (``{"zh-CN": ..., "en": ...}`` objects)."""
    if isinstance(value, dict):
        if set(value) == {"zh-CN", "en"} and all(isinstance(v, str) for v in value.values()):
            found.add(value[locale].strip())
            return
        for item in value.values():
            _texts_of(item, locale, found)
    elif isinstance(value, list):
        for item in value:
            _texts_of(item, locale, found)


def _plain_texts(value) -> set[str]:
    """The package's strings outside ``{"zh-CN": ..., "en": ...}`` pairs: ids, option values, data."""
    if isinstance(value, str):
        return {value.strip()}
    if isinstance(value, dict):
        if set(value) == {"zh-CN", "en"}:
            return set()
        return set().union(*(_plain_texts(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_plain_texts(item) for item in value)) if value else set()
    return set()


def foreign_words(locale: str) -> set[str]:
    """What the other language says, where it differs from this one's (``CSV`` is both)."""
    other = "en" if locale == "zh-CN" else "zh-CN"
    # the language link names the other language in itself: that is its point
    templates = [CATALOG.templates(code) for code in CATALOG if code != "page.language"]
    words = {texts[other].strip() for texts in templates if texts[other] != texts[locale]}
    package: set[str] = set()
    _texts_of(json.loads(PACKAGE.read_text(encoding="utf-8")), other, package)
    mine: set[str] = set()
    _texts_of(json.loads(PACKAGE.read_text(encoding="utf-8")), locale, mine)
    words |= package - mine
    # an option written in one language only (``"其他"`` among a select's options) is the app's data
    words -= _plain_texts(json.loads(PACKAGE.read_text(encoding="utf-8")))
    # a text that is only a placeholder template or too short to tell a language by is not a finding
    return {w for w in words if len(w) >= 2 and "{" not in w and not w.isdigit()}


def walk(browser, locale: str) -> dict[str, list[str]]:
    """Open every page reachable from the home page; what each page got wrong, by its address."""
    wrong = foreign_words(locale)
    other = "en" if locale == "zh-CN" else "zh-CN"
    problems: dict[str, list[str]] = {}
    queue, seen, kinds = deque(["/"]), {"/"}, {}  # type: ignore[var-annotated]
    opened = 0
    while queue and opened < MOST_PAGES:
        address = queue.popleft()
        answer = browser.get(address, follow_redirects=True)
        opened += 1
        if answer.status_code != 200:
            problems.setdefault(address, []).append(f"answered {answer.status_code}")
            continue
        if answer.mimetype != "text/html":
            continue
        problems.setdefault(address, []).extend(header_problems(answer.headers))  # the browser protections
        page = Page()
        page.feed(answer.get_data(as_text=True))
        if page.lang != locale:
            problems.setdefault(address, []).append(f"page language {page.lang!r}")
        for text in page.texts:
            if text in wrong:
                problems.setdefault(address, []).append(f"other language: {text!r}")
        for href in page.links:
            target = urlsplit(urljoin(f"http://localhost{address}", href))
            if target.netloc != "localhost" or target.path.startswith(SKIPPED) or href.startswith("#"):
                continue
            if f"lang={other}" in target.query:
                continue  # the language link: the walk of the other language covers that page
            url = target.path + (f"?{target.query}" if target.query else "")
            kind = re.sub(r"\d+", "N", target.path)
            if url in seen or kinds.get(kind, 0) >= SAME_KIND:
                continue
            seen.add(url)
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(url)
    return {address: found for address, found in problems.items() if found}


def test_every_role_opens_every_page_it_is_offered_in_its_language(demo_site):
    app, password = demo_site
    found = {}
    for login in ROLES:
        for locale in ("zh-CN", "en"):
            browser = sign_in(app, login, password, locale)
            browser.get(f"/?lang={locale}")  # the person chooses the language once; it sticks
            problems = walk(browser, locale)
            if problems:
                found[f"{login} {locale}"] = problems
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
