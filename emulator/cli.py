"""``ami-emulator``: the command line. Each subcommand adds its parser and the function that
runs it (``set_defaults(run=...)``), so a new one is one more ``_add_*`` function."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable

from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION, World, WorldConfig
from emulator.persistence import StateFile, StateFileError
from emulator.server import build_server
from emulator.web import create_app

log = logging.getLogger("emulator")


def _account(text: str) -> str:
    if not (len(text) == 12 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a 12-digit account id")
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


def _add_serve(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the emulator")
    serve.set_defaults(run=serve_command)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    serve.add_argument("--port", type=int, default=4566, help="port (default 4566; 0: any free)")
    serve.add_argument("--region", default=DEFAULT_REGION,
                       help=f"Region for unsigned requests (default {DEFAULT_REGION})")
    serve.add_argument("--default-account", type=_account, default=DEFAULT_ACCOUNT,
                       help=f"account for access keys that name none (default {DEFAULT_ACCOUNT})")
    serve.add_argument("--log-level", default="INFO", type=str.upper,
                       choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                       help="INFO logs one line per request (default INFO)")
    serve.add_argument("--state-file", metavar="PATH",
                       help="load the world from PATH on start and save it there after every "
                            "change and on shutdown")
    serve.add_argument("--access-key", type=_access_key, action="append", default=[],
                       metavar="KEY=ACCOUNT[:SECRET]",
                       help="map an access key id to an account, optionally with its secret "
                            "(repeatable)")
    serve.add_argument("--verify-signatures", action="store_true",
                       help="refuse requests signed with a wrong secret for a key given with "
                            "--access-key KEY=ACCOUNT:SECRET (keys without a secret pass)")
    serve.add_argument("--debug", action="store_true",
                       help="serve with werkzeug's development server instead of waitress")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="ami-emulator",
        description="Local AWS emulator for AMI sharing with AWS Organizations.")
    commands = top.add_subparsers(dest="command", required=True)
    _add_serve(commands)
    return top


def world_config(args: argparse.Namespace) -> WorldConfig:
    return WorldConfig(
        default_account=args.default_account,
        default_region=args.region,
        access_keys={key: account for key, account, _ in args.access_key},
        secret_keys={key: secret for key, _, secret in args.access_key if secret is not None},
    )


def serve_command(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(message)s")
    # Our own request line (emulator.requests) replaces the servers' access logs.
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.debug else logging.WARNING)
    world = World(config=world_config(args))
    state: StateFile | None = None
    if args.state_file:
        state = StateFile(world, args.state_file)
        try:
            loaded = state.load()
        except StateFileError as exc:
            print(f"ami-emulator: cannot load the state file: {exc}", file=sys.stderr)
            return 1
        log.info("%s state from %s", "loaded" if loaded else "no saved", args.state_file)
    app = create_app(world, verify_signatures=args.verify_signatures,
                     on_change=state.changed if state else None)
    try:
        server = build_server(app, args.host, args.port, debug=args.debug)
    except OSError as exc:
        print(f"ami-emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    # SIGTERM (docker stop, kill) shuts down like Ctrl-C: finish running requests, then save.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print(f"ami-emulator listening on http://{server.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if state is not None:
            state.save()
            log.info("state saved to %s", args.state_file)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)
