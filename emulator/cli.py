"""``ami-emulator``: the command line, one ``_add_*`` function per subcommand.

Each subcommand adds its parser and the function that runs it (``set_defaults(run=...)``),
so a new one is one more ``_add_*`` function.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from emulator import __version__
from emulator.api.regions import partition_of
from emulator.core.ec2.instances.lifecycle import MAX_TRANSITION_SECONDS
from emulator.core.ec2.region import valid_region_name
from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION, World
from emulator.persistence import StateFile, StateFileError
from emulator.scenario_files import ScenarioFileError, load_demo_into, load_file_into
from emulator.server import build_server
from emulator.web import create_app
from emulator.web.browser_guard import host_name, origin_of
from emulator.web.worlds import MAX_WORLDS, Classroom, worlds_like

log = logging.getLogger("emulator")
# More --allowed-host names, comma- or space-separated (handy in a container's environment).
ALLOWED_HOSTS_ENV = "AMI_EMULATOR_ALLOWED_HOSTS"
# A world of the demo scenario holds about 30 KB (docs/performance.md); this many is 300 MB.
MAX_WORLDS_LIMIT = 10_000


def _account(text: str) -> str:
    if not (len(text) == 12 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a 12-digit account id")
    return text


def _region_name(text: str) -> str:
    if not valid_region_name(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Region name like us-east-1")
    return text


def _access_key(text: str) -> tuple[str, str, str | None]:
    """``KEY=ACCOUNT[:SECRET]`` -> (key, account, secret or None)."""
    key, sep, rest = text.partition("=")
    if not key or not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=ACCOUNT[:SECRET]")
    account, colon, secret = rest.partition(":")
    if colon and not secret:
        raise argparse.ArgumentTypeError(f"{text!r}: the secret after ':' is empty")
    return key, _account(account), secret if colon else None


class _Parser(argparse.ArgumentParser):
    """Bad options are told in one line (the usage is one ``--help`` away), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: 0 to 65535 (0: any free one)")
    return port


