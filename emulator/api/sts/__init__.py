"""AWS STS operations; importing the package registers them and the STS error catalogue."""

from emulator.api.sts import operations  # noqa: F401
