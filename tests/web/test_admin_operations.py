"""The operations page and `trellis ops`: failed flows and failed deliveries, with retry and cancel.

The ledger is a real HTTP server on 127.0.0.1 (the finance stand-in): while it answers 500 the
bill's delivery fails and is listed with its reason and attempts; once it acknowledges, a retry
delivers. A bill of amount 0 stops its flow at a gateway with no true branch: the instance fails.
"""

from __future__ import annotations

import html
import re

import pytest

from engine.cli import main
from engine.storage.audit import AuditLog
from tests.conftest import ADMIN_LOGIN, ADMIN_PASSWORD
from tests.connectors.finance_api import FinanceApi
from tests.web.ledger_app import APP, LEDGER_URL, PACKAGE

PAGE = "/admin/operations"


@pytest.fixture
def built(app, client, database_url, monkeypatch):
    """The ledger app installed, a clerk who files bills; the command line points at the same database."""
    monkeypatch.setenv("TRELLIS_DATABASE_URL", database_url)
    assert client.post("/api/v1/apps", json=PACKAGE).status_code == 201
    services = app.extensions["trellis"]
    services.directory.create_user("clerk01", "clerk-pass-1", name="文员小张", roles=[(APP, "clerk")])
    return services


@pytest.fixture
def admin(app, built):
    return _sign_in(app, ADMIN_LOGIN, ADMIN_PASSWORD)


def _sign_in(app, login: str, password: str):
    browser = app.test_client()
    token = _csrf(browser, "/login")
    response = browser.post("/login", data={"login": login, "password": password, "csrf_token": token, "next": "/"})
    assert response.status_code == 302
    return browser


def _csrf(browser, path: str = PAGE) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(path).get_data(as_text=True))
    assert found, f"{path} carries a CSRF token"
    return found.group(1)


def _post(browser, path: str, csrf: bool = True):
    return browser.post(f"{path}?lang=en", data={"csrf_token": _csrf(browser)} if csrf else {})


