"""VPCs, subnets, security groups, internet gateways and route tables, each account's own.

Rule: an account's network in a Region is its default network (``defaults.py``) until it
first changes it; reads compute that default without recording anything, and the first
change records it with the very ids the reads showed.
"""
