"""Outbox delivery with retries, on SQLite and PostgreSQL, against a real local stand-in for the finance API.

The receivable a repair order queues for the finance system goes through the real flow; the
clock is the company's, so backing off between attempts is moved forward instead of waited out.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import exc, func, select, text

from engine.storage.catalog import AppCatalog
from engine.storage.outbox import Outbox, RetryPolicy
from engine.storage.tables import FailedOutboxRow, NotificationRow, OutboxRow
from engine.storage.topics import TOPICS, OutboxItem
from engine.storage.topics.flow_connector import idempotency_key
from tests.connectors.finance_api import FinanceApi
from tests.flows.conftest import company  # noqa: F401 - the fixture, shared with the flow tests

RETRY = RetryPolicy(base_seconds=30, cap_seconds=600)


@pytest.fixture
def property_package(property_package):
    """The property app with a finance connector that gives up after 3 attempts and waits 0.3 s for an answer."""
    config = next(c for c in property_package["connectors"] if c["id"] == "finance")["config"]
    config.update(max_attempts=3, timeout_seconds=0.3)
    return property_package


def outbox_for(company, api: FinanceApi | None = None) -> Outbox:  # noqa: F811
    environ = {"TRELLIS_APP_FINANCE_URL": api.url if api else "", "TRELLIS_APP_FINANCE_TOKEN": "s3cret-token"}
    return Outbox(
        company.flows.database, catalog=company.records.catalog, environ=environ, clock=company.clock, retry=RETRY
    )


def queue_receivable(company) -> int:  # noqa: F811
    """Take a chargeable repair up to the finance sign-off: approving it queues the receivable."""
    record = company.order()
    company.act("agent1", company.open_tasks(record["id"], "accept")[0]["id"], "complete", outcome="accept")
    repair = company.open_tasks(record["id"], "repair")[0]
    company.act(repair["assignee"], repair["id"], "claim")
    company.act(
        repair["assignee"],
        repair["id"],
        "complete",
        data={"result": "更换配件", "parts_used": [{"part": company.cheap_part, "qty": 1}], "chargeable": True},
    )
    finance = company.open_tasks(record["id"], "finance_confirm")[0]
    company.act(finance["assignee"], finance["id"], "approve")
    return record["id"]


def connector_items(database) -> list[OutboxRow]:
    with database.transaction() as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.topic == "flow.connector")))


def deliver_until_settled(company, outbox: Outbox) -> list[str]:  # noqa: F811
    """Run the outbox like a worker would, moving the clock past each back-off; returns each round's outcome."""
    outcomes: list[str] = []
    for _ in range(10):
        done = outbox.run()
        outcomes += [name for name, count in done.items() for _ in range(count)]
        if not done["retry"]:
            return outcomes
        company.clock.advance(seconds=RETRY.delay(len(outcomes)).total_seconds())
    raise AssertionError(f"still retrying after 10 rounds: {outcomes}")


def test_the_receivable_fails_twice_then_is_acknowledged_on_the_third_attempt(company, database):  # noqa: F811
    queue_receivable(company)
    with FinanceApi("500", "500", "ok") as api:
        outcomes = deliver_until_settled(company, outbox_for(company, api))

    assert outcomes == ["retry", "retry", "delivered"]
    [item] = connector_items(database)
    assert (item.attempts, item.last_error) == (3, None)
    assert item.delivered_at == company.clock.now
    assert [r["body"] for r in api.requests] == [item.payload["data"]] * 3
    assert item.payload["data"] == {
        "bill_no": item.payload["data"]["bill_no"],
        "amount": 80,
        "customer": "王女士",
        "remark": "水电",
    }
    key = f"property_repair-finance-{item.payload['data']['bill_no']}/80.00"  # the app keys it by what was billed
    assert {r["headers"]["Idempotency-Key"] for r in api.requests} == {key}
    assert {r["headers"]["Authorization"] for r in api.requests} == {"Bearer s3cret-token"}


