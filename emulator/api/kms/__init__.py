"""AWS KMS: its operations and its error catalogue, registered on import.

The handlers read JSON params, call one core.kms operation each and shape the answer.
"""

from emulator.api.kms import errors, operations  # noqa: F401
