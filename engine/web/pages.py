"""Server-rendered pages; for now the home page listing installed apps, in Chinese or English."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request

from engine.forms.spec import localized
from engine.i18n import LOCALES, other_locale, pick_locale
from engine.principal import Principal
from engine.web.context import services
from engine.web.page_text import page_texts

bp = Blueprint("pages", __name__)

SECTION = "page.forms.home."


LANG_COOKIE_AGE = 365 * 24 * 3600


def current_locale() -> str:
    """A page's language: ``?lang=``, else the signed-in person's chosen one, else the cookie, else the browser's."""
    chosen = request.args.get("lang")
    if chosen in LOCALES:
        return chosen
    person = _person()
    if person is not None and person.ui_locale in LOCALES:
        return person.ui_locale
    return pick_locale(chosen or request.cookies.get("lang") or request.headers.get("Accept-Language"))


def _person() -> Principal | None:
    """The signed-in person (not a token, not the public), or None; never raises, error pages ask too."""
    from engine.web.auth import current_principal

    try:
        principal = current_principal()
    except Exception:  # a refused token or an unreachable directory: the page still needs a language
        return None
    return None if principal.anonymous or principal.scopes is not None else principal


@bp.after_app_request
def remember_locale(response: Response) -> Response:
    """Keep a language chosen with ``?lang=`` (the pages' language link): in a cookie for everyone, and
    with the signed-in person, so it follows them to other browsers. API answers only read ``?lang=``."""
    chosen = request.args.get("lang")
    if chosen not in LOCALES or request.path.startswith("/api/") or request.method != "GET":
        return response
    if request.cookies.get("lang") != chosen:
        response.set_cookie("lang", chosen, max_age=LANG_COOKIE_AGE, samesite="Lax", httponly=True)
    person = _person()
    if person is not None and person.ui_locale != chosen:
        services().directory.set_page_locale(person.id, chosen)
    return response


@bp.get("/")
def home() -> Any:
    from engine.web.auth import login_redirect, require_signed_in

    if require_signed_in() is None:
        return login_redirect()
    locale = current_locale()
    apps = [{**app, "label": localized(app["name"], locale)} for app in services().apps.list_apps()]
    other = other_locale(locale)
    from engine.web.auth import current_principal

    # the package export and version history are administrators' (``require_admin`` in api_apps)
    may_export = current_principal().is_admin
    return render_template(
        "home.html",
        t=page_texts(SECTION, locale),
        locale=locale,
        other=other,
        apps=apps,
        user=_user_name(),
        may_export_apps=may_export,
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
    allowed = services().record_lists.allowed_actions(current_principal(), app_id)
    forms = [
        {
            "id": f.spec.id,
            "title": f.spec.title(locale),
            "public": bool(f.spec.public.get("enabled")),
            "readable": "read" in allowed[f.spec.id],
            "creatable": "create" in allowed[f.spec.id],
            "exportable": "export" in allowed[f.spec.id],
        }
        for f in compiled.forms.values()
        if allowed[f.spec.id]  # a form this person can do nothing with is not on their page
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
