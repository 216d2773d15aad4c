"""Hostile files never get past the reader: each gets one clear problem, fast, and no traceback."""

import json
import time

import pytest

from engine.packages import PackageReadError, parse_package, read_package_file
from engine.packages.reading import MAX_DEPTH


def _refused(data, **kwargs) -> list[str]:
    with pytest.raises(PackageReadError) as caught:
        parse_package(data, **kwargs)
    return [p.line() for p in caught.value.problems]


def test_not_json_names_line_and_column():
    assert _refused(b'{"format": "trellis.app/1",\n  "id": }') == [
        "/: not valid JSON at line 2, column 9: Expecting value"
    ]


def test_binary_garbage_is_not_utf8():
    assert _refused(b"\x89PNG\r\n\x1a\n\xff\xfe") == [
        "/: the document is not UTF-8 text (byte 0); save it as UTF-8 JSON"
    ]


def test_a_utf8_bom_is_accepted():
    assert parse_package('\ufeff{"a": 1}'.encode()) == {"a": 1}


def test_oversized_package_is_refused_before_parsing():
    big = b"[" + b"1," * (3 * 1024 * 1024) + b"1]"
    assert _refused(big, max_bytes=5 * 1024 * 1024) == ["/: the document is 6.0 MB; the limit is 5.0 MB"]


def test_fifty_megabyte_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"padding": "')
        handle.seek(50 * 1024 * 1024)
        handle.write(b'"}')
    started = time.perf_counter()
    with pytest.raises(PackageReadError) as caught:
        read_package_file(path)
    elapsed = time.perf_counter() - started
    assert caught.value.problems[0].line() == "/: the document is 50.0 MB; the limit is 20.0 MB"
    assert elapsed < 5, "refusing a large file must not read it"


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_ten_thousand_levels_deep_is_refused(opener):
    data = (opener * 10_000).encode()
    assert _refused(data) == [
        f"/: the JSON is nested more than {MAX_DEPTH} levels deep; Trellis documents never need that"
    ]


def test_brackets_inside_strings_do_not_count_as_depth():
    document = {"name": "[" * 5000 + '\\"{' * 100}
    assert parse_package(json.dumps(document).encode()) == document


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_numbers_are_refused(token):
    assert _refused(f'{{"x": {token}}}'.encode()) == [f"/: '{token}' is not a number JSON allows; write a plain number"]


def test_duplicate_keys_are_refused_not_silently_merged():
    assert _refused(b'{"id": "a", "id": "b"}') == ["/: the key 'id' appears twice in the same object; keep one"]


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"[]", "an array"), (b'"text"', "a string"), (b"42", "a number"), (b"null", "null"), (b"true", "a boolean")],
)
def test_a_package_must_be_an_object(data, kind):
    assert _refused(data) == [f"/: an app package is a JSON object, not {kind}"]


def test_empty_input():
    assert _refused(b"") == ["/: not valid JSON at line 1, column 1: Expecting value"]


def test_missing_file_says_which(tmp_path):
    with pytest.raises(PackageReadError) as caught:
        read_package_file(tmp_path / "nope.json")
    assert caught.value.problems[0].line() == f"/: cannot read {tmp_path / 'nope.json'}: No such file or directory"


def test_a_directory_is_not_a_package(tmp_path):
    with pytest.raises(PackageReadError) as caught:
        read_package_file(tmp_path)
    assert caught.value.problems[0].code == "package.unreadable"


def test_lone_surrogates_are_refused():
    assert _refused(b'{"name": "\\ud800"}') == ["/: the document contains the invalid character '\\ud800'; remove it"]
