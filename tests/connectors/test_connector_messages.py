"""Why a connector call failed, by code: English where the outbox stores it, Chinese for a page."""

import pytest

from engine.connectors import CONNECTOR_TYPES, ConnectorCall, ConnectorSpec, connector_spec
from engine.errors import ConnectorError

CALL = ConnectorCall(operation="create_receivable", data={}, idempotency_key="inst-1")


def test_a_failure_keeps_its_code_and_speaks_both_languages():
    spec = ConnectorSpec("finance", "finance", {"url": "{{env.TRELLIS_APP_FINANCE_URL}}"})

    with pytest.raises(ConnectorError) as caught:
        CONNECTOR_TYPES.get("finance").call(spec, CALL, {})

    error = caught.value
    assert (error.code, error.message_code) == ("connector_error", "connector.env_missing_url")
    assert error.params == {"connector": "finance", "name": "TRELLIS_APP_FINANCE_URL"}
    assert (
        error.message
        == error.localized("en")
        == ("connector 'finance': url needs the environment variable TRELLIS_APP_FINANCE_URL, which is not set")
    )
    assert error.localized("zh-CN") == "连接器“finance”:url 需要环境变量 TRELLIS_APP_FINANCE_URL,但它未设置"


def test_a_header_from_a_missing_variable_is_named():
    spec = ConnectorSpec("erp", "http", {"url": "https://erp.example/api", "headers": {"X-Key": "{{env.ERP_KEY}}"}})

    with pytest.raises(ConnectorError) as caught:
        CONNECTOR_TYPES.get("http").call(spec, CALL, {})

    assert (
        caught.value.message == "connector 'erp': header X-Key needs the environment variable ERP_KEY, which is not set"
    )
    assert caught.value.localized("zh-CN") == "连接器“erp”:请求头 X-Key 需要环境变量 ERP_KEY,但它未设置"


def test_a_url_that_is_not_http_is_refused_in_both_languages():
    spec = ConnectorSpec("erp", "http", {"url": "ftp://erp.example/api"})

    with pytest.raises(ConnectorError) as caught:
        CONNECTOR_TYPES.get("http").call(spec, CALL, {})

    assert caught.value.message == (
        "connector 'erp': the url must start with http:// or https://, got 'ftp://erp.example/api'"
    )
    assert caught.value.localized("zh-CN") == (
        "连接器“erp”:url 必须以“http://”或“https://”开头,实际是 'ftp://erp.example/api'"
    )


def test_an_app_without_connectors_says_so():
    with pytest.raises(ConnectorError) as caught:
        connector_spec([], "erp")

    assert caught.value.message == "the app has no connector 'erp' (it has: none)"
    assert caught.value.localized("zh-CN") == "应用中没有连接器“erp”(它还没有任何连接器)"
