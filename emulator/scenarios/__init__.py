"""Scenario files shipped with the emulator (``demo.yaml``), read as package data."""
