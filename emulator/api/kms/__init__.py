"""AWS KMS operations; importing the package registers them and the KMS error catalogue."""

from emulator.api.kms import errors, operations  # noqa: F401
