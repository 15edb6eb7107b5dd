"""AWS STS: its operations and its error catalogue, registered on import.

The handlers read Query params, call core.iam's sessions and shape the answer.
"""

from emulator.api.sts import errors, operations  # noqa: F401
