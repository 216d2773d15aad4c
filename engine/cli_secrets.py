"""``trellis secrets``: store, list and remove the secrets of an app's connectors from a shell.

The value is read from standard input (or asked for without echo at a terminal), never from the
command line, so it stays out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from engine.cli_ops import Shell, cli_admin


def add_commands(sub: Any, shell: Shell) -> None:
    secrets = sub.add_parser("secrets", help="secrets of an app's connectors, stored encrypted (stored:NAME)")
    secrets_sub = secrets.add_subparsers(title="secrets commands", metavar="SECRETS_COMMAND")
    cmd = secrets_sub.add_parser("set", help="store a secret (the value is read from standard input)")
    cmd.add_argument("app_id")
    cmd.add_argument("name", metavar="NAME")
    cmd.set_defaults(handler=cmd_set, shell=shell)
    cmd = secrets_sub.add_parser("list", help="the app's stored secrets and those its connectors lack (no values)")
    cmd.add_argument("app_id")
    cmd.set_defaults(handler=cmd_list, shell=shell)
    cmd = secrets_sub.add_parser("delete", help="remove a stored secret")
    cmd.add_argument("app_id")
    cmd.add_argument("name", metavar="NAME")
    cmd.set_defaults(handler=cmd_delete, shell=shell)


def cmd_set(args: argparse.Namespace) -> int:
    shell: Shell = args.shell
    if sys.stdin.isatty():
        value = getpass.getpass(shell.say(args, "cli.secrets.prompt", name=args.name))
    else:
        value = sys.stdin.read().rstrip("\r\n")
    with shell.opened() as built:
        built.secrets.put(cli_admin(shell), args.app_id, args.name, value)
    print(shell.say(args, "cli.secrets.stored", name=args.name, app=args.app_id))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    shell: Shell = args.shell
    with shell.opened() as built:
        items = built.secrets.listed(cli_admin(shell), args.app_id)
    for item in items:
        if item["stored"]:
            when = f"{item['updated_at']:%Y-%m-%d %H:%M}"
            print(shell.say(args, "cli.secrets.line", name=item["name"], when=when, who=item["updated_by"]))
        else:
            print(shell.say(args, "cli.secrets.missing", name=item["name"]))
    if not items:
        print(shell.say(args, "cli.secrets.none"))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    shell: Shell = args.shell
    with shell.opened() as built:
        built.secrets.remove(cli_admin(shell), args.app_id, args.name)
    print(shell.say(args, "cli.secrets.removed", name=args.name, app=args.app_id))
    return 0
