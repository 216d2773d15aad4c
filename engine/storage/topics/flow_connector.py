"""``flow.connector``: a service task calls another system through a connector of the app package.

The connector is read from the app version the flow instance runs on, so publishing a new
version never changes where a call already queued goes. Its ``max_attempts`` bounds the retries.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.connectors import CONNECTOR_TYPES, ConnectorCall, ConnectorSpec, connector_spec
from engine.errors import EngineError
from engine.storage.tables import FlowInstanceRow
from engine.storage.topics.base import DEFAULT_MAX_ATTEMPTS, TOPICS, DeliveryContext, OutboxItem, TopicHandler


class FlowConnector(TopicHandler):
    def deliver(self, context: DeliveryContext, item: OutboxItem) -> None:
        spec = self._spec(context, item)
        request = ConnectorCall(
            operation=str(item.payload.get("operation") or ""),
            data=item.payload.get("data") or {},
            idempotency_key=idempotency_key(item),
        )
        CONNECTOR_TYPES.get(spec.type).call(spec, request, context.environ)

    def max_attempts(self, context: DeliveryContext, item: OutboxItem) -> int:
        try:
            return self._spec(context, item).max_attempts
        except EngineError:
            return DEFAULT_MAX_ATTEMPTS

    @staticmethod
    def _spec(context: DeliveryContext, item: OutboxItem) -> ConnectorSpec:
        payload = item.payload
        with context.database.transaction() as session:
            version = session.scalar(
                select(FlowInstanceRow.app_version).where(FlowInstanceRow.id == payload.get("instance"))
            )
            app_id = str(payload.get("app"))
            app = (
                context.catalog.version(session, app_id, version)
                if version
                else context.catalog.current(session, app_id)
            )
        definitions = app.document.get("connectors", [])
        connector = str(payload.get("connector"))
        spec = connector_spec(definitions, connector)
        return connector_spec(definitions, connector, context.stored_secrets(app_id)) if spec.reads_stored else spec


def idempotency_key(item: OutboxItem) -> str:
    """The same for every attempt of one call, even after a failed item is put back (it keeps its created_at).

    A service task with an ``idempotency_key`` expression names the call by what it carries instead
    (the app and connector in front), so the same bill posted twice is one call to the receiver.
    """
    payload = item.payload
    if payload.get("key"):
        return f"{payload.get('app')}-{payload.get('connector')}-{payload['key']}"[:200]
    return f"{payload.get('instance') or 'trellis'}-{payload.get('node') or ''}-{item.created_at:%Y%m%dT%H%M%S%f}"


TOPICS.register("flow.connector", FlowConnector())
