"""Instances: RunInstances from an AMI, their volumes, their states and termination.

Launching asks images whether the caller may launch the AMI and storage for the volumes;
nothing here decides access.
"""
