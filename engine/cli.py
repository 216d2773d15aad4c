"""``trellis``: the command line for admins and scripts.

Every command prints what a person needs and exits 0 on success, 1 when the input was
refused (the reasons printed one per line), 2 for a usage or configuration mistake. No
command shows a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from engine import cli_ops, cli_secrets
from engine.config import Settings
from engine.errors import ConfigError, DefinitionError, EngineError, NotFoundError
from engine.i18n import translate
from engine.packages import package_problems, read_package_file
from engine.packages.messages import localize, pick_locale

if TYPE_CHECKING:
    from engine.services import Services


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        code: int = args.handler(args)
        return code
    except ConfigError as exc:
        print(_say(args, "cli.config_error", message=exc.localized(_locale(args))), file=sys.stderr)
        return 2
    except DefinitionError as exc:
        _print_problems(exc, _locale(args), sys.stderr)
        return 1
    except EngineError as exc:
        print(_say(args, "cli.error", message=exc.localized(_locale(args))), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="trellis", description="Trellis low-code engine")
    parser.add_argument("--lang", help=_LANG_HELP)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    cmd = sub.add_parser("validate", help="check an app package and list every problem")
    cmd.add_argument("path")
    cmd.set_defaults(handler=cmd_validate)

    cmd = sub.add_parser("import", help="install or update app packages (files or folders of .json)")
    cmd.add_argument("paths", nargs="+")
    cmd.set_defaults(handler=cmd_import)

    cmd = sub.add_parser("export", help="write an installed app's package")
    cmd.add_argument("app_id")
    cmd.add_argument("-o", "--output", help="file to write (default: standard output)")
    cmd.add_argument("--version", type=int, help="version number (default: the current one)")
    cmd.set_defaults(handler=cmd_export)

    bpmn = sub.add_parser("bpmn", help="exchange flows with BPMN 2.0 modelers (bpmn.io, Camunda Modeler)")
    bpmn_sub = bpmn.add_subparsers(title="bpmn commands", metavar="BPMN_COMMAND")
    cmd = bpmn_sub.add_parser("import", help="print the flow definition JSON of a .bpmn file")
    cmd.add_argument("file", metavar="FILE.bpmn")
    cmd.add_argument("--form", help="id of the form the flow carries (default: the one a Trellis export names)")
    cmd.add_argument("--id", dest="flow_id", help="id of the flow (default: from the file)")
    cmd.set_defaults(handler=cmd_bpmn_import)
    cmd = bpmn_sub.add_parser("export", help="write an installed app's flow as BPMN 2.0 XML")
    cmd.add_argument("app_id")
    cmd.add_argument("flow_id")
    cmd.add_argument("-o", "--output", metavar="FILE.bpmn", help="file to write (default: standard output)")
    cmd.set_defaults(handler=cmd_bpmn_export)

    cmd = sub.add_parser("seed-demo", help="load demo records (apps/*.demo.json) into apps that have none yet")
    cmd.add_argument("folder", nargs="?", default="apps")
    cmd.set_defaults(handler=cmd_seed_demo)

    cmd = sub.add_parser("versions", help="list an app's published versions")
    cmd.add_argument("app_id")
    cmd.set_defaults(handler=cmd_versions)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(title="db commands", metavar="DB_COMMAND")
    cmd = db_sub.add_parser("upgrade", help="apply the engine's schema migrations")
    cmd.set_defaults(handler=cmd_db_upgrade)

    users = sub.add_parser("users", help="manage the people who sign in")
    users_sub = users.add_subparsers(title="users commands", metavar="USERS_COMMAND")
    cmd = users_sub.add_parser("create", help="add a user who signs in with a login name or mobile number")
    cmd.add_argument("login", metavar="NAME", help="login name (letters, digits and . _ @ + -)")
    cmd.add_argument("--password", required=True, help="at least 8 characters; '-' reads it from standard input")
    cmd.add_argument("--admin", action="store_true", help="may administer the whole installation")
    cmd.add_argument("--role", action="append", default=[], metavar="APP:ROLE", help="a role in an app (repeatable)")
    cmd.add_argument("--group", action="append", default=[], metavar="G", help="a group to join, by name (repeatable)")
    cmd.add_argument("--mobile", help="mobile number, also accepted at sign-in")
    cmd.add_argument("--name", help="display name (default: the login name)")
    cmd.set_defaults(handler=cmd_users_create)

    tokens = sub.add_parser("tokens", help="manage API tokens")
    tokens_sub = tokens.add_subparsers(title="tokens commands", metavar="TOKENS_COMMAND")
    cmd = tokens_sub.add_parser("create", help="create an API token for a user; the token is printed once")
    cmd.add_argument("login", metavar="NAME", help="the user the token acts as")
    cmd.add_argument(
        "--scope",
        action="append",
        default=[],
        metavar="SCOPE",
        help="app:APP_ID:read, app:APP_ID:write or admin (repeatable, at least one)",
    )
    cmd.add_argument("--label", default="cli", help="what the token is for (default: cli)")
    cmd.set_defaults(handler=cmd_tokens_create)

    flows = sub.add_parser("flows", help="running flows: move instances between published versions")
    flows_sub = flows.add_subparsers(title="flows commands", metavar="FLOWS_COMMAND")
    cmd = flows_sub.add_parser(
        "migrate", help="move running instances of a flow to another version (a dry run unless --apply)"
    )
    cmd.add_argument("app_id")
    cmd.add_argument("flow_id")
    cmd.add_argument("--from", dest="from_version", type=int, required=True, help="the version they run on now")
    cmd.add_argument("--to", dest="to_version", type=int, required=True, help="the version to move them to")
    cmd.add_argument(
        "--map", action="append", default=[], metavar="OLD=NEW", help="where tokens at an old node go (repeatable)"
    )
    cmd.add_argument("--apply", action="store_true", help="carry it out (without it, only show what would happen)")
    cmd.set_defaults(handler=cmd_flows_migrate)
    cli_ops.add_commands(sub, cli_ops.Shell(_opened_services, _say, _actor))
    cli_secrets.add_commands(sub, cli_ops.Shell(_opened_services, _say, _actor))

    cmd = sub.add_parser("serve", help="serve the web app and API")
    cmd.add_argument("--host", help="address to listen on (default: TRELLIS_HOST or 127.0.0.1)")
    cmd.add_argument("--port", type=int, help="port (default: TRELLIS_PORT or 5000)")
    cmd.add_argument("--workers", type=int, default=1, help="web processes (default 1)")
    cmd.add_argument("--threads", type=int, default=16, help="threads per process (default 16)")
    cmd.add_argument(
        "--no-worker",
        action="store_true",
        help="do not fire timers and deliver the outbox in-process (a `trellis worker` does it; implied by Redis)",
    )
    cmd.set_defaults(handler=cmd_serve)

    cmd = sub.add_parser("worker", help="deliver the outbox and fire due timers")
    cmd.add_argument("--once", action="store_true", help="do one round and exit")
    cmd.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
    cmd.add_argument("--queue", default="trellis", help="with Redis: the RQ queue to share (default trellis)")
    cmd.add_argument(
        "--lease", type=float, default=60.0, help="seconds a claimed timer or outbox item waits for its worker"
    )
    cmd.add_argument(
        "--retry-base", type=float, default=10.0, help="seconds before the first retry; doubles each attempt"
    )
    cmd.set_defaults(handler=cmd_worker)
    _options_after_commands(parser)
    return parser


_LANG_HELP = "language of messages: zh-CN or en (default: from LANG)"


def _options_after_commands(parser: argparse.ArgumentParser) -> None:
    """Let every command take ``--lang`` after its name too (``trellis validate x.json --lang en``).

    The commands' copy has no default, so it leaves the value given before the command in place.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                command.add_argument("--lang", default=argparse.SUPPRESS, help=_LANG_HELP)
                _options_after_commands(command)


