"""The API's contract: every ``/api/v1`` operation declares its request and response bodies as
marshmallow schemas, the one description that both checks what arrives and writes the OpenAPI
document (``engine.web.api_docs``). A view states its contract with ``@operation``."""

from engine.web.contract.operations import Operation, operation

__all__ = ["Operation", "operation"]
