"""``trellis serve``: run the app under gunicorn (threads, graceful restarts), not Flask's dev server."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from engine.config import Settings
from engine.storage import Database
from engine.storage.migrate import upgrade
from engine.web.factory import create_app


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)  # no admin socket in the user's home folder

    def load(self) -> Flask:
        return self.application


def serve(settings: Settings, *, host: str, port: int, workers: int = 1, threads: int = 8) -> None:
    upgrade(Database(settings.database_url))  # once, before any worker process starts
    app = create_app(settings)
    # connections opened while starting up must not be shared with forked worker processes
    app.extensions["trellis"].database.dispose()
    print(f"Trellis is serving at http://{host}:{port}/  (Ctrl-C stops)", flush=True)
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
        },
    ).run()
