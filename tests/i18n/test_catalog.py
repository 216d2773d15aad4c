"""One message catalog: every code speaks both languages, and neither language leaks into the other."""

import re

import pytest

from engine import i18n
from engine.i18n import CATALOG, DEFAULT_LOCALE, Catalog, catalog_problems, pick_locale, translate

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: ASCII words a Chinese sentence may carry: formats, protocols, product names and units
LATIN_IN_CHINESE = {
    "json",
    "utf",
    "csv",
    "xlsx",
    "xml",
    "bpmn",
    "url",
    "http",
    "https",
    "api",
    "id",
    "ids",
    "json-pointer",
    "trellis",
    "redis",
    "postgresql",
    "sqlite",
    "mb",
    "kb",
    "gb",
    "if-match",
    "etag",
    "idempotency-key",
    "accept-language",
    "iso",
    "pt",
    "p",
    "yes",
    "no",
    "true",
    "false",
    "null",
    "or",
    "and",
    "not",
    "in",
    "qr",
    "sql",
    "dtd",
    "cron",
    "app",
    "role",
    "scope",
    "admin",
    "read",
    "write",
    "token",
    "sse",
    "png",
    "jpeg",
    "jpg",
    "gif",
    "webp",
    "pdf",
    "heic",
    "mp4",
    "svg",
    "zip",
    "html",
    "get",
    "post",
    "patch",
    "put",
    "delete",
    "lang",
    "zh-cn",
    "en",
    "camunda",
    "zeebe",
    "feel",
    "juel",
    "utc",
    "python",
    "restrictedpython",
}


def _words(template: str) -> list[str]:
    without_fields = re.sub(r"\{[^{}]*\}", " ", template)
    without_quoted = re.sub(r"[“'\"`][^”'\"`]*[”'\"`]", " ", without_fields)
    # identifiers, scopes, addresses and sample values are code, not English: app:APP_ID:read, a_b, 2026-11-25T10:00
    without_code = re.sub(r"[\w.:@/+-]*[_:@/0-9][\w.:@/+-]*", " ", without_quoted)
    return [w.strip("-") for w in re.findall(r"[A-Za-z][A-Za-z_\-]*", without_code)]


def test_every_code_has_both_languages_with_the_same_placeholders():
    assert catalog_problems() == []


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_no_english_words_reach_a_chinese_reader(code):
    words = [w for w in _words(CATALOG.templates(code)["zh-CN"]) if w.lower() not in LATIN_IN_CHINESE]
    assert words == []


#: English texts that must show Chinese as it is: an accepted column header, the choices as shown, a sample value
SHOWN_AS_IS = {"directory.import.header_login", "page.admin.locale_invalid", "page.admin.subject_help"}


@pytest.mark.parametrize("code", sorted(set(CATALOG) - SHOWN_AS_IS))
def test_no_chinese_reaches_an_english_reader(code):
    assert CJK.findall(CATALOG.templates(code)["en"]) == []


def test_a_code_may_be_defined_only_once():
    catalog = Catalog()
    catalog.add({"demo.hello": {"zh-CN": "你好", "en": "hello"}}, "first")
    with pytest.raises(ValueError) as raised:
        catalog.add({"demo.hello": {"zh-CN": "您好", "en": "hi"}}, "second")
    assert "defined in first and again in second" in str(raised.value)


def test_one_default_locale_everywhere():
    assert DEFAULT_LOCALE == "zh-CN"
    assert pick_locale(None) == pick_locale("") == pick_locale("fr-FR") == DEFAULT_LOCALE
    assert pick_locale("C.UTF-8") == pick_locale("en-US,en;q=0.9") == "en"
    assert pick_locale("zh_CN.UTF-8") == "zh-CN"


def test_rendering_never_raises_on_a_bad_parameter_or_unknown_code():
    assert translate("no.such.code", "en", message="as given") == "as given"
    code = next(code for code in CATALOG if "{" in CATALOG.templates(code)["en"])
    assert translate(code, "en") == CATALOG.templates(code)["en"]


def test_no_module_keeps_a_language_table_of_its_own():
    """Texts live in engine/i18n/catalog; elsewhere a {"zh-CN": ..., "en": ...} literal is a second catalog."""
    from pathlib import Path

    engine = Path(i18n.__file__).resolve().parents[1]
    table = re.compile(r"""["']zh-CN["']\s*:\s*(\{|["'])""")
    offenders = sorted(
        str(path.relative_to(engine))
        for path in engine.rglob("*.py")
        if "i18n" not in path.relative_to(engine).parts and table.search(path.read_text(encoding="utf-8"))
    )
    assert offenders == []
