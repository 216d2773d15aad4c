"""``trellis ops``: failed flow instances and failed deliveries, listed, retried and cancelled from a shell.

The command line acts as an administrator named after the shell's user (``cli:login``), which is
what the audit log shows for every retry and cancel made here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.errors import NotFoundError
from engine.principal import Principal
from engine.whole_numbers import parse_id

if TYPE_CHECKING:
    from engine.services import Services


@dataclass(frozen=True, slots=True)
class Shell:
    """What the main command line lends these commands: opened services, its language, who runs it."""

    opened: Callable[[], AbstractContextManager[Services]]
    say: Callable[..., str]
    actor: Callable[[], str]


def add_commands(sub: Any, shell: Shell) -> None:
    ops = sub.add_parser("ops", help="failed flows and deliveries: list, retry, cancel")
    ops_sub = ops.add_subparsers(title="ops commands", metavar="OPS_COMMAND")
    cmd = ops_sub.add_parser("list", help="failed flow instances and failed deliveries, with their reasons")
    cmd.set_defaults(handler=cmd_list, shell=shell)
    for kind, what in (("instance", "a failed flow instance (by id)"), ("delivery", "a failed delivery (by id)")):
        for verb, does in (("retry", "retry"), ("cancel", "cancel")):
            cmd = ops_sub.add_parser(f"{verb}-{kind}", help=f"{does} {what}")
            cmd.add_argument("id")
            cmd.set_defaults(handler=cmd_act, kind=kind, verb=verb, shell=shell)


def cli_admin(shell: Shell) -> Principal:
    return Principal(id=shell.actor(), name=shell.actor(), is_admin=True)


def cmd_list(args: argparse.Namespace) -> int:
    shell: Shell = args.shell
    say = shell.say
    with shell.opened() as built:
        instances = built.operations.failed_instances(cli_admin(shell))
        deliveries = built.operations.failed_deliveries(cli_admin(shell))
    for item in instances:
        print(
            say(
                args,
                "cli.ops.instance",
                id=item["id"],
                app=item["app_id"],
                flow=item["flow_id"],
                record=item["record_id"],
                who=item["started_by_name"],
                when=f"{item['failed_at']:%Y-%m-%d %H:%M}",
                error=item["error"],
            )
        )
    for item in deliveries:
        print(
            say(
                args,
                "cli.ops.delivery",
                id=item["id"],
                app=item["app"],
                connector=item["connector"],
                operation=item["operation"],
                attempts=item["attempts"],
                when=item["failed_at"][:16].replace("T", " "),
                error=item["last_error"],
            )
        )
    if not instances and not deliveries:
        print(say(args, "cli.ops.none"))
    return 0


def cmd_act(args: argparse.Namespace) -> int:
    shell: Shell = args.shell
    with shell.opened() as built:
        ops, me = built.operations, cli_admin(shell)
        if args.kind == "instance":
            (ops.retry_instance if args.verb == "retry" else ops.cancel_instance)(me, args.id)
        else:
            failed_id = parse_id(args.id)
            if failed_id is None:
                raise NotFoundError.says("operations.no_delivery", id=args.id[:40])
            (ops.retry_delivery if args.verb == "retry" else ops.cancel_delivery)(me, failed_id)
    print(shell.say(args, "cli.ops.done", what=f"{args.verb}-{args.kind}", id=args.id))
    return 0
