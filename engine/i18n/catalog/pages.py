"""Words every page shares."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    #: a language's name in itself: a page's switch shows the other language's (English on a Chinese page)
    "page.language": {"zh-CN": "中文", "en": "English"},
}
