"""IAM: the principals a request acts as; today AssumeRole sessions and their keys.

Identity policies come here next, written in core.policy's language. It imports only the
base modules, policy and organizations.
"""
