"""Administration pages for people (web layer): the list, a new person, editing and password resets.

Thin views over the directory service. A refused form is drawn again with everything that was
typed and a sentence next to each field.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, flash, redirect, request, url_for

from engine.errors import EngineError, NotFoundError, SubmissionError
from engine.forms.spec import localized
from engine.packages.semantics import BUILDER_ROLE
from engine.people import rules
from engine.people.rules import MAX_PASSWORD_LENGTH
from engine.web.admin_common import MAX_TEXT, actor, bp, page, refusal, text
from engine.web.context import services
from engine.web.pages import current_locale
from engine.whole_numbers import parse_whole

PAGE_SIZE = 50
TRUE = ("1", "on", "true")
PROFILE = ("name", "mobile", "email", "locale")


@bp.get("/")
def index() -> Response:
    return redirect(url_for("admin_pages.users"))  # type: ignore[return-value]


@bp.get("/users")
def users() -> Response:
    directory = services().directory
    query = request.args.get("q", "")[:200]
    cursor = request.args.get("cursor") or None
    banner = None
    try:
        found = directory.list_users(query, limit=PAGE_SIZE, cursor=cursor)
    except SubmissionError:
        found, cursor, banner = directory.list_users(query, limit=PAGE_SIZE), None, text("cursor_invalid")
    return page(
        "admin/users.html",
        users=found["items"],
        next_cursor=found["next_cursor"],
        paged=cursor is not None,
        q=query,
        role_names=_role_names(),
        banner=banner,
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Response:
    catalog, groups = _role_catalog(), services().directory.list_groups()
    if request.method == "GET":
        values: dict[str, Any] = {"locale": current_locale(), "roles": [], "groups": []}
        return page("admin/user_new.html", values=values, errors={}, catalog=catalog, groups=groups)
    values, errors = _posted_user(catalog, groups, new=True)
    banner = None
    user_id = None
    generated = None
    if not errors:
        password = values["password"] or secrets.token_urlsafe(9)
        generated = None if values["password"] else password
        try:
            user_id = services().directory.create_user(
                values["login"],
                password,
                name=values["name"],
                mobile=values["mobile"] or None,
                email=values["email"] or None,
                locale=values["locale"],
                admin=values["admin"],
                roles=[rules.role_pair(r) for r in values["roles"]],
                groups=values["groups"],
                communities=values["community_ids"],
                actor=actor(),
            )
        except SubmissionError as exc:
            errors = _store_errors(exc)
        except EngineError as exc:  # taken at the same moment, a group removed meanwhile, ...
            banner = refusal(exc)
    if user_id is None:
        values["password"] = ""  # never sent back into the page
        context = {"values": values, "errors": errors, "catalog": catalog, "groups": groups, "banner": banner}
        return page("admin/user_new.html", 422, **context)
    notice = text("created", login=services().directory.get_user(user_id)["login"])
    return _user_page(user_id, 201, notice=notice, password=generated)


@bp.get("/users/<user_id>")
def user(user_id: str) -> Response:
    return _user_page(user_id)


def _user_page(user_id: str, status: int = 200, **context: Any) -> Response:
    found = services().directory.get_user(user_id)
    groups = services().directory.list_groups()
    values = {**found, "communities": ", ".join(str(c) for c in found["communities"])}
    values["groups"] = [g["id"] for g in groups if g["name"] in found["groups"]]
    context.setdefault("errors", {})
    return page("admin/user.html", status, user=found, values=values, catalog=_role_catalog(), groups=groups, **context)


@bp.post("/users/<user_id>")
def update_user(user_id: str) -> Response:
    directory = services().directory
    found = directory.get_user(user_id)
    catalog, groups = _role_catalog(), directory.list_groups()
    values, errors = _posted_user(catalog, groups, new=False, user_id=found["id"])
    if not errors:
        held = set(found["roles"])
        changes: dict[str, Any] = {key: values[key] or None for key in ("mobile", "email")}
        changes.update(name=values["name"], locale=values["locale"], active=values["active"])
        changes.update(on_duty=values["on_duty"])
        changes["roles"] = {"add": sorted(set(values["roles"]) - held), "remove": sorted(held - set(values["roles"]))}
        try:
            directory.update_user(found["id"], changes, actor=actor())
            directory.set_communities(found["id"], values["community_ids"], actor=actor())
            member_of = {g["id"] for g in groups if g["name"] in found["groups"]}
            for group_id in sorted(set(values["groups"]) - member_of):
                directory.add_member(group_id, found["id"], actor=actor())
            for group_id in sorted(member_of - set(values["groups"])):
                directory.remove_member(group_id, found["id"], actor=actor())
        except SubmissionError as exc:
            errors = _store_errors(exc)
        except EngineError as exc:  # for instance: the last active administrator cannot be deactivated
            return _redraw_user(found, values, errors, refusal(exc))
        if not errors:
            flash(text("saved"))
            return redirect(url_for("admin_pages.user", user_id=found["id"]))  # type: ignore[return-value]
    return _redraw_user(found, values, errors, None)


def _redraw_user(found: dict[str, Any], values: dict[str, Any], errors: dict[str, str], banner: str | None) -> Response:
    shown = {**found, **values}
    return page(
        "admin/user.html",
        422,
        user=found,
        values=shown,
        errors=errors,
        banner=banner,
        catalog=_role_catalog(),
        groups=services().directory.list_groups(),
    )


@bp.post("/users/<user_id>/password")
def reset_password(user_id: str) -> Response:
    directory = services().directory
    found = directory.get_user(user_id)
    typed = request.form.get("password", "")[: MAX_PASSWORD_LENGTH + 1]
    password = typed or secrets.token_urlsafe(9)
    problem = _password_problem(password)
    if problem is None:
        try:
            directory.set_password(found["id"], password, actor=actor())
        except SubmissionError:
            problem = text("password_invalid")
    if problem is not None:
        return _user_page(found["id"], 422, errors={"reset": problem})
    notice = text("reset_done", login=found["login"])
    return _user_page(found["id"], notice=notice, password=None if typed else password)


def _posted_user(
    catalog: list[dict[str, Any]], groups: list[dict[str, Any]], *, new: bool, user_id: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """What the user form sent, kept as typed for redrawing, and a sentence per field that is wrong."""
    form = request.form
    values: dict[str, Any] = {key: form.get(key, "")[:MAX_TEXT].strip() for key in ("login", *PROFILE)}
    values["password"] = form.get("password", "")[: MAX_PASSWORD_LENGTH + 1]
    values["roles"] = form.getlist("roles")[:500]
    values["groups"] = form.getlist("groups")[:500]
    values["communities"] = form.get("communities", "")[:MAX_TEXT]
    errors: dict[str, str] = {}
    for flag in ("admin", "active", "on_duty"):
        raw = form.get(flag)
        values[flag] = raw in TRUE
        if raw is not None and raw not in TRUE:
            errors[flag] = text("flag_invalid")
    if new:
        if not values["login"]:
            errors["login"] = text("login_required")
        elif len(values["login"]) > rules.MAX_LOGIN_LENGTH:
            errors["login"] = text("login_invalid")
        elif exists(values["login"]):
            errors["login"] = text("login_taken", value=values["login"])
        if values["password"] and (problem := _password_problem(values["password"])):
            errors["password"] = problem
    if not rules.name_valid(values["name"]):
        errors["name"] = text("name_long")
    if len(values["email"]) > rules.MAX_EMAIL_LENGTH:
        errors["email"] = text("email_invalid")
    if not rules.locale_valid(values["locale"]):
        errors["locale"] = text("locale_invalid")
    if values["mobile"] and _mobile_taken(values["mobile"], user_id):
        errors["mobile"] = text("mobile_taken", value=values["mobile"])
    offered = {role["value"] for app in catalog for role in app["roles"]}
    unknown = [r for r in values["roles"] if r not in offered]
    if unknown:
        errors["roles"] = text("role_unknown", value=unknown[0][:60])
    known_groups = {g["id"] for g in groups}
    strange = [g for g in values["groups"] if g not in known_groups]
    if strange:
        errors["groups"] = text("group_unknown", value=strange[0][:60])
    values["community_ids"] = _communities(values["communities"])
    if values["community_ids"] is None:
        errors["communities"] = text("communities_invalid")
    return values, errors


def _communities(typed: str) -> list[int] | None:
    parts = [p.strip() for p in typed.replace(",", ",").replace(";", ",").split(",") if p.strip()]
    found = [parse_whole(p, low=1, high=999_999_999) for p in parts]
    if len(parts) > 200 or any(number is None for number in found):
        return None
    return sorted({number for number in found if number is not None})


def _password_problem(password: str) -> str | None:
    problem = rules.password_problem(password)
    return text(problem) if problem else None


def _store_errors(error: SubmissionError) -> dict[str, str]:
    """The service's field problems as sentences of this page's language (the service decides, we word)."""
    wording = {
        "login": text("login_invalid"),
        "password": text("password_short"),
        "name": text("name_long"),
        "mobile": text("mobile_invalid"),
        "email": text("email_invalid"),
        "locale": text("locale_invalid"),
        "communities": text("communities_invalid"),
        "roles": text("role_unknown", value="?"),
    }
    found = {key: wording.get(key, refusal(error)) for key in error.field_errors}
    return found or {"_form": refusal(error)}


def exists(login: str) -> bool:
    """Whether someone has ``login`` (or that id)."""
    try:
        services().directory.get_user(login)
    except NotFoundError:
        return False
    return True


def _mobile_taken(mobile: str, user_id: str | None) -> bool:
    digits = rules.normalize_mobile(mobile)
    matches = services().directory.list_users(digits, limit=20)["items"]
    return any(u["mobile"] == digits and u["id"] != user_id for u in matches)


def _role_catalog() -> list[dict[str, Any]]:
    """Each installed app with the roles its current package declares, labelled in the page's language."""
    locale = current_locale()
    catalog = []
    for app in services().apps.list_apps():
        document = services().apps.export(app["id"])
        roles = [
            {"value": f"{app['id']}:{role['id']}", "label": localized(role.get("name"), locale, role["id"])}
            for role in document.get("roles", [])
        ]
        builder = f"{app['id']}:{BUILDER_ROLE}"
        roles.append({"value": builder, "label": text("role_builder")})  # the engine's own, in every app
        catalog.append({"id": app["id"], "label": localized(app["name"], locale, app["id"]), "roles": roles})
    return catalog


def _role_names() -> dict[str, str]:
    return {role["value"]: role["label"] for app in _role_catalog() for role in app["roles"]}
