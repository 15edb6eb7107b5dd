"""``ami-emulator serve``: the command line."""

from __future__ import annotations

import argparse
import logging
import sys

from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION, World, WorldConfig
from emulator.server import build_server


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ami-emulator",
                                  description="Local AWS emulator for AMI sharing with AWS Organizations.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=4566, help="port (default 4566)")
    serve.add_argument("--region", default=DEFAULT_REGION,
                       help=f"Region for unsigned requests (default {DEFAULT_REGION})")
    serve.add_argument("--default-account", default=DEFAULT_ACCOUNT,
                       help=f"account for access keys that name none (default {DEFAULT_ACCOUNT})")
    serve.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    # Our own request line replaces werkzeug's access log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not (len(args.default_account) == 12 and args.default_account.isdigit()):
        print("--default-account must be 12 digits", file=sys.stderr)
        return 2
    world = World(config=WorldConfig(default_account=args.default_account,
                                     default_region=args.region))
    server = build_server(world, args.host, args.port)
    print(f"ami-emulator listening on http://{args.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
