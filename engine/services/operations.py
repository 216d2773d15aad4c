"""Operations for administrators: what stopped and needs a person - failed flow instances and outbox
deliveries that used up their attempts (a connector that never acknowledged) - with retry and cancel.

Retrying an instance runs the step it stopped at again (the engine's ``retry`` action: the cause is
expected to be fixed first); cancelling ends it as cancelled. Retrying a delivery puts it back in
the outbox with a fresh set of attempts; cancelling drops it. Every one of these is audited.
"""

from __future__ import annotations

from typing import Any

from engine.errors import NotFoundError, PermissionDeniedError
from engine.forms.spec import localized
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
    def failed_instances(
        self, principal: Principal, limit: int = 100, locale: str | None = None
    ) -> list[dict[str, Any]]:
        """Failed instances with their error, the name of who started them and, for pages, the display
        names of their app, flow and form and their record's title (each its id when it has none)."""
        _admin(principal)
        found = failed_instances(self.database, limit)
        names = self._names({item["started_by"] for item in found})
        lang = locale or principal.locale
        shown = []
        for item in found:
            app = self._app_names(item["app_id"], lang)
            shown.append(
                {
                    **item,
                    "started_by_name": names.get(item["started_by"], item["started_by"]),
                    "app_name": app["name"],
                    "flow_name": app["flows"].get(item["flow_id"], item["flow_id"]),
                    "form_name": app["forms"].get(item["form_id"], item["form_id"]),
                    "record_title": self._record_title(principal, item["app_id"], item["form_id"], item["record_id"]),
                }
            )
        return shown

    def retry_instance(self, principal: Principal, instance_id: str) -> dict[str, Any]:
        _admin(principal)
        return self.flows.retry(principal, instance_id)

    def cancel_instance(self, principal: Principal, instance_id: str, reason: str | None = None) -> dict[str, Any]:
        _admin(principal)
        return self.flows.cancel(principal, instance_id, reason, audit=True)

    # -- outbox deliveries -------------------------------------------------------------------------
    def failed_deliveries(
        self, principal: Principal, limit: int = 100, locale: str | None = None
    ) -> list[dict[str, Any]]:
        """Deliveries that used up their attempts: the connector, what was asked, the attempts, the reason
        (with the display names of the app and the connector, each its id when it has none)."""
        _admin(principal)
        lang = locale or principal.locale
        shown = []
        for item in self.outbox.failed(limit):
            payload = item["payload"] if isinstance(item["payload"], dict) else {}
            app_id, connector = str(payload.get("app") or ""), str(payload.get("connector") or "")
            app = self._app_names(app_id, lang)
            shown.append(
                {
                    **item,
                    "app": app_id,
                    "connector": connector,
                    "operation": str(payload.get("operation") or ""),
                    "instance": str(payload.get("instance") or ""),
                    "app_name": app["name"],
                    "connector_name": app["connectors"].get(connector, connector),
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

    def _app_names(self, app_id: str, locale: str) -> dict[str, Any]:
        """An app's name and its flows', forms' and connectors' names by id (ids only for an app gone)."""
        try:
            document = self.flows.records.compiled_app(app_id).document
        except NotFoundError:
            return {"name": app_id, "flows": {}, "forms": {}, "connectors": {}}

        def names(key: str) -> dict[str, str]:
            return {item["id"]: localized(item.get("name"), locale, item["id"]) for item in document.get(key, [])}

        return {
            "name": localized(document.get("name"), locale, app_id),
            "flows": names("flows"),
            "forms": names("forms"),
            "connectors": names("connectors"),
        }

    def _record_title(self, principal: Principal, app_id: str, form_id: str, record_id: int) -> str:
        try:
            found = self.flows.records.titles(principal, app_id, form_id, "", record_id=record_id, limit=1)
        except (NotFoundError, PermissionDeniedError):  # the app, form or record is gone
            found = []
        return str(found[0]["title"]) if found and found[0]["title"] else f"#{record_id}"

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