def _locale(args: argparse.Namespace) -> str:
    return pick_locale(getattr(args, "lang", None) or os.environ.get("LC_ALL") or os.environ.get("LANG"))


def _say(args: argparse.Namespace, code: str, /, **params: object) -> str:
    """The catalog's sentence ``code`` in the command line's language."""
    return translate(code, _locale(args), **params)


def _print_problems(error: DefinitionError, locale: str, stream: TextIO) -> None:
    for item in error.problems:
        print(localize(item, locale).line(), file=stream)
    if not error.problems:
        print(translate("cli.error", locale, message=error.localized(locale)), file=stream)


@contextmanager
def _opened_services() -> Iterator[Services]:
    """The services on a migrated database, closed again when the command is done."""
    from engine.services import build_services

    built = build_services(Settings.from_env())
    try:
        yield built
    finally:
        built.close()


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "cli:unknown"


def cmd_validate(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    document = read_package_file(args.path, max_bytes=settings.max_package_bytes)
    problems = package_problems(document, settings.package_env)
    locale = _locale(args)
    for item in problems:
        print(localize(item, locale).line())
    if problems:
        return 1
    print(_say(args, "cli.valid"))
    return 0


def _package_paths(paths: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.glob("*.json")) if not p.name.endswith(".demo.json"))
        else:
            found.append(path)
    return found