def _page(browser, lang: str = "en") -> str:
    response = browser.get(f"{PAGE}?lang={lang}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _bill(built, amount: int) -> int:
    clerk = built.directory.principal_for(built.directory.get_user("clerk01")["id"])
    record, _ = built.records.create(clerk, APP, "bill", {"title": f"Bill {amount}", "amount": amount})
    return int(record["id"])


def _failed_delivery(built, api: FinanceApi, monkeypatch) -> int:
    """A bill posted while the ledger answers 500: its one attempt fails and it is moved aside."""
    monkeypatch.setenv(LEDGER_URL, api.url)
    _bill(built, 80)
    assert built.operations.outbox.run()["failed"] == 1
    [failed] = built.operations.outbox.failed()
    return int(failed["id"])


def _cli(capsys, *args: str) -> str:
    assert main(["--lang", "en", "ops", *args]) == 0
    return capsys.readouterr().out


def _audited(built, action: str) -> list[dict]:
    return [e for e in AuditLog(built.database).query(action=action, limit=10)["items"]]


def test_a_delivery_never_acknowledged_is_listed_and_a_retry_after_recovery_delivers(built, admin, monkeypatch, capsys):
    with FinanceApi("500", "ok") as api:
        failed_id = _failed_delivery(built, api, monkeypatch)
        shown = _page(admin)
        row = re.search(rf'<tr data-delivery="{failed_id}">(.*?)</tr>', shown, re.S)
        assert row is not None
        assert "Bills / Ledger" in row.group(1) and "post_bill" in row.group(1)  # names, not ids
        assert "总账系统" in _page(admin, "zh-CN")
        assert f"{api.url} answered HTTP 500: internal error: ledger locked" in row.group(1)
        assert "<td>1</td>" in row.group(1)  # attempts
        assert "失败的投递" in _page(admin, "zh-CN")
        listed = _cli(capsys, "list")
        assert f"delivery {failed_id}  ledger connector ledger post_bill  1 attempts" in listed
        assert "answered HTTP 500" in listed

        response = _post(admin, f"{PAGE}/deliveries/{failed_id}/retry")
        assert response.status_code == 302
        assert "is back in the outbox" in _page(admin)
        assert built.operations.outbox.run()["delivered"] == 1

    assert [r["body"]["amount"] for r in api.requests] == [80, 80]
    assert "No delivery has failed." in _page(admin)
    assert built.operations.outbox.failed() == []
    [event] = _audited(built, "outbox.retry")
    assert event["details"]["connector"] == "ledger"


def test_cancelling_a_failed_delivery_removes_it_and_the_audit_log_keeps_why(built, admin, monkeypatch, capsys):
    with FinanceApi("500") as api:
        failed_id = _failed_delivery(built, api, monkeypatch)
    response = _post(admin, f"{PAGE}/deliveries/{failed_id}/cancel")
    assert response.status_code == 302
    assert "No delivery has failed." in _page(admin)
    [event] = _audited(built, "outbox.cancel")
    assert event["subject_id"] == str(failed_id) and "HTTP 500" in event["details"]["last_error"]
    assert event["actor"].startswith("user:")
    gone = _post(admin, f"{PAGE}/deliveries/{failed_id}/cancel")
    assert gone.status_code == 404
    assert f"there is no failed delivery {failed_id}" in html.unescape(gone.get_data(as_text=True))
    assert _post(admin, f"{PAGE}/deliveries/{failed_id}/forget").status_code == 404


def test_the_command_line_retries_and_cancels_deliveries(built, monkeypatch, capsys):
    with FinanceApi("500") as api:
        first = _failed_delivery(built, api, monkeypatch)
        _bill(built, 90)
        assert built.operations.outbox.run()["failed"] == 1
    second = next(f["id"] for f in built.operations.outbox.failed() if f["id"] != first)
    assert f"done: cancel-delivery {first}" in _cli(capsys, "cancel-delivery", str(first))
    assert f"done: retry-delivery {second}" in _cli(capsys, "retry-delivery", str(second))
    assert built.operations.outbox.failed() == []
    assert "nothing has failed" in _cli(capsys, "list")
    assert [e["actor"][:4] for e in _audited(built, "outbox.cancel")] == ["cli:"]
    assert main(["--lang", "en", "ops", "retry-delivery", "999"]) == 1
    assert "there is no failed delivery 999" in capsys.readouterr().err


def test_a_failed_flow_is_listed_with_its_error_and_a_retry_after_the_record_is_corrected_goes_on(built, admin, capsys):
    record_id = _bill(built, 0)
    [instance] = built.flows.instances_of(APP, "bill", record_id)
    shown = _page(admin)
    row = re.search(rf'<tr data-instance="{instance}">(.*?)</tr>', shown, re.S)
    assert row is not None
    assert "Bills / Posting" in row.group(1) and "Bill · Bill 0" in row.group(1)  # names and title, not ids
    assert "ledger / posting" not in row.group(1) and f"bill #{record_id}" not in row.group(1)
    assert "账单 / 记账" in _page(admin, "zh-CN")
    assert "文员小张" in row.group(1) and "clerk01" not in row.group(1)  # names, not logins
    assert "no condition is true" in row.group(1)
    assert f"flow {instance}  ledger/posting  record {record_id}  started by 文员小张" in _cli(capsys, "list")

    clerk = built.directory.principal_for(built.directory.get_user("clerk01")["id"])
    current = built.records.get(clerk, APP, "bill", record_id)
    built.records.update(clerk, APP, "bill", record_id, {"amount": 30}, expected_version=current["version"])
    assert _post(admin, f"{PAGE}/instances/{instance}/retry").status_code == 302
    assert f"Flow {instance} ran its stopped step again." in _page(admin)
    assert "No flow has failed." in _page(admin)
    assert built.flows.instance(clerk, instance)["status"] == "completed"
    [event] = _audited(built, "flow.instance.retry")
    assert event["subject_id"] == instance
    retried_again = _post(admin, f"{PAGE}/instances/{instance}/retry")
    assert retried_again.status_code == 409
    assert "only a failed flow can be retried" in html.unescape(retried_again.get_data(as_text=True))


def test_a_failed_flow_cancelled_from_the_page_and_the_command_line_ends_cancelled_and_audited(built, admin, capsys):
    first, second = (built.flows.instances_of(APP, "bill", _bill(built, 0))[0] for _ in range(2))
    assert _post(admin, f"{PAGE}/instances/{first}/cancel").status_code == 302
    assert f"Flow {first} was cancelled." in _page(admin)
    assert f"done: cancel-instance {second}" in _cli(capsys, "cancel-instance", second)
    assert "No flow has failed." in _page(admin)
    audited = _audited(built, "flow.instance.cancel")
    assert sorted(e["subject_id"] for e in audited) == sorted([first, second])
    assert sorted(e["actor"].split(":")[0] for e in audited) == ["cli", "user"]


def test_only_administrators_see_the_page_or_act_and_every_form_needs_its_csrf_token(app, built, admin, monkeypatch):
    with FinanceApi("500") as api:
        failed_id = _failed_delivery(built, api, monkeypatch)
    clerk = _sign_in(app, "clerk01", "clerk-pass-1")
    assert clerk.get(PAGE).status_code == 403
    refused = clerk.post(f"{PAGE}/deliveries/{failed_id}/cancel", data={"csrf_token": _csrf(clerk, "/")})
    assert refused.status_code == 403
    assert app.test_client().get(PAGE).status_code == 302  # a stranger is sent to sign in
    no_token = _post(admin, f"{PAGE}/deliveries/{failed_id}/cancel", csrf=False)
    assert no_token.status_code == 403
    assert len(built.operations.outbox.failed()) == 1
    assert "Operations" in _page(admin) and 'href="/admin/operations"' in _page(admin)
