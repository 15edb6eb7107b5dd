"""Helpers for testing code against the emulator: in-process clients and the pytest plugin.

The public surface for users' tests: their clients reach a World through protocol's
dispatch, as they would over HTTP.
"""

from emulator.testing.inprocess import in_process_client

__all__ = ["in_process_client"]
