"""A Flask app that answers every POST with one fixed body, on the emulator's own server.

Its throughput is the ceiling for any app on that server on this machine, so the emulator's
figure divided by it is the share of the time our own code leaves to everything else.

    python -m bench.trivial_app PORT
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, Response

from emulator.server import build_server
from emulator.web.app import MAX_BODY_BYTES

BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    b"<requestId>00000000-0000-0000-0000-000000000000</requestId><imagesSet/>"
    b"</DescribeImagesResponse>"
)


def make_app() -> Flask:
    app = Flask("trivial")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.route("/", methods=["GET", "POST"])
    def fixed() -> Response:
        return Response(BODY, content_type="text/xml;charset=UTF-8")

    return app


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    server = build_server(make_app(), "127.0.0.1", int(sys.argv[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
