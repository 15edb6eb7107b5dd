"""The HTTP edge: the Flask app factory and its blueprints."""

from emulator.web.app import create_app

__all__ = ["create_app"]
