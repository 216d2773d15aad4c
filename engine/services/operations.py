"""Operations for administrators: what stopped and needs a person - failed flow instances and outbox
deliveries that used up their attempts (a connector that never acknowledged) - with retry and cancel.

Retrying an instance runs the step it stopped at again (the engine's ``retry`` action: the cause is
expected to be fixed first); cancelling ends it as cancelled. Retrying a delivery puts it back in
the outbox with a fresh set of attempts; cancelling drops it. Every one of these is audited.
"""

from __future__ import annotations

from typing import Any

from engine.errors import NotFoundError, PermissionDeniedError
from engine.principal import Principal
from engine.services.directory import DirectoryService
from engine.services.flows import FlowService
from engine.storage.database import Database
from engine.storage.operations import failed_instances
from engine.storage.outbox import Outbox


class OperationsService:
    def __init__(self, database: Database, outbox: Outbox, flows: FlowService, directory: DirectoryService):
        self.database = database
        self.outbox = outbox
        self.flows = flows
        self.directory = directory

    # -- flow instances ----------------------------------------------------------------------------
    def failed_instances(self, principal: Principal, limit: int = 100) -> list[dict[str, Any]]:
        """Failed instances with their error and the name of who started them."""
        _admin(principal)
        found = failed_instances(self.database, limit)
        names = self._names({item["started_by"] for item in found})
        return [{**item, "started_by_name": names.get(item["started_by"], item["started_by"])} for item in found]

    def retry_instance(self, principal: Principal, instance_id: str) -> dict[str, Any]:
        _admin(principal)
        return self.flows.retry(principal, instance_id)

    def cancel_instance(self, principal: Principal, instance_id: str, reason: str | None = None) -> dict[str, Any]:
        _admin(principal)
        return self.flows.cancel(principal, instance_id, reason, audit=True)

    # -- outbox deliveries -------------------------------------------------------------------------
    def failed_deliveries(self, principal: Principal, limit: int = 100) -> list[dict[str, Any]]:
        """Deliveries that used up their attempts: the connector, what was asked, the attempts, the reason."""
        _admin(principal)
        shown = []
        for item in self.outbox.failed(limit):
            payload = item["payload"] if isinstance(item["payload"], dict) else {}
            shown.append(
                {
                    **item,
                    "app": str(payload.get("app") or ""),
                    "connector": str(payload.get("connector") or ""),
                    "operation": str(payload.get("operation") or ""),
                    "instance": str(payload.get("instance") or ""),
                }
            )
        return shown

    def retry_delivery(self, principal: Principal, failed_id: int) -> None:
        """Back into the outbox with a fresh set of attempts (the worker delivers it on its next round)."""
        _admin(principal)
        if not self.outbox.requeue(failed_id, actor=audit_actor(principal)):
            raise NotFoundError.says("operations.no_delivery", id=failed_id)

    def cancel_delivery(self, principal: Principal, failed_id: int) -> None:
        """Given up for good: removed from the failed list, the audit log keeps what it was and why it failed."""
        _admin(principal)
        if not self.outbox.drop(failed_id, actor=audit_actor(principal)):
            raise NotFoundError.says("operations.no_delivery", id=failed_id)

    def _names(self, refs: set[str]) -> dict[str, str]:
        names = {}
        for ref in sorted(refs):  # a handful of people per page
            try:
                names[ref] = self.directory.get_user(ref)["name"]
            except NotFoundError:
                continue
        return names


def audit_actor(principal: Principal) -> str:
    """``user:ID`` for a person; a command line's ``cli:login`` as it is."""
    return principal.id if ":" in principal.id else f"user:{principal.id}"


def _admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise PermissionDeniedError.says("operations.admin_only")
