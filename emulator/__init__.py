"""ami-emulator: a local AWS emulator for AMI sharing with AWS Organizations."""

__version__ = "0.1.0"
