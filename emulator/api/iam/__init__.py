"""AWS IAM: its operations and its error catalogue, registered on import.

The handlers read Query params, call core.iam's directory and shape the answer.
"""

from emulator.api.iam import errors, operations, simulation  # noqa: F401
