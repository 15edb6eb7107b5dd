"""EBS volumes and snapshots: records, operations, snapshot sharing, encryption by KMS keys.

A snapshot is visible to its owner and the accounts it is shared with; a volume only to
its owner. What a KMS key means to EC2 is encryption.py's, the one module that asks KMS.
"""