def test_a_call_without_a_key_of_its_own_is_named_by_its_step_and_moment():
    created = datetime(2026, 3, 2, 1, 0, 0, 123456, tzinfo=UTC)
    plain = {"instance": "i1", "node": "post", "app": "a", "connector": "finance"}
    unkeyed = OutboxItem(1, "flow.connector", plain, 1, created)
    keyed = OutboxItem(2, "flow.connector", {**plain, "key": "BX-1/80.00"}, 1, created)

    assert idempotency_key(unkeyed) == "i1-post-20260302T010000123456"
    assert idempotency_key(keyed) == "a-finance-BX-1/80.00"


FAILURES = {
    "500": "{url} answered HTTP 500: internal error: ledger locked",
    "garbage": "{url} answered with something that is not JSON: <html>Bad gateway</html>",
    "slow": "{url} gave no answer within 0.3 s",
    "not_ok": '{url} did not acknowledge: result.status is "failed"',
}


def test_a_call_that_keeps_failing_is_retried_then_kept_as_failed_with_the_reason(company, database):  # noqa: F811
    reasons = {}
    for step in FAILURES:
        queue_receivable(company)
        with FinanceApi(step, slow_seconds=0.6) as api:
            outbox = outbox_for(company, api)
            outcomes = deliver_until_settled(company, outbox)
        assert (outcomes, len(api.requests)) == (["retry", "retry", "failed"], 3)
        [failed] = outbox.failed(limit=1)
        assert (failed["topic"], failed["attempts"], failed["payload"]["connector"]) == ("flow.connector", 3, "finance")
        reasons[step] = failed["last_error"].replace(api.url, "{url}")

    assert reasons == FAILURES
    assert connector_items(database) == []  # moved aside, not lost: outbox.failed() lists all four
    assert len(outbox.failed()) == 4


def test_an_unconfigured_finance_url_backs_off_fails_and_is_delivered_once_put_back(company, database):  # noqa: F811
    queue_receivable(company)
    outbox = outbox_for(company)  # TRELLIS_APP_FINANCE_URL is not set: every attempt fails
    started = company.clock.now
    outbox.run()
    [item] = connector_items(database)
    assert item.available_at == started + timedelta(seconds=30)
    assert item.last_error == (
        "connector 'finance': url needs the environment variable TRELLIS_APP_FINANCE_URL, which is not set"
    )
    assert outbox.run() == {"delivered": 0, "retry": 0, "failed": 0, "gone": 0}  # not due yet
    company.clock.advance(seconds=30)
    outbox.run()
    assert connector_items(database)[0].available_at == company.clock.now + timedelta(seconds=60)
    company.clock.advance(seconds=60)
    assert outbox.run()["failed"] == 1
    [failed] = outbox.failed()

    assert outbox.requeue(failed["id"]) is True  # the admin set the variable and puts the item back
    assert outbox.failed() == []
    with FinanceApi("ok") as api:
        assert deliver_until_settled(company, outbox_for(company, api)) == ["delivered"]
    [item] = connector_items(database)
    assert (item.attempts, item.payload, len(api.requests)) == (1, failed["payload"], 1)
    assert outbox.requeue(failed["id"]) is False


def test_a_rolled_back_action_leaves_no_outbox_item_and_sends_nothing(company, database):  # noqa: F811
    record = company.order()
    company.act("agent1", company.open_tasks(record["id"], "accept")[0]["id"], "complete", outcome="accept")
    repair = company.open_tasks(record["id"], "repair")[0]
    company.act(repair["assignee"], repair["id"], "claim")
    data = {"result": "更换配件", "parts_used": [{"part": company.cheap_part, "qty": 1}], "chargeable": True}
    company.act(repair["assignee"], repair["id"], "complete", data=data)
    finance = company.open_tasks(record["id"], "finance_confirm")[0]
    _refuse_outbox_writes(database)  # the transaction dies right after the receivable is written

    with pytest.raises(exc.DBAPIError):
        company.act(finance["assignee"], finance["id"], "approve")

    assert finance["id"] in {t["id"] for t in company.open_tasks(record["id"], "finance_confirm")}
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0
    with FinanceApi("ok") as api:
        assert outbox_for(company, api).run()["delivered"] == 0
    assert api.requests == []


