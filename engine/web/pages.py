"""Server-rendered pages; for now the home page listing installed apps, in Chinese or English."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from engine.forms.spec import localized
from engine.i18n import other_locale, pick_locale
from engine.web.context import services
from engine.web.page_text import page_texts

bp = Blueprint("pages", __name__)

SECTION = "page.forms.home."


def current_locale() -> str:
    return pick_locale(
        request.args.get("lang") or request.cookies.get("lang") or request.headers.get("Accept-Language")
    )


@bp.get("/")
def home() -> Any:
    from engine.web.auth import login_redirect, require_signed_in

    if require_signed_in() is None:
        return login_redirect()
    locale = current_locale()
    apps = [{**app, "label": localized(app["name"], locale)} for app in services().apps.list_apps()]
    other = other_locale(locale)
    return render_template(
        "home.html", t=page_texts(SECTION, locale), locale=locale, other=other, apps=apps, user=_user_name()
    )


@bp.get("/apps/<app_id>")
def app_page(app_id: str) -> Any:
    """One app: its forms, each with its entry form, public link and QR code, and exports."""
    from engine.web.auth import login_redirect, require_signed_in

    if require_signed_in() is None:
        return login_redirect()
    locale = current_locale()
    from engine.web.auth import current_principal

    compiled = services().records.compiled_app(app_id)
    readable = services().record_lists.readable_forms(current_principal(), app_id)
    forms = [
        {
            "id": f.spec.id,
            "title": f.spec.title(locale),
            "public": bool(f.spec.public.get("enabled")),
            "readable": f.spec.id in readable,
        }
        for f in compiled.forms.values()
    ]
    other = other_locale(locale)
    title = localized(compiled.document["name"], locale)
    return render_template(
        "app.html",
        t=page_texts(SECTION, locale),
        locale=locale,
        other=other,
        app_id=app_id,
        title=title,
        forms=forms,
        user=_user_name(),
    )


def _user_name() -> str:
    from engine.web.auth import current_principal

    principal = current_principal()
    return principal.name or principal.id