def _listen_host(text: str) -> str:
    """An address or a name that resolves: a typo is refused before anything starts."""
    if host_name(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a host name or address (no port)")
    try:
        socket.getaddrinfo(text.strip("[]"), None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an address, nor a name that resolves"
        ) from None
    return text


def _allowed_host(text: str) -> str:
    if host_name(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a host name or address (no port)")
    return text


def _origin(text: str) -> str:
    if origin_of(text) is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an origin: scheme://host[:port], such as http://localhost:3000"
        )
    return text


def _add_serve(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the emulator")
    serve.set_defaults(run=serve_command)
    serve.add_argument(
        "--host",
        type=_listen_host,
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)",
    )
    serve.add_argument(
        "--port", type=_port, default=4566, help="port, 0 to 65535 (default 4566; 0: any free)"
    )
    # No argparse defaults for these two: given, they win over a state file's saved settings.
    serve.add_argument(
        "--region",
        help=f"Region for unsigned requests (default {DEFAULT_REGION})",
    )
    serve.add_argument(
        "--extra-region",
        type=_region_name,
        action="append",
        default=[],
        metavar="NAME",
        help="accept requests signed for this Region besides the real ones (repeatable)",
    )
    serve.add_argument(
        "--transition-seconds",
        type=_transition_seconds,
        metavar="N",
        help="instances show pending / stopping / shutting-down for N seconds (default 0:"
        " only the call that starts a transition shows it)",
    )
    serve.add_argument(
        "--default-account",
        type=_account,
        help=f"account for access keys that name none (default {DEFAULT_ACCOUNT})",
    )
    serve.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="INFO logs one line per request (default INFO)",
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        help="load the world from PATH on start and save it there after every "
        "change and on shutdown",
    )
    serve.add_argument(
        "--access-key",
        type=_access_key,
        action="append",
        default=[],
        metavar="KEY=ACCOUNT[:SECRET]",
        help="map an access key id to an account, optionally with its secret (repeatable)",
    )
    serve.add_argument(
        "--verify-signatures",
        action="store_true",
        help="act on a request only once its SigV4 signature is proven with the secret of "
        "its key (--access-key KEY=ACCOUNT:SECRET, or an AssumeRole session); refuse the rest",
    )
    serve.add_argument(
        "--allow-unverified-keys",
        action="store_true",
        help="with --verify-signatures: let keys that have no secret, and unsigned requests, "
        "act unproven (anyone may then act as any account that has no secret)",
    )
    serve.add_argument(
        "--allowed-host",
        type=_allowed_host,
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host header is NAME, with any port (repeatable; "
        f"also ${ALLOWED_HOSTS_ENV}); loopback names and the --host address always work",
    )
    serve.add_argument(
        "--cors-origin",
        type=_origin,
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let browser pages of ORIGIN (scheme://host[:port]) call the emulator, with "
        "CORS answers (repeatable); other pages' requests are refused",
    )
    serve.add_argument(
        "--no-console",
        action="store_true",
        help="do not serve the web console at /_emulator/console/",
    )
    serve.add_argument(
        "--debug",
        action="store_true",
        help="serve with werkzeug's development server instead of waitress",
    )
    _add_world_source(serve)
    _add_classroom(serve)


def _add_classroom(serve: argparse.ArgumentParser) -> None:
    classroom = serve.add_argument_group("classroom (many worlds in one server, docs/training.md)")
    classroom.add_argument(
        "--classroom",
        action="store_true",
        help="serve a world per name under /w/NAME/ (its AWS endpoint; its console and admin "
        "endpoints under /w/NAME/_emulator/), each made on first use; the instructor's page "
        "is /_emulator/classroom/; worlds live in memory only",
    )
    classroom.add_argument(
        "--classroom-scenario",
        metavar="FILE",
        help="with --classroom: each world starts from this scenario file (default: the demo "
        "world)",
    )
    classroom.add_argument(
        "--classroom-max-worlds",
        type=_world_count,
        default=MAX_WORLDS,
        metavar="N",
        help=f"with --classroom: at most N worlds (default {MAX_WORLDS}); past it, a new "
        "name is refused",
    )


def _world_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_WORLDS_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of worlds (1 to {MAX_WORLDS_LIMIT})"
        )
    return count


def _transition_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole seconds, got {text!r}") from None
    if not 0 <= seconds <= MAX_TRANSITION_SECONDS:
        raise argparse.ArgumentTypeError(f"expected 0 to {MAX_TRANSITION_SECONDS} seconds")
    return seconds


def _add_world_source(serve: argparse.ArgumentParser) -> None:
    source = serve.add_mutually_exclusive_group()
    source.add_argument(
        "--scenario",
        metavar="FILE",
        help="start from this scenario file (YAML or JSON) instead of the demo world",
    )
    source.add_argument("--empty", action="store_true", help="start with an empty world")


def _add_dump(commands: argparse._SubParsersAction) -> None:
    dump = commands.add_parser("dump", help="write a running emulator's world as a scenario file")
    dump.set_defaults(run=dump_command)
    dump.add_argument(
        "--endpoint", default="http://127.0.0.1:4566", help="the emulator (default %(default)s)"
    )
    dump.add_argument(
        "--format",
        choices=["yaml", "json"],
        default="yaml",
        help="scenario file format (default %(default)s)",
    )
    dump.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")


def _add_check(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="validate scenario files without serving them")
    check.set_defaults(run=check_command)
    check.add_argument(
        "files", nargs="+", metavar="FILE", help="scenario files (YAML or JSON) to check"
    )


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="ami-emulator",
        description="Local AWS emulator for AMI sharing with AWS Organizations.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = top.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do (COMMAND --help)"
    )
    _add_serve(commands)
    _add_dump(commands)
    _add_check(commands)
    return top