def _refuse_outbox_writes(database) -> None:
    with database.engine.begin() as connection:
        if database.dialect == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_outbox AFTER INSERT ON trellis_outbox "
                    "BEGIN SELECT RAISE(ABORT, 'simulated crash'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_outbox() RETURNS trigger AS $$ "
                    "BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_outbox AFTER INSERT ON trellis_outbox "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_outbox()"
                )
            )


def test_notifications_go_to_each_member_of_a_role_or_group_once(company, database, caplog):  # noqa: F811
    record = company.order()  # unaccepted for 16 minutes: escalated to the agent supervisors
    company.clock.advance(minutes=16)
    assert company.flows.fire_due() == 1

    assert outbox_for(company).run()["delivered"] == 1
    with database.transaction() as session:
        rows = list(session.scalars(select(NotificationRow)))
    assert [(n.user_id, n.app_id, n.record_id, n.node_id) for n in rows] == [
        ("supervisor1", "property_repair", record["id"], "accept")
    ]
    assert rows[0].message == {"zh-CN": "报修单超过15分钟未受理", "en": "Repair order not accepted within 15 minutes"}
    assert rows[0].task_id == company.open_tasks(record["id"], "accept")[0]["id"]
    assert rows[0].read_at is None

    supervisor2 = company.directory.create_user(
        "supervisor2", "a-long-password", roles=[("property_repair", "agent_supervisor")]
    )
    item = OutboxItem(
        id=7,
        topic="flow.notify",
        payload={
            "to": [["role", "agent_supervisor"], ["group", _group_id(company, "工程部")], ["user", "worker1"]],
            "message": {"zh-CN": "请处理", "en": "Please act"},
            "channels": ["inbox", "sms"],
            "app": "property_repair",
            "record": 1,
        },
        attempts=1,
        created_at=company.clock.now,
    )
    outbox = outbox_for(company)
    with caplog.at_level(logging.INFO, logger="trellis.worker"):
        TOPICS.get("flow.notify").deliver(outbox.context, item)
        TOPICS.get("flow.notify").deliver(outbox.context, item)  # a worker died before marking it delivered

    with database.transaction() as session:
        people = sorted(session.scalars(select(NotificationRow.user_id).where(NotificationRow.outbox_id == 7)))
    # the supervisors by role; the workers through 水电维修组 and 公共设施组, sub-groups of 工程部
    assert people == sorted(["supervisor1", supervisor2, "worker1", "worker2", "worker3"])
    assert "channel 'sms' is not configured; sent to the in-app inbox only" in caplog.text


def _group_id(company, name: str) -> str:  # noqa: F811
    return next(g["id"] for g in company.directory.list_groups() if g["name"] == name)


def test_an_item_of_a_topic_nobody_handles_is_kept_as_failed_at_once(database):
    with database.transaction() as session:
        session.add(OutboxRow(topic="flow.fax", payload={"to": "+86 571"}))
    outbox = Outbox(database, catalog=AppCatalog())

    assert outbox.run()["failed"] == 1
    [failed] = outbox.failed()
    assert failed["last_error"] == "unknown outbox topic 'flow.fax' (did you mean 'flow.notify'?)"
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(FailedOutboxRow)) == 1


def test_a_connector_is_handed_only_the_variables_the_administrator_allows(company, database):  # noqa: F811
    """A package imported under a longer list, run under a shorter one, cannot read what was dropped."""
    queue_receivable(company)
    with FinanceApi("ok") as api:
        environ = {
            "TRELLIS_APP_FINANCE_URL": api.url,
            "TRELLIS_APP_FINANCE_TOKEN": "s3cret-token",
            "TRELLIS_PACKAGE_ENV": "TRELLIS_APP_FINANCE_URL",
        }
        outbox = Outbox(database, catalog=company.records.catalog, environ=environ, clock=company.clock, retry=RETRY)
        outbox.run()
        assert api.requests == []
    [item] = connector_items(database)
    assert item.last_error == "the connector's secret is read from TRELLIS_APP_FINANCE_TOKEN, which is not set"
