"""Connectors (domain core, no Flask or SQLAlchemy): outbound calls to other systems, one module per type.

A connector definition in an app package names its ``type``; the type (registered in
``CONNECTOR_TYPES``) makes the call and says whether the other side acknowledged it. Storage
decides when to call and how often to retry.
"""

from engine.connectors import http_api  # noqa: F401 - registers the HTTP connector types
from engine.connectors.base import CONNECTOR_TYPES, ConnectorCall, ConnectorSpec, ConnectorType, connector_spec

__all__ = ["CONNECTOR_TYPES", "ConnectorCall", "ConnectorSpec", "ConnectorType", "connector_spec"]
