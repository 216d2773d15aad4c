"""The app-package API: the same operations as the CLI, errors as problem+json, garbage refused."""

import copy
import io
import json

import pytest

from tests.conftest import PROPERTY_APP

PROBLEM = "application/problem+json"


def _post(client, body: bytes, **headers):
    return client.post("/api/v1/apps", data=body, content_type="application/json", headers=headers)


def test_import_then_list_export_and_versions(client):
    created = _post(client, PROPERTY_APP.read_bytes())

    assert created.status_code == 201
    assert created.json == {"app_id": "property_repair", "version": 1, "outcome": "created"}
    assert created.headers["Location"] == "/api/v1/apps/property_repair/export?version=1"
    assert [a["id"] for a in client.get("/api/v1/apps").json["items"]] == ["property_repair"]
    exported = client.get("/api/v1/apps/property_repair/export")
    assert exported.data == PROPERTY_APP.read_bytes()
    assert exported.headers["Content-Disposition"] == 'attachment; filename="property_repair.json"'
    versions = client.get("/api/v1/apps/property_repair/versions").json["items"]
    assert [(v["version"], v["package_version"]) for v in versions] == [(1, "0.1.0")]
    assert versions[0]["created_by"].startswith("user:")


def test_reimport_unchanged_answers_200_unchanged(client):
    _post(client, PROPERTY_APP.read_bytes())

    again = _post(client, PROPERTY_APP.read_bytes())

    assert (again.status_code, again.json["outcome"], again.json["version"]) == (200, "unchanged", 1)


def test_changed_package_becomes_version_two_and_version_one_stays_readable(client, property_package):
    _post(client, PROPERTY_APP.read_bytes())
    changed = copy.deepcopy(property_package)
    changed["version"] = "0.2.0"

    updated = _post(client, json.dumps(changed, ensure_ascii=False).encode())

    assert (updated.status_code, updated.json["version"]) == (200, 2)
    assert json.loads(client.get("/api/v1/apps/property_repair/export?version=1").data)["version"] == "0.1.0"
    assert json.loads(client.get("/api/v1/apps/property_repair/export").data)["version"] == "0.2.0"


def test_multipart_upload_is_accepted(client):
    response = client.post(
        "/api/v1/apps",
        data={"package": (io.BytesIO(PROPERTY_APP.read_bytes()), "property_repair.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201


def test_multipart_without_the_file_field_says_what_to_send(client):
    response = client.post("/api/v1/apps", data={"other": "x"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["errors"][0]["message"] == (
        "no file named 'package' in the upload; attach the package JSON as the field 'package'"
    )


def test_invalid_package_is_problem_json_with_pointers(client, property_package):
    broken = copy.deepcopy(property_package)
    broken["flows"][0]["edges"][3]["target"] = "dispatchh"

    response = _post(client, json.dumps(broken).encode())

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert response.json["code"] == "package_invalid"
    assert response.json["errors"] == [
        {
            "pointer": "/flows/0/edges/3/target",
            "code": "ref.unknown",
            "message": "unknown node 'dispatchh' (did you mean 'dispatch_gate'?)",
        },
        {
            "pointer": "/flows/0/nodes/4",
            "code": "flow.unreachable",
            "message": "node 'dispatch_gate' cannot be reached from the start; connect it or remove it",
        },
        {
            "pointer": "/flows/0/nodes/18",
            "code": "flow.unreachable",
            "message": "node 'stamp_acceptance' cannot be reached from the start; connect it or remove it",
        },
    ]
    assert client.get("/api/v1/apps").json["items"] == []


def test_problems_in_chinese_when_asked(client):
    response = _post(client, b'{"format": "trellis.app/1"}', **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert [e["message"] for e in response.json["errors"]] == [
        "此处缺少必填项“id”",
        "此处缺少必填项“version”",
        "此处缺少必填项“name”",
    ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "package.not_json"),
        (b"not json at all", "package.not_json"),
        (b"\xff\xfe\x00garbage", "package.not_utf8"),
        (b"[" * 100_000, "package.too_deep"),
        (b'{"a": NaN}', "package.bad_number"),
        (b"[1, 2, 3]", "package.not_object"),
        (b'{"id": 1, "id": 2}', "package.duplicate_key"),
        (b'{"format": 7, "id": [], "version": {}, "name": null, "forms": "x"}', "schema.const"),
    ],
)
def test_garbage_gets_a_4xx_problem_never_a_500(client, body, code):
    response = _post(client, body)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert response.json["errors"][0]["code"] == code


def test_a_body_over_the_limit_is_413(client, app):
    limit = app.extensions["trellis"].settings.max_package_bytes
    response = _post(client, b" " * (limit + 2 * 1024 * 1024))
    assert response.status_code == 413
    assert response.mimetype == PROBLEM


def test_unknown_app_is_404_problem(client):
    response = client.get("/api/v1/apps/nope/versions")
    assert (response.status_code, response.mimetype, response.json["code"]) == (404, PROBLEM, "not_found")


@pytest.mark.parametrize("version", ["abc", "0", "-1", "99999999999999999999"])
def test_bad_version_parameter_is_404_not_500(client, version):
    _post(client, PROPERTY_APP.read_bytes())
    response = client.get(f"/api/v1/apps/property_repair/export?version={version}")
    assert response.status_code == 404


def test_wrong_method_and_unknown_path_are_problem_json(client):
    assert client.delete("/api/v1/apps").status_code == 405
    missing = client.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.mimetype) == (404, PROBLEM)


def test_installing_apps_needs_an_administrator(anonymous_client):
    response = anonymous_client.post("/api/v1/apps", data=PROPERTY_APP.read_bytes(), content_type="application/json")
    assert (response.status_code, response.mimetype) == (401, PROBLEM)
    assert anonymous_client.get("/api/v1/apps").status_code == 401


def test_a_bad_token_is_401(anonymous_client):
    response = anonymous_client.get("/api/v1/apps", headers={"Authorization": "Bearer trellis_nope"})
    assert response.status_code == 401
    assert "trellis tokens create" in response.json["detail"]


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("en", "Not Found", "there is no app 'nope'; `trellis import` installs one"),
        ("zh-CN", "未找到", "没有应用“nope”;可用 `trellis import` 安装"),
    ],
)
def test_a_refusal_reads_in_the_asked_language(client, language, title, detail):
    response = client.get("/api/v1/apps/nope/versions", headers={"Accept-Language": language})

    assert (response.json["title"], response.json["detail"]) == (title, detail)


@pytest.mark.parametrize(
    ("query", "title", "detail"),
    [
        ("?lang=en", "Method Not Allowed", "DELETE is not allowed here"),
        ("?lang=zh-CN", "不允许的请求方法", "此处不允许 DELETE 请求"),
    ],
)
def test_http_errors_read_in_the_asked_language(client, query, title, detail):
    response = client.delete(f"/api/v1/apps{query}")

    assert (response.status_code, response.json["title"], response.json["detail"]) == (405, title, detail)


def test_an_invalid_package_is_summed_up_in_the_readers_language(client):
    english = _post(client, b'{"format": "trellis.app/1"}', **{"Accept-Language": "en"})
    chinese = _post(client, b'{"format": "trellis.app/1"}', **{"Accept-Language": "zh-CN"})

    assert (english.json["detail"], chinese.json["detail"]) == ("the app package has 3 problems", "应用包有 3 个问题")