def pinned_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line, by WorldConfig field. They win over what a
    scenario or state file says (access keys are merged, the command line's winning)."""
    given: dict[str, Any] = {"default_account": args.default_account, "default_region": args.region}
    pinned = {name: value for name, value in given.items() if value is not None}
    if args.extra_region:
        pinned["extra_regions"] = list(args.extra_region)
    if getattr(args, "transition_seconds", None) is not None:
        pinned["transition_seconds"] = args.transition_seconds
    if args.access_key:
        pinned["access_keys"] = {key: account for key, account, _ in args.access_key}
        pinned["secret_keys"] = {
            key: secret for key, _, secret in args.access_key if secret is not None
        }
    return pinned


def starting_world(args: argparse.Namespace) -> World:
    """The demo world, a scenario file, or nothing; ``reset`` returns to it. Raises
    ScenarioFileError with the file, line and key of a bad scenario."""
    world = World(pinned=pinned_settings(args), partition_of=partition_of)
    if args.scenario:
        load_file_into(world, args.scenario)
    elif not args.empty:
        load_demo_into(world)
    world.set_baseline()
    return world


def classroom_of(args: argparse.Namespace) -> Classroom:
    """Worlds made from ``--classroom-scenario`` (or the demo world) with the command
    line's settings. Raises ScenarioFileError for a bad scenario, before serving."""
    template = World(pinned=pinned_settings(args), partition_of=partition_of)
    if args.classroom_scenario:
        load_file_into(template, args.classroom_scenario)
    else:
        load_demo_into(template)
    make = worlds_like(template.to_dict(), pinned_settings(args))
    return Classroom(make, max_worlds=args.classroom_max_worlds)


def _classroom_conflict(args: argparse.Namespace) -> str | None:
    if args.classroom:
        for flag, given in (
            ("--scenario", args.scenario),
            ("--empty", args.empty),
            ("--state-file", args.state_file),
        ):
            if given:
                return (
                    f"{flag} is for one world; with --classroom, each world starts from "
                    "--classroom-scenario FILE (or the demo world) and lives in memory"
                )
    elif args.classroom_scenario or args.classroom_max_worlds != MAX_WORLDS:
        return "--classroom-scenario and --classroom-max-worlds need --classroom"
    return None


def serve_command(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(message)s")
    # Our own request line (emulator.requests) replaces the servers' access logs.
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.debug else logging.WARNING)
    # waitress warns "Task queue depth" for every request that waits for a thread; under a
    # load test that is a line per request, and the request log already shows the latency.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    conflict = _classroom_conflict(args)
    if conflict is not None:
        print(f"ami-emulator: {conflict}", file=sys.stderr)
        return 2
    try:
        world = World() if args.classroom else starting_world(args)
        classroom = classroom_of(args) if args.classroom else None
    except ScenarioFileError as exc:
        print(f"ami-emulator: {exc}", file=sys.stderr)
        return 2
    state: StateFile | None = None
    loaded = False
    if args.state_file:
        # A saved world wins over the starting scenario, which stays what reset returns to.
        state = StateFile(world, args.state_file)
        try:
            loaded = state.load()
        except StateFileError as exc:
            print(f"ami-emulator: cannot use the state file: {exc}", file=sys.stderr)
            return 2
        log.info("%s state from %s", "loaded" if loaded else "no saved", args.state_file)
    try:
        app = create_app(
            world,
            verify_signatures=args.verify_signatures,
            allow_unverified_keys=args.allow_unverified_keys,
            on_change=state.changed if state else None,
            console=not args.no_console,
            allowed_hosts=[
                args.host,
                *args.allowed_host,
                *os.environ.get(ALLOWED_HOSTS_ENV, "").replace(",", " ").split(),
            ],
            cors_origins=args.cors_origin,
            classroom=classroom,
        )
    except ValueError as exc:
        # A bad --host or $AMI_EMULATOR_ALLOWED_HOSTS: argparse has checked the options.
        print(f"ami-emulator: {exc} (--host or ${ALLOWED_HOSTS_ENV})", file=sys.stderr)
        return 2
    try:
        server = build_server(app, args.host, args.port, debug=args.debug)
    except OSError as exc:
        print(f"ami-emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        # An address of no interface here is a bad --host; a port in use is the machine's.
        return 2 if exc.errno == errno.EADDRNOTAVAIL else 1
    # SIGTERM (docker stop, kill) shuts down like Ctrl-C: finish running requests, then save.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if state is not None:
        try:
            state.start()
        except StateFileError as exc:
            print(f"ami-emulator: {exc}", file=sys.stderr)
            return 1
    source = f"saved world from {args.state_file}" if state and loaded else _source(args)
    url = f"http://{server.host}:{server.port}"
    print(first_line(url, world, source, console=not args.no_console), flush=True)
    if classroom is not None:
        print(
            f"classroom: trainees use http://{server.host}:{server.port}/w/NAME/ as the "
            f"endpoint; the instructor's page is "
            f"http://{server.host}:{server.port}/_emulator/classroom/",
            flush=True,
        )
    saved = True
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if state is not None:
            saved = state.close()
            if saved:
                log.info("state saved to %s", args.state_file)
            else:
                print(
                    f"ami-emulator: the last save failed: {world.writes_refused}", file=sys.stderr
                )
    return 0 if saved else 1


def first_line(url: str, world: World, source: str, *, console: bool) -> str:
    """Where to point SDKs, the console, and whom to act as. The AWS endpoint stays the
    fourth word, for scripts that read it (``awk '{print $4}'``)."""
    parts = [f"ami-emulator listening on {url} (AWS endpoint)"]
    if console:
        parts.append(f"console {url}/_emulator/console/")
    with world.lock:
        organizations = world.orgs.organizations()
        management = organizations[0].management_account if organizations else None
    parts.append(source if management is None else f"{source}, management account {management}")
    return "; ".join(parts)


def _source(args: argparse.Namespace) -> str:
    if args.scenario:
        return f"scenario {args.scenario}"
    return "empty world" if args.empty else "demo world"


def dump_command(args: argparse.Namespace) -> int:
    url = f"{args.endpoint.rstrip('/')}/_emulator/scenario?format={args.format}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            text = response.read().decode()
    except (urllib.error.URLError, OSError) as exc:
        print(f"ami-emulator: cannot read {url}: {exc}", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def check_command(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            load_file_into(World(), name)
        except ScenarioFileError as exc:
            print(f"ami-emulator: {exc}", file=sys.stderr)
            failed += 1
        else:
            print(f"{name}: ok")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)
