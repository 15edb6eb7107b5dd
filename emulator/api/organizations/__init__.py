"""AWS Organizations operations; importing the package registers them and their error
catalogue."""

from emulator.api.organizations import errors, operations  # noqa: F401
