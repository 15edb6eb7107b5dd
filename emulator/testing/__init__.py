"""Helpers for testing code against the emulator: in-process clients and the pytest plugin.

The public surface for users' tests: their clients reach a World through protocol's
dispatch, as they would over HTTP. ``emulated()`` does it for every client at once, as
moto's ``mock_aws`` does.
"""

from emulator.testing.emulation import NotEmulated, active_world, emulated
from emulator.testing.inprocess import in_process_client

__all__ = ["NotEmulated", "active_world", "emulated", "in_process_client"]