def cmd_import(args: argparse.Namespace) -> int:
    failed = 0
    with _opened_services() as built:
        for path in _package_paths(args.paths):
            try:
                document = read_package_file(path, max_bytes=built.settings.max_package_bytes)
                result = built.apps.import_package(document, actor=_actor(), origin="bundled")
            except DefinitionError as exc:
                print(_say(args, "cli.import.refused", path=path), file=sys.stderr)
                _print_problems(exc, _locale(args), sys.stderr)
                failed += 1
                continue
            _say_imported(args, path, result)
    return 1 if failed else 0


def _say_imported(args: argparse.Namespace, path: Path, result: Any) -> None:
    """What the import did; a company's own version kept over a newer bundled one, with why."""
    if result.outcome == "merged":
        print(_say(args, "cli.import.merged", path=path, **result.as_dict()))
    elif result.outcome == "kept":
        print(_say(args, "cli.import.kept", path=path, count=len(result.conflicts), **result.as_dict()))
        for conflict in result.conflicts:
            print(f"  {conflict['path']} {conflict['label']}: {conflict['detail']}")
    else:
        print(_say(args, "cli.import.done", path=path, **result.as_dict()))


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from engine.demo import demo_files, demo_logins, load_demo

    with _opened_services() as built:  # tickets still in progress start their flows
        for path in demo_files(Path(args.folder)):
            counts = load_demo(
                built.records, path, progress=_show_progress, directory=built.directory, flows=built.flows
            )
            if counts:
                summary = ", ".join(f"{n} {form}" for form, n in counts.items())
                print(_say(args, "cli.demo.loaded", path=path, summary=summary))
            else:
                print(_say(args, "cli.demo.already_loaded", path=path))
            logins = demo_logins(path)
            if logins:
                print(_say(args, "cli.demo.logins", password=logins[0][1]))
                for login, _, roles in logins:
                    print(f"  {login:<14} {', '.join(roles)}")
    return 0


def _show_progress(form: str, done: int, total: int) -> None:
    end = "\n" if done == total else ""
    print(f"\r  {form}: {done}/{total}", end=end, flush=True)


def cmd_export(args: argparse.Namespace) -> int:
    with _opened_services() as built:
        text = built.apps.export_text(args.app_id, args.version, actor=_actor())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(_say(args, "cli.wrote", path=args.output))
    else:
        sys.stdout.write(text)
    return 0


