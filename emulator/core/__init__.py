"""The pure domain: every AWS rule the emulator keeps, one package per AWS domain.

Standard library only, and nothing of api, protocol or web. A package imports only those
below it: base modules (errors, ids, paging, commit, wildcard) < policy < organizations <
iam < kms < ec2 < access < snapshots < world < scenario (tests/unit/test_layers.py).
"""
