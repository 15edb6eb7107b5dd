"""The HTTP edge: the Flask app factory and its blueprints (AWS endpoint, admin, console).

The only Flask user (with server.py, which serves its app on a socket): it turns HTTP into
protocol requests and pages, and holds no AWS rule.
"""

from emulator.web.app import create_app

__all__ = ["create_app"]
