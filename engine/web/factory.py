"""``create_app``: build the Flask application from settings, migrating the database first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.config import Settings, secret_key
from engine.services import build_services
from engine.web import (
    account_pages,
    admin_pages,
    api_apps,
    api_attachments,
    api_automations,
    api_builder,
    api_builder_checks,
    api_builder_flows,
    api_builder_moves,
    api_builder_palette,
    api_builder_reports,
    api_directory,
    api_docs,
    api_exports,
    api_flows,
    api_records,
    api_reports,
    app_home,
    builder_pages,
    dashboard_pages,
    form_pages,
    health,
    kb_pages,
    list_pages,
    notification_pages,
    pages,
    record_pages,
    search_pages,
    staff_bar,
    task_lookups,
    task_pages,
    tracking_flow,
)
from engine.web.auth import init_auth
from engine.web.errors import register_error_handlers
from engine.web.http import IdConverter
from engine.web.live import live
from engine.web.rate_limits import init_rate_limits
from engine.web.security_headers import init_security_headers


def create_app(settings: Settings | None = None, test_config: Mapping[str, Any] | None = None) -> Flask:
    settings = settings or Settings.from_env()
    built = build_services(settings)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(settings),
        MAX_CONTENT_LENGTH=settings.max_package_bytes + 1024 * 1024,
        JSON_AS_ASCII=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["trellis"] = built
    app.url_map.converters["id"] = IdConverter
    built.flows.on_commit.append(_announcer(app))
    init_security_headers(app)
    init_auth(app)
    register_error_handlers(app)
    for blueprint in (
        api_apps.bp,
        api_records.bp,
        api_reports.bp,
        api_exports.bp,
        api_attachments.bp,
        api_directory.bp,
        api_flows.bp,
        api_automations.bp,
        api_builder_checks.bp,
        api_builder_flows.bp,
        api_builder_moves.bp,
        api_builder_palette.bp,
        api_builder_reports.bp,
        api_builder.bp,
        api_docs.bp,
        form_pages.bp,
        health.bp,
        pages.bp,
        app_home.bp,
        list_pages.bp,
        admin_pages.bp,
        account_pages.bp,
        task_pages.bp,
        task_lookups.bp,
        record_pages.bp,
        tracking_flow.bp,
        kb_pages.bp,
        staff_bar.bp,
        search_pages.bp,
        notification_pages.bp,
        dashboard_pages.bp,
        builder_pages.bp,
    ):
        app.register_blueprint(blueprint)
    init_rate_limits(app, built.rate_limits)
    if settings.trusted_proxies:
        # behind N proxies the client is the address the Nth proxy from here saw; without any, a client's
        # own X-Forwarded-For is never believed (it would choose the address its rate limits count on)
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    return app


def _announcer(app: Flask) -> Callable[[Mapping[str, Any]], None]:
    """After every committed flow change, wake the live pages (every web process, through Redis when set)."""

    def announce(change: Mapping[str, Any]) -> None:
        with app.app_context():
            live(app).feed.publish({**change, "instance_id": change.get("instance")})

    return announce
