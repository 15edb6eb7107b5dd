"""Importing this module registers every service's operations and catalogue."""

from emulator.api import ec2, gate, iam, kms, organizations, sts  # noqa: F401
