"""The HTTP connector types against a real local HTTP server standing in for the finance API."""

from __future__ import annotations

import socket

import pytest

from engine.connectors import CONNECTOR_TYPES, ConnectorCall, ConnectorSpec, connector_spec
from engine.errors import ConnectorError
from engine.registry import UnknownKeyError
from tests.connectors.finance_api import OK, FinanceApi

ENV = {"TRELLIS_APP_FINANCE_URL": "", "TRELLIS_APP_FINANCE_TOKEN": "s3cret-token"}
CALL = ConnectorCall("create_receivable", {"bill_no": "BX-1", "amount": 80, "customer": "王女士"}, "inst-42")


def finance(url: str = "{{env.TRELLIS_APP_FINANCE_URL}}", **config: object) -> ConnectorSpec:
    return ConnectorSpec(
        "finance",
        "finance",
        {
            "url": url,
            "method": "POST",
            "secret": "env:TRELLIS_APP_FINANCE_TOKEN",
            "timeout_seconds": 0.3,
            "success_path": "result.status",
            **config,
        },
    )


def call(spec: ConnectorSpec, api_url: str, **env: str) -> object:
    return CONNECTOR_TYPES.get(spec.type).call(spec, CALL, {**ENV, "TRELLIS_APP_FINANCE_URL": api_url, **env})


def test_posts_the_mapped_fields_as_json_with_the_bearer_secret():
    with FinanceApi("ok") as api:
        answer = call(finance(), api.url)
    assert answer == OK
    [request] = api.requests
    assert request["path"] == "/api/receivables"
    assert request["body"] == {"bill_no": "BX-1", "amount": 80, "customer": "王女士"}
    assert request["headers"]["Authorization"] == "Bearer s3cret-token"
    assert request["headers"]["Idempotency-Key"] == "inst-42"
    assert request["headers"]["X-Trellis-Operation"] == "create_receivable"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("500", "{where} answered HTTP 500: internal error: ledger locked"),
        ("garbage", "{where} answered with something that is not JSON: <html>Bad gateway</html>"),
        ("slow", "{where} gave no answer within 0.3 s"),
        ("not_ok", '{where} did not acknowledge: result.status is "failed"'),
    ],
)
def test_an_answer_that_is_not_an_acknowledgement_is_an_error_saying_why(step, message):
    with FinanceApi(step) as api, pytest.raises(ConnectorError) as caught:
        call(finance(), api.url)
    assert caught.value.message == message.format(where=api.url)


def test_a_refused_connection_is_an_error_naming_the_address():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api/receivables"  # bound, not listening: refused
        with pytest.raises(ConnectorError) as caught:
            call(finance(), url)
    assert caught.value.message.startswith(f"could not reach {url}: ")
    assert "refused" in caught.value.message.lower()


def test_a_missing_environment_variable_is_named():
    with pytest.raises(ConnectorError) as caught:
        CONNECTOR_TYPES.get("finance").call(finance(), CALL, {"TRELLIS_APP_FINANCE_TOKEN": "x"})
    assert caught.value.message == (
        "connector 'finance': url needs the environment variable TRELLIS_APP_FINANCE_URL, which is not set"
    )


def test_a_missing_secret_is_named():
    with FinanceApi("ok") as api, pytest.raises(ConnectorError) as caught:
        CONNECTOR_TYPES.get("finance").call(finance(), CALL, {"TRELLIS_APP_FINANCE_URL": api.url})
    assert caught.value.message == "the connector's secret is read from TRELLIS_APP_FINANCE_TOKEN, which is not set"
    assert api.requests == []


def test_without_a_success_path_any_2xx_answer_acknowledges():
    spec = ConnectorSpec("hook", "webhook", {"url": "{{env.TRELLIS_APP_FINANCE_URL}}", "timeout_seconds": 1})
    with FinanceApi("garbage") as api:
        assert call(spec, api.url) is None
    assert "Authorization" not in api.requests[0]["headers"]


def test_the_query_string_of_the_url_never_appears_in_an_error():
    with FinanceApi("500") as api, pytest.raises(ConnectorError) as caught:
        call(finance(), api.url + "?key=hidden")
    assert "hidden" not in caught.value.message


def test_every_http_connector_type_is_registered_and_a_typo_gets_a_suggestion():
    assert {"http", "webhook", "finance"} <= set(CONNECTOR_TYPES)
    with pytest.raises(UnknownKeyError) as caught:
        CONNECTOR_TYPES.get("finanse")
    assert caught.value.message == "unknown connector type 'finanse' (did you mean 'finance'?)"


def test_a_connector_is_found_by_id_in_the_package():
    definitions = [{"id": "finance", "type": "finance", "config": {"max_attempts": 20}}]
    assert connector_spec(definitions, "finance").max_attempts == 20
    with pytest.raises(ConnectorError) as caught:
        connector_spec(definitions, "erp")
    assert caught.value.message == "the app has no connector 'erp' (it has: finance)"
