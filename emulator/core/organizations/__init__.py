"""AWS Organizations: the tree of roots, OUs and accounts, its operations and its paging.

It imports no EC2, KMS or IAM. Other domains learn where an account sits only through
``Membership`` (membership.py), never from the tree itself.
"""
