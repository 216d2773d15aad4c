"""The API's contract: every ``/api/v1`` route is in the OpenAPI 3.1 document, request bodies are
checked by the same schemas the document shows, and schemathesis finds no server error and no
answer that disagrees with the document, as an administrator and as an owner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from engine.web.contract.document import undescribed
from tests.i18n.test_catalog import CJK, _words

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "apps" / "property_repair.json"


def test_every_api_route_is_in_the_document(app):
    assert undescribed(app) == []


def test_the_document_is_openapi_3_1_with_auth_and_problems(anonymous_client):
    answer = anonymous_client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    doc = answer.get_json()
    assert doc["openapi"] == "3.1.0"
    assert {"bearer", "session"} <= set(doc["components"]["securitySchemes"])
    operations = [op for ops in doc["paths"].values() for op in ops.values()]
    assert len(operations) >= 45
    for op in operations:
        assert op["security"], op["operationId"]
        assert op["responses"]["422"] == {"$ref": "#/components/responses/Problem422"}
        assert op["responses"]["default"] == {"$ref": "#/components/responses/Problem"}
    create_user = doc["paths"]["/api/v1/users"]["post"]
    assert create_user["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/NewPerson"
    }
    assert doc["components"]["schemas"]["NewPerson"]["required"] == ["login"]
    assert doc["components"]["schemas"]["NewPerson"]["additionalProperties"] is False


def test_the_docs_page_shows_every_operation(anonymous_client):
    page = anonymous_client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    doc = anonymous_client.get("/api/v1/openapi.json").get_json()
    for path in doc["paths"]:
        assert path in html
    assert "<script" not in html  # the security policy allows no inline script


def test_a_refused_body_names_every_field_in_the_readers_language(client):
    body = {"login": 5, "admin": "yes", "roles": ["no-colon"], "communities": [0], "nickname": "x"}
    answer = client.post("/api/v1/users?lang=zh-CN", json=body)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert set(errors) == {"login", "admin", "roles.0", "communities.0", "nickname"}
    for field, messages in errors.items():
        assert CJK.search(messages[0]), messages
        if field != "nickname":  # that one lists the known fields: identifiers, not words
            assert [w for w in _words(messages[0]) if w.lower() not in {"app", "role"}] == []
    english = client.post("/api/v1/users?lang=en", json=body).get_json()["errors"]
    assert english["login"] == ["must be text"]
    assert english["admin"] == ["must be true or false"]
    assert english["roles.0"] == ["write it as app:role"]
    assert english["communities.0"] == ["must be within 1–2147483647"]
    assert english["nickname"][0].startswith("not a known field (known: ")


def test_bodies_that_are_not_objects_are_refused_before_the_view(client):
    for raw in (b"[1, 2]", b'"text"', b"12", b"{bad json"):
        answer = client.post("/api/v1/notifications/read", data=raw, content_type="application/json")
        assert answer.status_code == 422, raw
        assert answer.content_type == "application/problem+json"
    assert client.post("/api/v1/notifications/read", json={"ids": "all"}).status_code == 422
    assert client.post("/api/v1/notifications/read", json={"ids": [True]}).status_code == 422
    assert client.post("/api/v1/notifications/read").status_code == 200  # no body: all of them


def _call(base: str, path: str, token: str, body: object | None = None, method: str = "GET") -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _token(database_url: str, instance: Path, login: str, scope: str) -> str:
    env = {**os.environ, "TRELLIS_DATABASE_URL": database_url, "TRELLIS_INSTANCE_DIR": str(instance)}
    script = Path(sys.executable).with_name("trellis")
    run = subprocess.run(
        [str(script), "tokens", "create", login, "--scope", scope],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


def _fuzz(base: str, token: str, parameters: dict[str, str], tmp_path: Path, name: str) -> str:
    config = tmp_path / f"{name}.toml"
    config.write_text("[parameters]\n" + "".join(f'{k} = "{v}"\n' for k, v in parameters.items()))
    script = Path(sys.executable).with_name("schemathesis")
    run = subprocess.run(
        [
            str(script),
            "--config-file",
            str(config),
            "run",
            f"{base}/api/v1/openapi.json",
            "--url",
            base,
            "-H",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance,content_type_conformance",
            "--phases",
            "coverage,fuzzing",
            "--max-examples",
            "3",
            "--seed",
            "20261206",
            "--workers",
            "1",  # two threads met CPython 3.11's "AST constructor recursion depth mismatch" in schemathesis
            "--exclude-path",
            "/api/v1/openapi.json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # schemathesis keeps its cassettes in the working directory
    )
    assert run.returncode == 0, run.stdout[-12000:]
    return run.stdout


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_document(live_server, database_url, tmp_path):
    """Bounded (three examples an operation plus schemathesis's coverage cases), with a fixed seed."""
    admin = live_server.token
    _call(live_server, "/api/v1/apps", admin, json.loads(PACKAGE.read_text(encoding="utf-8")), "POST")
    _call(live_server, "/api/v1/users", admin, {"login": "owner1", "roles": ["property_repair:owner"]}, "POST")
    owner = _token(database_url, tmp_path / "instance", "owner1", "app:property_repair:write")
    community = _call(
        live_server, "/api/v1/apps/property_repair/forms/community/records", admin, {"name": "阳光花园"}, "POST"
    )
    parameters = {
        "app_id": "property_repair",
        "form_id": "community",
        "flow_id": "repair",
        "record_id": str(community["id"]),
    }
    if "postgresql" in database_url:  # ids past a column's range are found where columns have sizes
        assert "passed" in _fuzz(live_server, admin, {}, tmp_path, "admin-anywhere")
    _fuzz(live_server, admin, parameters, tmp_path, "admin")
    _fuzz(live_server, owner, parameters, tmp_path, "owner")
