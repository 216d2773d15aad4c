"""The administration page for operations (web layer): failed flow instances and failed deliveries,
each with retry and cancel (forms posted with the CSRF token, like every other administration form)."""

from __future__ import annotations

from datetime import datetime

from flask import Response, flash, redirect, url_for

from engine.errors import ConflictError
from engine.forms.types.temporal import LOCAL_ZONE
from engine.web.admin_common import bp, page, refusal, text
from engine.web.auth import current_principal
from engine.web.context import services
from engine.web.pages import current_locale


@bp.get("/operations")
def operations(status: int = 200, banner: str | None = None) -> Response:
    ops = services().operations
    me, lang = current_principal(), current_locale()
    instances = [{**i, "when": _local(i["failed_at"])} for i in ops.failed_instances(me, locale=lang)]
    deliveries = [
        {**d, "when": _local(datetime.fromisoformat(d["failed_at"]))} for d in ops.failed_deliveries(me, locale=lang)
    ]
    return page("admin/operations.html", status, instances=instances, deliveries=deliveries, banner=banner)


@bp.post("/operations/instances/<instance_id>/<any(retry, cancel):verb>")
def act_on_instance(instance_id: str, verb: str) -> Response:
    ops = services().operations
    act = ops.retry_instance if verb == "retry" else ops.cancel_instance
    try:
        act(current_principal(), instance_id[:40])
    except ConflictError as exc:  # done by someone else meanwhile: say so on the page
        return operations(409, refusal(exc))
    flash(text(f"ops_instance_{'retried' if verb == 'retry' else 'cancelled'}", id=instance_id))
    return redirect(url_for("admin_pages.operations"))  # type: ignore[return-value]


@bp.post("/operations/deliveries/<id:failed_id>/<any(retry, cancel):verb>")
def act_on_delivery(failed_id: int, verb: str) -> Response:
    ops = services().operations
    act = ops.retry_delivery if verb == "retry" else ops.cancel_delivery
    act(current_principal(), failed_id)
    flash(text(f"ops_delivery_{'retried' if verb == 'retry' else 'cancelled'}", id=failed_id))
    return redirect(url_for("admin_pages.operations"))  # type: ignore[return-value]


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"
