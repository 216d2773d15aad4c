"""The pages' language (``?lang=``, the person's choice, the cookie, the browser) and the site home ``/``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from engine.i18n import LOCALES, pick_locale
from engine.principal import Principal
from engine.web.context import services

bp = Blueprint("pages", __name__)

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
        secure = services().settings.secure_cookies
        response.set_cookie("lang", chosen, max_age=LANG_COOKIE_AGE, samesite="Lax", httponly=True, secure=secure)
    person = _person()
    if person is not None and person.ui_locale != chosen:
        services().directory.set_page_locale(person.id, chosen)
    return response


@bp.get("/")
def home() -> Any:
    """The site home: see ``engine.web.app_home.site_home``."""
    from engine.web.app_home import site_home
    from engine.web.auth import require_signed_in

    who = require_signed_in()
    if who is None:
        from engine.web.auth import login_redirect

        return login_redirect()
    return site_home(who)
