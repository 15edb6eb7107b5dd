"""Benchmarks of ami-emulator against moto's server (``make bench``; never part of the tests)."""
