"""A changed flow's running instances (web layer): the dry run a builder asks for before publishing,
and the move onto the published version after. Only the app's builders (and administrators)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from engine.web.context import services
from engine.web.contract import operation
from engine.web.contract.builder_moves import MoveBody, Moved, MovePlan
from engine.web.contract.operations import Answer
from engine.web.http import json_response, locale, principal

bp = Blueprint("api_builder_moves", __name__, url_prefix="/api/v1/builder")


@bp.post("/apps/<app_id>/flows/<flow_id>/move-dry-run")
@operation(
    "Plan moving a flow's running instances onto the draft's flow, changing nothing",
    tags="builder",
    body=MoveBody,
    answers={200: Answer("each instance's plan, or why it cannot move", MovePlan)},
)
def move_dry_run(app_id: str, flow_id: str, body: dict[str, Any]) -> Response:
    """Every unfinished instance, on whichever version it runs; an invalid draft is a 422 with pointers."""
    plan = services().builder_moves.dry_run(principal(), app_id[:64], flow_id[:100], body.get("map", {}), locale())
    return json_response(plan)


@bp.post("/apps/<app_id>/flows/<flow_id>/move")
@operation(
    "Move a flow's running instances onto the current version",
    tags="builder",
    body=MoveBody,
    answers={200: Answer("how many moved", Moved)},
)
def move(app_id: str, flow_id: str, body: dict[str, Any]) -> Response:
    """All or nothing: when any instance cannot move, none does and the answer is a 422 saying so."""
    moved = services().builder_moves.move(principal(), app_id[:64], flow_id[:100], body.get("map", {}), locale())
    return json_response(moved)
