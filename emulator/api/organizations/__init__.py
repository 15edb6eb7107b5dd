"""AWS Organizations: its operations and its error catalogue, registered on import.

The handlers read JSON params, call one core.organizations operation each and shape
the answer.
"""

from emulator.api.organizations import errors, operations, policies  # noqa: F401
