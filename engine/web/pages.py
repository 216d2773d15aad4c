"""Server-rendered pages; for now the home page listing installed apps, in Chinese or English."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from engine.forms.spec import localized
from engine.packages.messages import pick_locale
from engine.web.context import services

bp = Blueprint("pages", __name__)

UI_TEXT = {
    "zh-CN": {
        "title": "Trellis 低代码平台",
        "apps": "已安装的应用",
        "version": "版本",
        "none": "还没有安装应用。运行 `trellis import apps/property_repair.json` 安装示例应用。",
        "export": "导出",
        "history": "版本记录",
        "switch": "English",
        "logout": "退出",
        "forms": "表单",
        "new": "新建记录",
        "public": "公开链接",
        "qr": "二维码",
        "open": "打开",
    },
    "en": {
        "title": "Trellis low-code engine",
        "apps": "Installed apps",
        "version": "version",
        "none": "No app is installed yet. Run `trellis import apps/property_repair.json` to install the sample app.",
        "export": "Export",
        "history": "Versions",
        "switch": "中文",
        "logout": "Sign out",
        "forms": "Forms",
        "new": "New record",
        "public": "Public link",
        "qr": "QR code",
        "open": "Open",
    },
}


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
    other = "en" if locale == "zh-CN" else "zh-CN"
    return render_template("home.html", t=UI_TEXT[locale], locale=locale, other=other, apps=apps, user=_user_name())


@bp.get("/apps/<app_id>")
def app_page(app_id: str) -> Any:
    """One app: its forms, each with its entry form, public link and QR code, and exports."""
    from engine.web.auth import login_redirect, require_signed_in

    if require_signed_in() is None:
        return login_redirect()
    locale = current_locale()
    with services().database.transaction() as session:
        compiled = services().records.catalog.current(session, app_id)
    forms = [
        {"id": f.spec.id, "title": f.spec.title(locale), "public": bool(f.spec.public.get("enabled"))}
        for f in compiled.forms.values()
    ]
    other = "en" if locale == "zh-CN" else "zh-CN"
    title = localized(compiled.document["name"], locale)
    return render_template(
        "app.html",
        t=UI_TEXT[locale],
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
