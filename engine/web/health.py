"""``GET /healthz``: is the database reachable, and Redis when one is configured."""

from __future__ import annotations

from flask import Blueprint, Response, json

from engine.i18n import LOG_LOCALE, translate
from engine.storage.redis_link import ping_redis
from engine.web.context import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    svc = services()
    db_ok, db_detail = svc.database.ping()
    body: dict[str, object] = {"database": {"ok": db_ok, "backend": svc.database.dialect, "detail": db_detail}}
    healthy = db_ok
    if svc.settings.redis_url:
        redis_ok, redis_detail = ping_redis(svc.settings.redis_url)
        body["redis"] = {"ok": redis_ok, "detail": redis_detail}
        healthy = healthy and redis_ok
    else:
        # the answer is read by whoever runs the server (and their monitoring): the log language
        body["redis"] = {"ok": None, "detail": translate("http.health.no_redis", LOG_LOCALE)}
    body["status"] = "ok" if healthy else "unavailable"
    return Response(json.dumps(body), status=200 if healthy else 503, mimetype="application/json")
