"""Administration pages for groups (web layer): the group tree, new groups, adding and removing members."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from engine.errors import ConflictError, NotFoundError, SubmissionError
from engine.web.admin_common import MAX_TEXT, actor, bp, page, refusal, text
from engine.web.admin_people import exists
from engine.web.context import services


@bp.get("/groups")
def groups() -> Response:
    return _groups_page()


def _groups_page(status: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    people = services().directory.list_users(limit=200)["items"]
    return page("admin/groups.html", status, groups=services().directory.list_groups(), people=people, **context)


@bp.post("/groups")
def create_group() -> Response:
    directory = services().directory
    values = {key: request.form.get(key, "")[:MAX_TEXT].strip() for key in ("name", "parent", "leader")}
    errors: dict[str, str] = {}
    known = {g["id"]: g["name"] for g in directory.list_groups()}
    if not values["name"]:
        errors["name"] = text("group_name_required")
    elif len(values["name"]) > 200:
        errors["name"] = text("group_name_long")
    elif values["name"] in known.values():
        errors["name"] = text("group_taken", value=values["name"])
    if values["parent"] and values["parent"] not in known:
        errors["parent"] = text("group_unknown", value=values["parent"][:60])
    if values["leader"] and not exists(values["leader"]):
        errors["leader"] = text("user_unknown", value=values["leader"][:60])
    if not errors:
        try:
            directory.create_group(values["name"], values["parent"] or None, values["leader"] or None, actor=actor())
        except SubmissionError as exc:
            errors["name"] = refusal(exc)
        except (ConflictError, NotFoundError) as exc:
            errors["_form"] = refusal(exc)
    if errors:
        return _groups_page(422, errors=errors, values=values)
    flash(text("group_created", name=values["name"]))
    return redirect(url_for("admin_pages.groups"))  # type: ignore[return-value]


@bp.post("/groups/<group_id>/members")
def add_member(group_id: str) -> Response:
    group = _group(group_id)
    login = request.form.get("login", "")[:MAX_TEXT].strip()
    problem = None
    if not login:
        problem = text("member_required")
    elif not exists(login):
        problem = text("user_unknown", value=login[:60])
    if problem is not None:
        return _groups_page(422, errors={f"member:{group['id']}": problem}, values={f"member:{group['id']}": login})
    services().directory.add_member(group["id"], login, actor=actor())
    flash(text("member_added", login=login, group=group["name"]))
    return redirect(url_for("admin_pages.groups", _anchor=f"group-{group['id']}"))  # type: ignore[return-value]


@bp.post("/groups/<group_id>/members/<user_id>/remove")
def remove_member(group_id: str, user_id: str) -> Response:
    group = _group(group_id)
    person = services().directory.get_user(user_id)
    services().directory.remove_member(group["id"], person["id"], actor=actor())
    flash(text("member_removed", login=person["login"], group=group["name"]))
    return redirect(url_for("admin_pages.groups", _anchor=f"group-{group['id']}"))  # type: ignore[return-value]


def _group(group_id: str) -> dict[str, Any]:
    found = next((g for g in services().directory.list_groups() if g["id"] == group_id), None)
    if found is None:
        raise NotFoundError(text("group_unknown", value=group_id[:60]))
    return found
