"""``trellis serve``: run the app under gunicorn (threads, graceful restarts), not Flask's dev server."""

from __future__ import annotations

import signal
from datetime import timedelta
from types import FrameType
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from engine.config import Settings
from engine.web.factory import create_app
from engine.web.live import stop_streams
from engine.web.slow_bodies import SlowBodyGuard

GRACEFUL_SECONDS = 3


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


def serve(
    settings: Settings, *, host: str, port: int, workers: int = 1, threads: int = 16, background_worker: bool = True
) -> None:
    """Serve under gunicorn; with ``background_worker`` each web process also fires timers and delivers
    the outbox in a thread (the embedded default: no Redis, no separate ``trellis worker``)."""
    app = create_app(settings)  # migrates the database once, before any worker process starts
    # connections opened while starting up must not be shared with forked worker processes
    app.extensions["trellis"].database.dispose()
    print(f"Trellis is serving at http://{host}:{port}/  (Ctrl-C stops)", flush=True)
    hooks = _worker_hooks(app, background_worker)
    # half the threads at most read request bodies; the rest answer everything else (see slow_bodies)
    app.wsgi_app = SlowBodyGuard(app.wsgi_app, readers=max(1, threads // 2))  # type: ignore[method-assign]
    _Gunicorn(
        app,
        {
            **hooks,
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            # on SIGTERM requests under way get this long to finish; an open live stream (SSE), an idle
            # keep-alive connection or a client that stopped halfway must not hold the stop any longer
            "graceful_timeout": GRACEFUL_SECONDS,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
        },
    ).run()


def _worker_hooks(app: Flask, background_worker: bool) -> dict[str, Any]:
    """Gunicorn hooks: live streams end as soon as a web process is told to stop (SIGTERM), and, with
    ``background_worker``, the in-process worker thread starts after each web process forks.

    Several web processes each run one worker: the row lock in ``FlowService.fire`` and the outbox's
    claims keep them from doing the same work twice.
    """
    from engine.worker import Worker

    running: list[Worker] = []

    def post_worker_init(_worker: Any) -> None:
        _end_live_streams_on_stop(app)
        if not background_worker:
            return
        services = app.extensions["trellis"]
        worker = Worker(
            services.database,
            flows=services.flows,
            automations=services.automations,
            attachments=services.attachments,
            unclaimed_after=timedelta(hours=services.settings.unclaimed_upload_hours),
        )
        worker.start_thread()
        running.append(worker)

    def worker_exit(_server: Any, _worker: Any) -> None:
        for worker in running:
            worker.stop()

    return {"post_worker_init": post_worker_init, "worker_exit": worker_exit}


def _end_live_streams_on_stop(app: Flask) -> None:
    """Chain onto gunicorn's SIGTERM handler of this web process: an open live page (SSE) would otherwise
    hold the graceful stop until its next write, up to ``GRACEFUL_SECONDS``."""
    gunicorns = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop_streams(app)
        if callable(gunicorns):
            gunicorns(signum, frame)

    signal.signal(signal.SIGTERM, on_term)
