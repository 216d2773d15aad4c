"""The dashboard page ``/apps/<app>/dashboards/<id>`` and the report page ``/apps/<app>/reports/<id>``
(web layer), their data for the page's script (``…/data``), a widget's rows as CSV or XLSX
(``/apps/<app>/reports/<id>/export.csv|.xlsx``) and plotly.js, served from the plotly package.

The filters live in the query string (``community=7&period__from=2026-01-01&period__to=2026-01-31``),
so a filtered dashboard can be bookmarked; the script changes the address as filters change and
asks ``…/data`` again every ``refresh_seconds`` (30 by default).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import plotly  # type: ignore[import-untyped]
from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from engine.errors import NotFoundError
from engine.services.export_files import csv_chunks, write_xlsx
from engine.web.auth import current_principal, login_redirect, require_app_role
from engine.web.context import services
from engine.web.http import json_response
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("dashboard_pages", __name__)

WORDS = "page.dash."
PLOTLY = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ASSET_SECONDS = 7 * 24 * 3600


def _args() -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k != "lang" and v]


def _embedded(model: Any) -> Markup:
    """The page's model as JSON inside ``<script type="application/json">`` (no ``</`` can close it)."""
    text = json.dumps(model, ensure_ascii=False).replace("</", "<\\/")
    return Markup(text)  # noqa: S704 - JSON with every "</" escaped, in a non-executed script element


def _page(template: str, model: dict[str, Any], data_url: str) -> str:
    locale = current_locale()
    return render_template(
        template,
        t=page_texts(WORDS, locale),
        locale=locale,
        page=model,
        model_json=_embedded(model),
        data_url=data_url,
        plotly_sheets=plotly_styles()[1],
    )


@bp.get("/apps/<app_id>/dashboards/<board_id>")
def dashboard(app_id: str, board_id: str) -> Any:
    who = require_app_role(app_id)
    if who is None:
        return login_redirect()
    model = services().dashboard_views.board(who, app_id, board_id, _args(), current_locale())
    return _page("dashboards/board.html", model, f"/apps/{quote(app_id)}/dashboards/{quote(board_id)}/data")


@bp.get("/apps/<app_id>/dashboards/<board_id>/data")
def dashboard_data(app_id: str, board_id: str) -> Response:
    model = services().dashboard_views.board(current_principal(), app_id, board_id, _args(), current_locale())
    return _no_store(json_response(model))


@bp.get("/apps/<app_id>/reports/<report_id>")
def report(app_id: str, report_id: str) -> Any:
    who = require_app_role(app_id)
    if who is None:
        return login_redirect()
    model = services().dashboard_views.report(who, app_id, report_id, _args(), current_locale())
    return _page("dashboards/report.html", model, f"/apps/{quote(app_id)}/reports/{quote(report_id)}/data")


@bp.get("/apps/<app_id>/reports/<report_id>/data")
def report_data(app_id: str, report_id: str) -> Response:
    model = services().dashboard_views.report(current_principal(), app_id, report_id, _args(), current_locale())
    return _no_store(json_response(model))


@bp.get("/apps/<app_id>/reports/<report_id>/export.<kind>")
def export(app_id: str, report_id: str, kind: str) -> Response:
    if kind not in ("csv", "xlsx"):
        raise NotFoundError.says("report.not_found", app=app_id, report=report_id)
    found = services().dashboard_views.widget_file(current_principal(), app_id, report_id, _args(), current_locale())
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    name = f"{found.title}-{stamp}.{kind}"
    if kind == "csv":
        response = Response(b"".join(csv_chunks(found)), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        write_xlsx(found, buffer)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = Response(buffer.getvalue(), content_type=media)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{report_id}-{stamp}.{kind}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@bp.get("/assets/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js as the installed plotly package ships it: no CDN, cached a week (its address names no
    version, so the ETag tells a browser when an upgrade changed it)."""
    body, tag = _plotly()
    response = Response(body, mimetype="text/javascript")
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={ASSET_SECONDS}"
    response.make_conditional(request)
    return response


@cache
def _plotly() -> tuple[bytes, str]:
    body = PLOTLY.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:32]


@bp.get("/assets/plotly.css")
def plotly_css() -> Response:
    """plotly.js's own style rules as a stylesheet: under the pages' Content-Security-Policy (no inline
    style) plotly may not write them into a ``<style>`` element, so the page links this file under the
    id plotly looks for (``plotly.js-style-global``, marked ``no-inline-styles``) and plotly leaves it be."""
    body = plotly_styles()[0].encode()
    response = Response(body, mimetype="text/css")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = f"public, max-age={ASSET_SECONDS}"
    response.make_conditional(request)
    return response


_RULES = re.compile(r'\{("X,X div":.*?)\};for\(', re.S)
_RULE = re.compile(r'"([^"]+)":(?:\'([^\']*)\'|"([^"]*)")')
_OWN_SHEETS = re.compile(r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)')


@cache
def plotly_styles() -> tuple[str, tuple[str, ...]]:
    """The installed plotly.js's base style rules (its ``X``/``Y`` selector shorthands written out, as
    plotly does), and the ids of the stylesheets its bundled libraries insert unless an element with that
    id is already on the page (map styles, which no dashboard draws: the page holds an empty element so)."""
    text = _plotly()[0].decode("utf-8")
    found = _RULES.search(text)
    rules = []
    for selector, single, double in _RULE.findall(found.group(1) if found else ""):
        full = selector.replace(",", " ,", 1) if selector.startswith(",") else selector
        full = full.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{full} {{{single or double}}}")
    return "\n".join(rules) + "\n", tuple(_OWN_SHEETS.findall(text))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # numbers about people's records: no shared caches
    return response
