"""A package sent to either import (administrators' /api/v1/apps, the builder's /api/v1/builder/apps/import),
as the JSON body or as a multipart upload, is read by one helper: garbage is a 4xx problem document
saying what is wrong, never a 500, and nothing is imported."""

import dataclasses
import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.conftest import PROPERTY_APP

PROBLEM = "application/problem+json"
LIMIT = 4096
#: each import, with the file field its multipart form carries the package in
IMPORTS = [("/api/v1/apps", "package"), ("/api/v1/builder/apps/import", "file")]
GARBAGE = [
    pytest.param(b"\xff\xfe\x00garbage", "package.not_utf8", id="binary-junk"),
    pytest.param(bytes(range(256)), "package.not_utf8", id="every-byte"),
    pytest.param(b"{" + b" " * LIMIT + b"}", "package.too_large", id="too-big"),
    pytest.param(b"", "package.not_json", id="empty"),
    pytest.param(b'{"id": "x", ', "package.not_json", id="invalid-json"),
    pytest.param(b"[1, 2, 3]", "package.not_object", id="a-list"),
    pytest.param(b'"property_repair"', "package.not_object", id="a-string"),
    pytest.param(b"null", "package.not_object", id="null"),
]


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, max_package_bytes=LIMIT)


def _send(client, url: str, field: str, body: bytes, as_upload: bool):
    if as_upload:  # encoded in memory: the test client's own temporary file would outlive a refused request
        upload = FileStorage(io.BytesIO(body), "package.json", content_type="application/json")
        stream, _, boundary = stream_encode_multipart({field: upload}, use_tempfile=False)
        return client.post(url, data=stream.read(), content_type=f"multipart/form-data; boundary={boundary}")
    return client.post(url, data=body, content_type="application/json")


def _nothing_imported(client) -> bool:
    return client.get("/api/v1/apps").json["items"] == [] and client.get("/api/v1/builder/apps").json["items"] == []


@pytest.mark.parametrize("as_upload", [False, True], ids=["body", "upload"])
@pytest.mark.parametrize(("url", "field"), IMPORTS)
@pytest.mark.parametrize(("body", "code"), GARBAGE)
def test_garbage_is_a_422_problem_saying_what_is_wrong(client, url, field, body, code, as_upload):
    response = _send(client, url, field, body, as_upload)

    assert (response.status_code, response.mimetype) == (422, PROBLEM)
    assert response.json["code"] == "package_unreadable"
    assert [e["code"] for e in response.json["errors"]] == [code]
    assert _nothing_imported(client)


@pytest.mark.parametrize(("url", "field"), IMPORTS)
def test_an_upload_without_the_file_field_names_the_field_to_send(client, url, field):
    sent = {"other": (io.BytesIO(PROPERTY_APP.read_bytes()), "property_repair.json")}
    response = client.post(url, data=sent, content_type="multipart/form-data")
    in_chinese = client.post(
        url, data={"other": "x"}, content_type="multipart/form-data", headers={"Accept-Language": "zh-CN"}
    )

    assert (response.status_code, response.mimetype) == (422, PROBLEM)
    assert response.json["detail"] == f"send the package as the file field '{field}'"
    assert response.json["errors"][0]["message"] == (
        f"no file named '{field}' in the upload; attach the package JSON as the field '{field}'"
    )
    said = in_chinese.json["errors"][0]["message"]
    assert said == f"上传内容中没有名为“{field}”的文件;请以“{field}”字段附上应用包 JSON"
    assert _nothing_imported(client)


@pytest.mark.parametrize(("url", "field"), IMPORTS)
def test_a_multipart_body_that_is_not_multipart_is_refused(client, url, field):
    response = client.post(url, data=b"\x00\x01 not a form", content_type="multipart/form-data")

    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert f"'{field}'" in response.json["detail"]


@pytest.mark.parametrize("as_upload", [False, True], ids=["body", "upload"])
@pytest.mark.parametrize(("url", "field"), IMPORTS)
def test_a_request_far_over_the_limit_is_413_before_it_is_read(client, url, field, as_upload):
    response = _send(client, url, field, b" " * (LIMIT + 2 * 1024 * 1024), as_upload)

    assert (response.status_code, response.mimetype) == (413, PROBLEM)
    assert _nothing_imported(client)
