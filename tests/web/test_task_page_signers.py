"""The task page of an approval with editable fields: the signer's inputs (their saved draft filled
in), the decision buttons and 暂存 / Save draft, in both languages; the page's JSON carries the values."""

from __future__ import annotations

import json
import re

import pytest

from tests.signing_app import APP, PACKAGE

PASSWORD = "a-long-password"


class Signer:
    """A browser session of one person, carrying the CSRF token pages hand out."""

    def __init__(self, app, login: str):
        self.client = app.test_client()
        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        answer = self.client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        fresh = re.search(r'name="csrf_token" value="([^"]+)"', self.client.get("/").get_data(as_text=True))
        assert fresh is not None
        self.csrf = fresh.group(1)

    def page(self, task_id: str, lang: str) -> str:
        return self.client.get(f"/tasks/{task_id}?lang={lang}").get_data(as_text=True)

    def act(self, task_id: str, action: str, body: dict):
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        return self.client.post(f"/tasks/{task_id}/{action}", data=json.dumps(body), headers=headers)


@pytest.fixture
def task_id(app, client) -> str:
    """The engineer's open task of a single-approver permit."""
    assert client.post("/api/v1/apps", json=PACKAGE).status_code in (200, 201)
    services = app.extensions["trellis"]
    services.directory.create_user("engineer1", PASSWORD, name="李工", roles=[(APP, "signer")], user_id="engineer1")
    created = client.post(f"/api/v1/apps/{APP}/forms/permit/records", json={"title": "3栋 装修"})
    assert created.status_code == 201, created.json
    started = client.post(f"/api/v1/apps/{APP}/flows/single/start", json={"record_id": created.json["id"]})
    assert started.status_code == 201, started.json
    return str(started.json["tasks"][0]["id"])


@pytest.mark.parametrize(
    "lang, labels",
    [
        ("zh-CN", ("意见", "押金", ">同意<", ">驳回<", ">暂存<")),
        ("en", ("Opinion", "Deposit", ">Approve<", ">Reject<", ">Save draft<")),
    ],
)
def test_an_approval_page_shows_the_signers_fields_and_the_decisions(app, task_id, lang, labels):
    page = Signer(app, "engineer1").page(task_id, lang)

    opinion, deposit, *buttons = labels
    assert re.search(rf'<label for="f-opinion">{opinion}<span class="req">\*</span>', page)
    assert '<textarea id="f-opinion" name="opinion"' in page
    assert f'<label for="f-deposit">{deposit}' in page and 'name="deposit"' in page
    assert 'name="title"' not in page  # not the signer's to change
    for button in buttons:
        assert button in page


def test_a_saved_draft_comes_back_in_the_inputs_and_the_decision_carries_the_values(app, task_id):
    signer = Signer(app, "engineer1")

    saved = signer.act(task_id, "save", {"data": {"opinion": "初步同意,待复核", "deposit": "2000"}})
    page = signer.page(task_id, "zh-CN")
    done = signer.act(task_id, "approve", {"data": {"opinion": "同意", "deposit": "2000"}})

    assert saved.status_code == 200, saved.json
    assert re.search(r'<textarea id="f-opinion" name="opinion"[^>]*>初步同意,待复核</textarea>', page)
    assert (done.status_code, done.json["task"]["status"]) == (200, "completed")
    after = signer.page(task_id, "en")
    assert "同意" in after and "<textarea" not in after.split("task-form")[1]
