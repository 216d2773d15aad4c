"""The app home ``/apps/<app>`` and the site home ``/`` (web layer): what this person can do, per role.

The app home shows the app's menu (the package's ``navigation``, or one generated from its
permissions), the person's task counts with links into the inbox, the lists they may read, the
forms they may fill, the knowledge bases and dashboards they may open, and their latest
notifications. Every entry is asked of ``AppHomeService``, which asks the permission service of
the records API; a page that does not exist in this installation (a dashboard page) is not linked.

The site home sends nobody anywhere: a person with exactly one app gets that app's home right at
``/`` (no redirect, so the bar's home link and signing in land on their work in one step); a
person with several apps, and an administrator, gets the apps with their open task counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, current_app, render_template
from werkzeug.routing import Rule

from engine.forms.spec import localized
from engine.principal import Principal
from engine.storage.task_counts import TaskCounts
from engine.web.auth import login_redirect, require_app_role
from engine.web.context import services
from engine.web.page_text import page_texts
from engine.web.pages import current_locale

bp = Blueprint("app_home", __name__)

HOME = "page.forms.home."
TEXT = "page.home."
INBOX_BOX = {"mine": "mine", "group": "groups"}  # a menu's task target -> the inbox's box


@bp.get("/apps/<app_id>")
def app_home(app_id: str) -> Any:
    who = require_app_role(app_id)
    if who is None:
        return login_redirect()
    return render_app_home(who, app_id)


def render_app_home(who: Principal, app_id: str) -> str:
    locale = current_locale()
    home = services().app_home
    compiled = home.app(app_id)  # an unknown app: 404
    pages = Pages(app_id, locale, {v["id"]: v["form"] for v in compiled.document.get("views", [])})
    counts = home.task_counts(who).get(app_id, TaskCounts())
    offers = home.offers(who, app_id, dashboards=pages.dashboards)
    entries = home.menu(who, app_id, dashboards=pages.dashboards)
    menu = [_menu_entry(entry, pages, counts, locale) for entry in pages.existing(entries)]
    forms = {form_id: form.spec.title(locale) for form_id, form in compiled.forms.items()}
    boards = {b["id"]: localized(b["name"], locale, b["id"]) for b in compiled.document.get("dashboards", [])}
    staff = home.is_staff(who, compiled) and bool(compiled.document.get("flows"))
    cards = [
        {
            "id": form_id,
            "title": forms[form_id],
            "list": pages.href("list", form_id) if form_id in offers.lists else None,
            "new": pages.href("new", form_id) if form_id in offers.new else None,
            "export": form_id in offers.exports,
            "public": bool(compiled.form(form_id).spec.public.get("enabled")) and form_id in offers.new,
        }
        for form_id in compiled.forms
        if form_id in offers.lists or form_id in offers.new
    ]
    return render_template(
        "app.html",
        t=page_texts(HOME, locale),
        h=page_texts(TEXT, locale),
        locale=locale,
        app_id=app_id,
        title=localized(compiled.document["name"], locale, app_id),
        menu=menu,
        tasks=_task_tiles(counts, pages, locale) if staff else [],
        forms=cards,
        knowledge_bases=[{"title": forms[f], "href": pages.href("knowledge_base", f)} for f in offers.knowledge_bases],
        dashboards=[{"title": boards[d], "href": pages.href("dashboard", d)} for d in offers.dashboards],
        notifications=[_notification(n, pages, locale) for n in home.latest_notifications(who, app_id)],
        user=who.name or who.id,
    )


class Pages:
    """The address of each kind of target, in the page's language; ``dashboards``: whether this
    installation has dashboard pages (another part of the engine adds them). A list view opens as its
    form's list page with ``view=``, so ``view_forms`` maps each view to its form."""

    def __init__(self, app_id: str, locale: str, view_forms: Mapping[str, str]):
        self.app_id = app_id
        self.locale = locale
        self.view_forms = view_forms
        self.dashboards = _page_rule("dashboards") is not None

    def existing(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entries with something left to show (a group whose entries all went is left out)."""
        found = []
        for entry in entries:
            if "items" in entry:
                items = self.existing(entry["items"])
                if items:
                    found.append({**entry, "items": items})
            else:
                found.append(entry)
        return found

    def href(self, kind: str, target: str, counts: TaskCounts | None = None) -> str:
        app = quote(self.app_id)
        lang = urlencode({"lang": self.locale})
        if kind == "tasks":
            box = INBOX_BOX.get(target)
            if box is None:  # overdue: the box holding them (each inbox lists the overdue first)
                box = "groups" if counts and counts.group_overdue and not counts.mine_overdue else "mine"
            return f"/tasks?box={box}&{lang}"
        if kind == "knowledge_base":
            return f"/kb/{app}/{quote(target)}?{lang}"
        if kind == "view":
            form = quote(self.view_forms[target])
            return f"/apps/{app}/forms/{form}/records?{urlencode({'view': target, 'lang': self.locale})}"
        if kind == "dashboard":
            return f"/apps/{app}/dashboards/{quote(target)}?{lang}"
        suffix = "records" if kind == "list" else "new"
        return f"/apps/{app}/forms/{quote(target)}/{suffix}?{lang}"


def _page_rule(kind: str) -> Rule | None:
    """The page route ``/apps/<app_id>/<kind>/<id>``, when one is registered (GET)."""
    prefix = f"/apps/<app_id>/{kind}/<"
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and rule.rule.count("<") == 2 and "GET" in (rule.methods or ()):
            return rule
    return None


def _menu_entry(entry: Mapping[str, Any], pages: Pages, counts: TaskCounts, locale: str) -> dict[str, Any]:
    if "items" in entry:
        items = [_menu_entry(item, pages, counts, locale) for item in entry["items"]]
        return {"id": entry["id"], "label": localized(entry["label"], locale, entry["id"]), "children": items}
    count = None
    if entry["kind"] == "tasks":
        count = {"mine": counts.mine, "group": counts.group, "overdue": counts.overdue}[entry["target"]]
    return {
        "id": entry["id"],
        "label": localized(entry["label"], locale, entry["id"]),
        "href": pages.href(entry["kind"], entry["target"], counts),
        "kind": entry["kind"],
        "count": count,
    }


def _task_tiles(counts: TaskCounts, pages: Pages, locale: str) -> list[dict[str, Any]]:
    t = page_texts(TEXT, locale)
    return [
        {"id": "mine", "label": t["tasks_mine"], "count": counts.mine, "href": pages.href("tasks", "mine", counts)},
        {"id": "group", "label": t["tasks_group"], "count": counts.group, "href": pages.href("tasks", "group", counts)},
        {
            "id": "overdue",
            "label": t["tasks_overdue"],
            "count": counts.overdue,
            "href": pages.href("tasks", "overdue", counts),
        },
    ]


def _notification(note: Mapping[str, Any], pages: Pages, locale: str) -> dict[str, Any]:
    message = note.get("message")
    if isinstance(message, Mapping) and not any(isinstance(v, str) for v in message.values()):
        message = None
    text = localized(message, locale) if isinstance(message, (str, Mapping)) else ""
    href = None
    lang = urlencode({"lang": locale})
    if note["link"] == "task":
        href = f"/tasks/{quote(note['task_id'])}?{lang}"
    elif note["link"] == "record":
        href = f"/apps/{quote(pages.app_id)}/forms/{quote(note['form_id'])}/records/{note['record_id']}?{lang}"
    return {"text": text or page_texts(TEXT, locale)["notification"], "href": href, "unread": not note["read_at"]}


# -- the site home ----------------------------------------------------------------------------------
def site_home(who: Principal) -> str:
    """``/``: the one app's home for a person with one app, else the apps with their task counts."""
    locale = current_locale()
    installed = services().apps.list_apps()
    home = services().app_home
    mine = [app["id"] for app in installed] if who.is_admin else home.apps_of(who, [app["id"] for app in installed])
    if len(mine) == 1 and not who.is_admin:
        return render_app_home(who, mine[0])
    counts = home.task_counts(who)
    apps = [
        {
            **app,
            "label": localized(app["name"], locale, app["id"]),
            "href": f"/apps/{quote(app['id'])}?{urlencode({'lang': locale})}",
            "tasks": counts.get(app["id"], TaskCounts()).total,
            "overdue": counts.get(app["id"], TaskCounts()).overdue,
        }
        for app in installed
        if app["id"] in mine
    ]
    return render_template(
        "home.html",
        t=page_texts(HOME, locale),
        h=page_texts(TEXT, locale),
        locale=locale,
        apps=apps,
        admin=who.is_admin,
        user=who.name or who.id,
    )
