"""A real headless Chromium (Debian's package) driven by Playwright; screenshots go to test-artifacts/.

Every page any test opens reports what the server's Content-Security-Policy blocked (a
``securitypolicyviolation`` listener added before the page's own scripts): a test that saw any fails.
"""

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


VIOLATION = "CSP violation:"
REPORT_VIOLATIONS = f"""
document.addEventListener("securitypolicyviolation", (e) =>
  console.error("{VIOLATION} " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber + " on " + e.documentURI));
"""


class CheckedBrowser:
    """The browser, whose every context reports the CSP violations of its pages into ``violations``."""

    def __init__(self, browser: Browser):
        self._browser = browser
        self.violations: list[str] = []
        self.opened: list[BrowserContext] = []

    def new_context(self, **options: Any) -> BrowserContext:
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        self.opened.append(context)
        return context

    def close_opened(self) -> None:
        """Close what the test left open: a page's keep-alive connections would hold the test's server
        for its whole graceful stop (3 s) after SIGTERM."""
        for context in self.opened:
            context.close()
        self.opened.clear()

    def _console(self, message: ConsoleMessage) -> None:
        if message.text.startswith(VIOLATION) or "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def checked_browser() -> Iterator[CheckedBrowser]:
    if not CHROMIUM.exists():
        raise pytest.UsageError(
            "browser tests need Debian's chromium: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield CheckedBrowser(instance)
        instance.close()


@pytest.fixture
def browser(checked_browser: CheckedBrowser) -> Iterator[CheckedBrowser]:
    """The shared browser; the test fails if any page it opened broke the Content-Security-Policy."""
    checked_browser.violations.clear()
    yield checked_browser
    checked_browser.close_opened()
    found, checked_browser.violations[:] = list(checked_browser.violations), []
    assert found == [], "the Content-Security-Policy blocked:\n" + "\n".join(found)


@pytest.fixture
def phone(browser: CheckedBrowser) -> Iterator[Page]:
    """A phone-sized page (390 × 844, touch), as an owner scanning a QR code would have."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def api_post(live_server: Any, path: str, body: object) -> dict[str, Any]:
    """POST JSON to the live server with its administrator's token; the answer's JSON."""
    request = urllib.request.Request(
        f"{live_server}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live_server.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        found: dict[str, Any] = json.loads(answer.read() or b"{}")
        return found


def label(zh: str, en: str) -> dict[str, str]:
    """A text in both languages, as packages write names."""
    return {"zh-CN": zh, "en": en}


def sign_in(page: Page, url: str, login: str, password: str) -> None:
    """Open ``url`` (which asks to sign in first) and sign in as ``login``."""
    page.goto(url)
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button.submit")


def saved(page: Page) -> None:
    """Wait until the builder says the draft is saved."""
    page.wait_for_selector(".save-state.saved")