def cmd_bpmn_import(args: argparse.Namespace) -> int:
    """Print the flow JSON; with unsupported elements print it all the same (for a person to finish)
    and list them on standard error, exit 1. Notes (a guessed assignee ...) go to standard error too."""
    import json

    from engine.flows.bpmn import MAX_BPMN_BYTES, bpmn_to_flow

    locale = _locale(args)
    try:
        with open(args.file, "rb") as stream:
            data = stream.read(MAX_BPMN_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc
        print(f"trellis: {translate('package.unreadable', locale, path=args.file, reason=reason)}", file=sys.stderr)
        return 2
    result = bpmn_to_flow(data, flow_id=args.flow_id, form=args.form)
    print(json.dumps(result.flow, ensure_ascii=False, indent=2))
    for note in result.notes:
        print(translate("bpmn.cli.note", locale, line=note.line(locale)), file=sys.stderr)
    for item in result.unsupported:
        print(translate("bpmn.cli.unsupported", locale, line=item.line(locale)), file=sys.stderr)
    if result.unsupported:
        count = len(result.unsupported)
        summary = "bpmn.cli.not_imported_one" if count == 1 else "bpmn.cli.not_imported_many"
        print(translate(summary, locale, file=args.file, count=count), file=sys.stderr)
        return 1
    return 0


def cmd_bpmn_export(args: argparse.Namespace) -> int:
    from engine.flows.bpmn import flow_to_bpmn

    with _opened_services() as built:
        package = built.apps.export(args.app_id)
    flow = next((f for f in package.get("flows", []) if f.get("id") == args.flow_id), None)
    if flow is None:
        known = ", ".join(f.get("id", "?") for f in package.get("flows", []))
        if not known:
            raise NotFoundError.says("bpmn.export.no_flows", app=args.app_id, flow=args.flow_id)
        raise NotFoundError.says("bpmn.export.no_flow", app=args.app_id, flow=args.flow_id, known=known)
    xml = flow_to_bpmn(flow)
    if args.output:
        Path(args.output).write_bytes(xml)
        print(_say(args, "cli.wrote", path=args.output))
    else:
        sys.stdout.write(xml.decode("utf-8"))
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    with _opened_services() as built:
        versions = built.apps.versions(args.app_id)
    for info in versions:
        stamp = info.created_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{info.number}\t{info.package_version}\t{stamp} UTC\t{info.created_by}\t{info.fingerprint[:12]}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from engine.storage import Database
    from engine.storage.migrate import upgrade

    settings = Settings.from_env()
    database = Database(settings.database_url)
    try:
        before, after = upgrade(database)
    finally:
        database.dispose()
    if before == after:
        print(_say(args, "cli.db.up_to_date", database=database.describe(), revision=after))
    else:
        before_text = before or _say(args, "cli.db.empty")
        print(_say(args, "cli.db.upgraded", database=database.describe(), before=before_text, after=after))
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    roles = []
    for item in args.role:
        app_id, _, role = item.partition(":")
        if not app_id or not role:
            print(
                f"trellis: --role must look like APP:ROLE (e.g. property_repair:agent), got '{item}'", file=sys.stderr
            )
            return 2
        roles.append((app_id, role))
    password = sys.stdin.readline().rstrip("\r\n") if args.password == "-" else args.password
    with _opened_services() as built:
        user_id = built.directory.create_user(
            args.login,
            password,
            name=args.name,
            mobile=args.mobile,
            admin=args.admin,
            roles=roles,
            groups=args.group,
            actor=_actor(),
        )
    print(f"created user {args.login.strip().lower()} (id {user_id})")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    from engine.services.directory import scope_problem

    problems = [problem for problem in map(scope_problem, args.scope) if problem]
    if not args.scope:
        problems.append("give at least one --scope, e.g. --scope app:property_repair:read")
    for problem in problems:
        print(f"trellis: {problem}", file=sys.stderr)
    if problems:
        return 2
    with _opened_services() as built:
        token, token_id = built.directory.create_token(args.login, args.label, args.scope, actor=_actor())
    print(f"API token {token_id} for {args.login} ({', '.join(sorted(set(args.scope)))}); shown only this once:")
    print(token)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from engine.web.server import serve

    settings = Settings.from_env()
    if settings.redis_url:
        print(_say(args, "cli.serve.redis_workers"), flush=True)
    elif args.no_worker:
        print(_say(args, "cli.serve.no_worker"), flush=True)
    serve(
        settings,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        threads=args.threads,
        background_worker=not args.no_worker and not settings.redis_url,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import logging

    from engine.services import build_services
    from engine.storage.outbox import RetryPolicy
    from engine.worker import Worker

    settings = Settings.from_env()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    built = build_services(settings)
    try:
        worker = Worker(
            built.database,
            flows=built.flows,
            automations=built.automations,
            attachments=built.attachments,
            unclaimed_after=timedelta(hours=settings.unclaimed_upload_hours),
            interval=args.interval,
            lease_seconds=args.lease,
            retry=RetryPolicy(base_seconds=args.retry_base),
        )
        if args.once and settings.redis_url:
            worker.run_queue_once(settings.redis_url, args.queue)
        elif args.once:
            worker.run_once()
        else:
            worker.run_forever(settings.redis_url, args.queue)
    finally:
        built.close()
    return 0


def cmd_flows_migrate(args: argparse.Namespace) -> int:
    locale = _locale(args)
    mapping: dict[str, str] = {}
    for pair in args.map:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            print(translate("flow_service.cli.map_usage", locale, pair=repr(pair)), file=sys.stderr)
            return 2
        mapping[old.strip()] = new.strip()
    with _opened_services() as built:
        report = built.flows.migrate(
            args.app_id,
            args.flow_id,
            args.from_version,
            args.to_version,
            mapping,
            dry_run=not args.apply,
            actor=_actor(),
        )
    for problem in report["problems"]:
        print(translate("flow_service.cli.refused", locale, problem=problem))
    for plan in report["instances"]:
        moves = ", ".join(f"{m['from']} -> {m['to']}" for m in plan["moves"])
        line = translate(
            "flow_service.cli.instance",
            locale,
            instance=plan["instance"],
            record_id=plan["record_id"],
            moves=moves or translate("flow_service.cli.no_tokens", locale),
        )
        if plan["dropped_timers"]:
            line += translate("flow_service.cli.timers_dropped", locale, timers=", ".join(plan["dropped_timers"]))
        print(line)
        for problem in plan["problems"]:
            print("  " + translate("flow_service.cli.refused", locale, problem=problem))
    count = len(report["instances"])
    if report["refused"]:
        print(translate("flow_service.cli.nothing_moved", locale, count=count))
        return 1
    done = "flow_service.cli.moved" if args.apply else "flow_service.cli.would_move"
    print(translate(done, locale, count=count, old=args.from_version, new=args.to_version))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
