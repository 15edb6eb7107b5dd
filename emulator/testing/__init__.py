"""Helpers for testing code against the emulator: in-process clients and the pytest plugin."""

from emulator.testing.inprocess import in_process_client

__all__ = ["in_process_client"]
